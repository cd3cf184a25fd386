"""Authorization rules shared by the value-tracking packages, beyond the key's role.

A key limited to some trackers (SPEC 6) works inside those trackers only: it sees
other trackers as nonexistent (404) and cannot act on organization-wide objects
(customers, new trackers), which would let it reach beyond its trackers.
"""

from __future__ import annotations

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.problems import forbidden


def require_whole_organization(principal: Principal, action: str) -> None:
    """403 unless the key may act on every tracker of its organization."""
    if principal.tracker_ids is not None:
        raise forbidden(
            f"This API key is limited to some trackers; {action} needs a key for the whole "
            "organization."
        )
