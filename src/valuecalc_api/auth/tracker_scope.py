"""Authorization rules shared by the value-tracking packages, beyond the key's role.

A key limited to some trackers (SPEC 6) works inside those trackers only: it sees
other trackers as nonexistent (404) and cannot act on organization-wide objects
(customers, new trackers), which would let it reach beyond its trackers.
"""

from __future__ import annotations

import uuid

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.problems import forbidden


def require_within_trackers(principal: Principal, tracker_ids: list[uuid.UUID] | None) -> None:
    """403 unless every tracker of `tracker_ids` (None: every tracker of the organization)
    is one the key may act on: a key cannot hand out more than it holds."""
    if principal.tracker_ids is None:
        return
    if tracker_ids is None or not set(tracker_ids) <= principal.tracker_ids:
        raise forbidden(
            "This API key is limited to some trackers; it can only create or revoke keys "
            "limited to those trackers."
        )


def require_whole_organization(principal: Principal, action: str) -> None:
    """403 unless the key may act on every tracker of its organization."""
    if principal.tracker_ids is not None:
        raise forbidden(
            f"This API key is limited to some trackers; {action} needs a key for the whole "
            "organization."
        )
