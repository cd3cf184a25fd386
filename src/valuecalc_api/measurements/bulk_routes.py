"""Bulk write endpoints for integrations (SPEC 6 "Bulk endpoints").

Each takes `{"rows": [...]}` with 1 to 10,000 rows, validates all of them, and applies
all or nothing. Bad rows: 422 problem+json whose `errors` name each one
(`{"row": i, "field": …, "code": …, "message": …}`, `row` 0-based); if the only problems
are locked months, 423 `month-locked` with the same list. They are POST, so a retry with
the same `Idempotency-Key` replays the first answer instead of writing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request, Response

from valuecalc_api import metrics
from valuecalc_api.auth.dependencies import EditorDep
from valuecalc_api.bulk_writes.addressing import tracker_scope
from valuecalc_api.bulk_writes.applying import transient_errors_as_concurrent_write
from valuecalc_api.bulk_writes.row_errors import RowsRefused, refused
from valuecalc_api.bulk_writes.row_parsing import rows_of_body, validate_rows
from valuecalc_api.bulk_writes.schemas import (
    BulkOutcome,
    BulkResult,
    InputChangeRow,
    MeasurementRow,
    bulk_body_schema,
)
from valuecalc_api.db import SessionDep
from valuecalc_api.input_changes.writes import write_input_changes
from valuecalc_api.measurements.writes import write_measurements
from valuecalc_api.problem_refs import problem_doc

router = APIRouter(tags=["bulk writes"])

_LOCKED = problem_doc(
    "`month-locked`: every bad row would change a locked month; `errors` lists each with "
    "its `row` and `locked_through`. Nothing was written.",
    "bulk-rows-locked",
)
_CONCURRENT = problem_doc(
    "`concurrent-write`: another request wrote some of the same months at the same moment; "
    "nothing was written. Retry after `Retry-After` seconds (with the same Idempotency-Key).",
    "concurrent-write",
    headers=("Retry-After",),
)
_STALE = problem_doc(
    "`precondition-failed`: every bad row has an `if_version` that is not the stored version "
    "of its month; `errors` lists each with its `current_version`. Nothing was written.",
    "bulk-rows-stale",
)
_INVALID = (
    "`validation-error`: bad rows, each listed in `errors` by `row` (0-based) and `field`, "
    "or a bad envelope (`field` `body` or `rows`). Nothing was written."
)
# Rows of one tracker: the tracker is known, so a month never falls in two trackers.
_TRACKER_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: _STALE,
    422: problem_doc(_INVALID, "bulk-rows-invalid", "bulk-envelope-invalid"),
    423: _LOCKED,
    503: _CONCURRENT,
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: problem_doc(
        _INVALID + " A row whose month falls in several trackers of the customer has "
        "`candidate_tracker_ids`.",
        "bulk-rows-invalid",
        "bulk-row-ambiguous",
        "bulk-envelope-invalid",
    ),
    412: _STALE,
    423: _LOCKED,
    503: _CONCURRENT,
}


async def _applied(write: Awaitable[BulkOutcome]) -> Response:
    """Run a bulk write: bad rows answer 422 (423, 412) listing each; a transient conflict 503."""
    try:
        async with transient_errors_as_concurrent_write():
            outcome = await write
    except RowsRefused as error:
        raise refused(error) from None
    metrics.bulk_rows_written(outcome.counts())
    return outcome.response()


@router.post(
    "/trackers/{tracker_id}/measurements/bulk",
    response_model=BulkResult,
    responses=_TRACKER_RESPONSES,
    openapi_extra={"requestBody": bulk_body_schema(MeasurementRow)},
)
async def bulk_tracker_measurements(
    tracker_id: uuid.UUID, request: Request, principal: EditorDep, session: SessionDep
) -> Response:
    """Set (or with `value: null` remove) many measurements of one tracker at once.

    Rows address a calculation by `calculation_id` or by `calculation_key` (the tracker's
    customer is implied; `customer_external_id`, if sent, must be it).
    """
    scope = await tracker_scope(session, principal, tracker_id)
    rows, problems = validate_rows(rows_of_body(await request.body()), MeasurementRow)
    return await _applied(write_measurements(session, principal, rows, problems, scope))


@router.post(
    "/measurements/bulk",
    response_model=BulkResult,
    responses=_RESPONSES,
    openapi_extra={"requestBody": bulk_body_schema(MeasurementRow)},
)
async def bulk_measurements(
    request: Request, principal: EditorDep, session: SessionDep
) -> Response:
    """Set (or remove) measurements of any trackers, addressed by the keys an integration
    knows: `customer_external_id` + `calculation_key` + `month` (the tracker is the
    customer's one with that calculation whose period contains the month; `tracker_id`
    chooses when several do), or by `calculation_id` + `month`."""
    rows, problems = validate_rows(rows_of_body(await request.body()), MeasurementRow)
    return await _applied(write_measurements(session, principal, rows, problems, None))


@router.post(
    "/trackers/{tracker_id}/input-changes/bulk",
    response_model=BulkResult,
    responses=_TRACKER_RESPONSES,
    openapi_extra={"requestBody": bulk_body_schema(InputChangeRow)},
)
async def bulk_input_changes(
    tracker_id: uuid.UUID, request: Request, principal: EditorDep, session: SessionDep
) -> Response:
    """Set (or with `value: null` remove) many input changes of one tracker at once: input
    `input_key` of the addressed calculation has `value` from `month` on."""
    scope = await tracker_scope(session, principal, tracker_id)
    rows, problems = validate_rows(rows_of_body(await request.body()), InputChangeRow)
    return await _applied(write_input_changes(session, principal, rows, problems, scope))
