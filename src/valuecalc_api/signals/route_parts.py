"""Route parameters and error documentation shared by the signal endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Query

from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.problem_refs import problem_doc
from valuecalc_api.signals import repository as signals
from valuecalc_api.signals.windows import (
    AsOfQuery,
    FromQuery,
    ToQuery,
    Window,
    WindowDaysQuery,
    window_of,
)

WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    403: problem_doc(
        "`forbidden`: a viewer key, or a key limited to some trackers (signals need a key for "
        "the whole organization).",
        "read-only-key",
        "tracker-limited-key",
    ),
    422: problem_doc(
        "`validation-error`: bad rows, each listed in `errors` by `row` (0-based) and `field` "
        "(score outside its scale, unknown kind, a date after today, an unknown customer, an "
        "`external_id` twice), or a bad envelope. Nothing was written.",
        "bulk-rows-invalid",
        "bulk-envelope-invalid",
    ),
}
# A `customer_id` query naming no customer the key can see answers 404 (`check_customer`).
CUSTOMER_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: problem_doc(
        "`not-found`: no such customer (`customer_id`) in your organization, or outside the "
        "trackers of a tracker-limited key.",
        "customer-not-found",
    )
}
CustomerQuery = Annotated[
    uuid.UUID | None, Query(description="Only this customer (404 if you cannot see it).")
]


async def _window(
    session: SessionDep,
    principal: PrincipalDep,
    first_day: FromQuery = None,
    last_day: ToQuery = None,
    window_days: WindowDaysQuery = None,
    as_of: AsOfQuery = None,
) -> Window:
    _, _, today = await signals.signal_settings(session, principal.organization_id)
    return window_of(first_day, last_day, window_days, as_of, today)


WindowDep = Annotated[Window, Depends(_window)]
