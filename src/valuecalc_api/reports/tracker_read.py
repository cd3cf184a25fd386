"""The one read path of a tracker's cached reads: who asks, for which tracker, as of when.

`read_tracker` (`TrackerReadDep`) resolves the caller and the tracker together: one query
in autocommit reads the unrevoked key, and the tracker's period and data version if it
belongs to the key's organization (`repository.KEY_AND_TRACKER_STATE`). Then, in the
order every route answers: 401 for an unknown or revoked key, 422 for a bad actor header
(`auth.dependencies.acting_caller`), 404 for another organization's tracker or one
outside a tracker-limited key. What the route then asks of `cached_reads.respond` (a 304,
the cached bytes of that data version, or a computation) needs no further query on a hit.

`as_of` is parsed once (`asked_month`) and clipped to the contract once by the core
(`valuecalc_core.as_of.report_as_of`, against the period the key's data version names).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from valuecalc_api.auth.dependencies import (
    CALLER_DEPENDENCIES,
    Principal,
    acting_caller,
    find_principal,
    key_parameters,
    principal_of,
    request_secret,
)
from valuecalc_api.db import read_row
from valuecalc_api.problems import invalid, not_found
from valuecalc_api.reports.repository import (
    KEY_AND_TRACKER_STATE,
    TrackerDataState,
    tracker_state_of,
)
from valuecalc_api.schema_types import month_param
from valuecalc_api.settings import Settings
from valuecalc_core.as_of import MonthBeforePeriodError, report_as_of
from valuecalc_core.months import Month, Period


@dataclass(frozen=True, slots=True)
class TrackerRead:
    """The caller, the tracker it may read, and that tracker's period and data version."""

    principal: Principal
    tracker_id: uuid.UUID
    state: TrackerDataState


# What a request whose path names no tracker gets (never used: see `read_tracker`).
_NOT_READ = TrackerDataState(Month(0), Month(0), None)


async def read_tracker(request: Request) -> TrackerRead:
    """The caller and the tracker of the path's `tracker_id` (see the module)."""
    secret = request_secret(request)
    settings: Settings = request.app.state.settings
    engine = request.app.state.engine
    try:
        tracker_id = uuid.UUID(request.path_params["tracker_id"])
    except ValueError:
        # Not a tracker id: the key is checked first, as on every route, then FastAPI's
        # validation of the route's `tracker_id` answers 422 before the route runs.
        principal = acting_caller(request, await find_principal(engine, settings, secret))
        return TrackerRead(principal, uuid.UUID(int=0), _NOT_READ)
    parameters = key_parameters(settings, secret) | {"tracker_id": tracker_id}
    row = await read_row(engine, KEY_AND_TRACKER_STATE, parameters)
    principal = acting_caller(request, None if row is None else principal_of(row))
    principal.check_tracker(tracker_id)
    state = tracker_state_of(row)
    if state is None:
        raise not_found("tracker")
    return TrackerRead(principal, tracker_id, state)


CALLER_DEPENDENCIES.add(read_tracker)
TrackerReadDep = Annotated[TrackerRead, Depends(read_tracker)]


def asked_month(text: str | None, field: str = "as_of") -> Month | None:
    """The month a request asks for (422 if it is no YYYY-MM month), None if none."""
    return None if text is None else month_param(text, field)


def as_of_month(asked: Month | None, period: Period, field: str = "as_of") -> Month:
    """The report's last month for `asked` in the contract `period` (the core's rule);
    a month before the contract starts is a 422 naming `field`."""
    try:
        return report_as_of(asked, period)
    except MonthBeforePeriodError as error:
        raise invalid([{"field": field, "code": error.code, "message": error.message}]) from None


def month_in_period(text: str, period: Period, field: str = "month") -> Month:
    """A month that must lie in the contract period (422 otherwise)."""
    month = month_param(text, field)
    if month not in period:
        raise invalid(
            [
                {
                    "field": field,
                    "code": "month_outside_period",
                    "message": f"{month} is outside the contract period {period}.",
                }
            ]
        )
    return month


def report_month(text: str | None, period: Period, field: str = "as_of") -> Month:
    """`as_of_month(asked_month(text), period)`: for reads that parse and clip in one step."""
    return as_of_month(asked_month(text, field), period, field)
