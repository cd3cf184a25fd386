"""Writing measurements: the one path of every measurement write (SPEC 3, SPEC 6).

A bulk request's rows, a CSV import's lines and a single-month `PUT` / `DELETE` (one row)
all come here as rows with the calculation each writes to. In the request's transaction:
1. the touched trackers' lock state is held and read (`locks.repository.held_locks`), the
   stored values of the rows read FOR UPDATE in key order;
2. the core plans each row (`valuecalc_core.write_plan`): created / updated / unchanged /
   deleted, or refused (outside the period, a duplicate, a stale `if_version`, a locked
   month);
3. the caller answers refusals its way (every bad row, or one problem for one month);
   else one upsert and one delete write the rows, each with its audit events.

A written row without a `source` gets "import".
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.addressing import TrackerScope, resolve
from valuecalc_api.bulk_writes.applying import check_written, row_ids
from valuecalc_api.bulk_writes.repository import CalculationTarget, lock_new_month
from valuecalc_api.bulk_writes.row_errors import RowError, RowsRefused, plan_errors
from valuecalc_api.bulk_writes.schemas import BulkOutcome, MeasurementRow, row_result
from valuecalc_api.locks.repository import held_locks
from valuecalc_api.measurements.write_repository import (
    MeasurementWrite,
    StoredMeasurement,
    delete_measurements,
    existing_measurements,
    make_room_for_rows,
    upsert_measurements,
)
from valuecalc_core.months import Month
from valuecalc_core.write_plan import RowStatus, RowsToWrite, WritePlan, plan_writes

DEFAULT_SOURCE = "import"
# From this many rows on, the write statements get more memory (`make_room_for_rows`).
_MANY_ROWS = 100

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PlannedMeasurements:
    """Rows with their targets, stored values (in `request.stored`) and the core's plan."""

    rows: Sequence[MeasurementRow]
    targets: Sequence[CalculationTarget]
    days: Sequence[date]
    stored: Sequence[StoredMeasurement | None]
    request: RowsToWrite
    plan: WritePlan


async def plan_measurements(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[MeasurementRow],
    targets: Sequence[CalculationTarget],
    *,
    single_month: bool = False,
) -> PlannedMeasurements:
    """Read what the rows replace, locking it, and plan them. `single_month`: a `PUT` or
    `DELETE` of one month, which waits for a concurrent first write of the month (so its
    audit record knows what it replaced) and is refused in a locked month even unchanged."""
    organization_id = principal.organization_id
    locks = await held_locks(
        session, organization_id, sorted({target.tracker_id for target in targets})
    )
    days = [row.month.first_day() for row in rows]
    keys = list({(target.calculation_id, day) for target, day in zip(targets, days, strict=True)})
    stored = await existing_measurements(session, organization_id, keys)
    if single_month and len(stored) < len(keys):
        for calculation_id, day in keys:
            if (calculation_id, day) not in stored:
                await lock_new_month(session, calculation_id, Month.of_day(day))
        stored = await existing_measurements(session, organization_id, keys)
    found = [
        stored.get((target.calculation_id, day)) for target, day in zip(targets, days, strict=True)
    ]
    request = RowsToWrite(
        slots=[
            (target.calculation_id, row.month) for row, target in zip(rows, targets, strict=True)
        ],
        months=[row.month for row in rows],
        values=[row.value for row in rows],
        estimates=[row.estimate for row in rows],
        sources=[row.source for row in rows],
        if_versions=[row.if_version for row in rows],
        stored=found,
        period_starts=[target.start_month for target in targets],
        period_ends=[target.end_month for target in targets],
        locked_through=[locks.get(target.tracker_id) for target in targets],
        unchanged_in_locked=not single_month,
    )
    return PlannedMeasurements(rows, targets, days, found, request, plan_writes(request))


async def apply_measurements(
    session: AsyncSession,
    principal: Principal,
    planned: PlannedMeasurements,
    answer: Callable[[Sequence[uuid.UUID | None]], T],
) -> T:
    """Write a plan without problems; returns `answer` of each row's id (the stored row's,
    a new one's, or None where nothing was removed), built while the database writes."""
    statuses = planned.plan.statuses
    stored = planned.stored
    ids = row_ids(statuses, stored)
    writes = [
        MeasurementWrite(
            row_id,
            target.tracker_id,
            target.calculation_id,
            day,
            value,
            row.estimate,
            row.source or DEFAULT_SOURCE,
            found,
        )
        for row, target, day, status, found, row_id in zip(
            planned.rows, planned.targets, planned.days, statuses, stored, ids, strict=True
        )
        if (status is RowStatus.created or status is RowStatus.updated)
        and row_id is not None
        and (value := row.value) is not None
    ]
    if len(planned.rows) >= _MANY_ROWS:
        await make_room_for_rows(session)
    # The database writes while this process assembles the answer (10,000 rows of it):
    # the answer follows from the plan, and is dropped if the write fails.
    writing = asyncio.ensure_future(upsert_measurements(session, principal, writes))
    try:
        await asyncio.sleep(0)  # let the statement go out before the work below
        result = answer(ids)
    finally:
        written = await writing
    removals = [
        (target.tracker_id, found)
        for target, status, found in zip(planned.targets, statuses, stored, strict=True)
        if status is RowStatus.deleted and found is not None
    ]
    removed = await delete_measurements(session, principal, removals)
    check_written(
        written, [w.before.version if w.before else None for w in writes], removed, len(removals)
    )
    return result


async def write_measurements(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[MeasurementRow | None],
    schema_problems: Sequence[RowError],
    scope: TrackerScope | None,
    lines: Sequence[int] | None = None,
) -> BulkOutcome:
    """Apply every row or none (`RowsRefused` listing every bad row); `rows[i]` is None
    where row i failed its schema. `lines` (a CSV import's) are the rows' line numbers,
    shown in the answer's rows."""
    targets, errors = await resolve(session, principal, rows, scope)
    errors = [*schema_problems, *errors]
    ready = [
        (index, row, target)
        for index, (row, target) in enumerate(zip(rows, targets, strict=True))
        if row is not None and target is not None
    ]
    index_of = [index for index, _, _ in ready]
    planned = await plan_measurements(
        session, principal, [row for _, row, _ in ready], [target for _, _, target in ready]
    )
    errors += plan_errors(planned.plan.problems, planned.request, index_of, "calculation and month")
    if errors:
        raise RowsRefused(errors)

    line_of: Sequence[int | None] = [None] * len(ready) if lines is None else lines

    def outcome(ids: Sequence[uuid.UUID | None]) -> BulkOutcome:
        return BulkOutcome.of(
            [
                row_result(row_id, status, target.calculation_id, month, None, line)
                for row_id, status, target, month, line in zip(
                    ids,
                    planned.plan.statuses,
                    planned.targets,
                    planned.request.months,
                    line_of,
                    strict=True,
                )
                if status is not None
            ]
        )

    return await apply_measurements(session, principal, planned, outcome)
