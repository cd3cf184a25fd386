"""Writing input changes: the one path of every input-change write (SPEC 3 "Carry-forward
timelines", SPEC 6), in the same steps as `measurements.writes`: lock state and stored
changes read, each row planned by the core, then one upsert and one delete.

An input keeps its value at the contract's first month (its initial value): a row may
change it but not remove it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.addressing import TrackerScope, resolve
from valuecalc_api.bulk_writes.applying import check_written, row_ids
from valuecalc_api.bulk_writes.repository import CalculationTarget, lock_new_month
from valuecalc_api.bulk_writes.row_errors import RowError, RowsRefused, plan_errors
from valuecalc_api.bulk_writes.schemas import BulkOutcome, InputChangeRow, row_result
from valuecalc_api.input_changes import repository
from valuecalc_api.input_changes.write_repository import (
    InputChangeWrite,
    StoredInputChange,
    delete_input_changes,
    existing_input_changes,
    upsert_input_changes,
)
from valuecalc_api.locks.repository import held_locks
from valuecalc_core.months import Month
from valuecalc_core.write_plan import RowStatus, RowsToWrite, WritePlan, plan_writes


@dataclass(frozen=True, slots=True)
class PlannedInputChanges:
    """Rows with their targets, input ids, stored changes and the core's plan."""

    rows: Sequence[InputChangeRow]
    targets: Sequence[CalculationTarget]
    input_ids: Sequence[uuid.UUID]
    days: Sequence[date]
    stored: Sequence[StoredInputChange | None]
    request: RowsToWrite
    plan: WritePlan


async def plan_input_changes(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[InputChangeRow],
    targets: Sequence[CalculationTarget],
    input_ids: Sequence[uuid.UUID],
    *,
    single_month: bool = False,
) -> PlannedInputChanges:
    """Read what the rows replace, locking it, and plan them (`single_month` as for
    `measurements.writes.plan_measurements`)."""
    organization_id = principal.organization_id
    locks = await held_locks(
        session, organization_id, sorted({target.tracker_id for target in targets})
    )
    days = [row.month.first_day() for row in rows]
    keys = list(set(zip(input_ids, days, strict=True)))
    stored = await existing_input_changes(session, organization_id, keys)
    if single_month and len(stored) < len(keys):
        for input_id, day in keys:
            if (input_id, day) not in stored:
                await lock_new_month(session, input_id, Month.of_day(day))
        stored = await existing_input_changes(session, organization_id, keys)
    found = [stored.get(key) for key in zip(input_ids, days, strict=True)]
    request = RowsToWrite(
        slots=[(input_id, row.month) for row, input_id in zip(rows, input_ids, strict=True)],
        months=[row.month for row in rows],
        values=[row.value for row in rows],
        estimates=[False] * len(rows),
        sources=[None] * len(rows),
        if_versions=[row.if_version for row in rows],
        stored=found,
        period_starts=[target.start_month for target in targets],
        period_ends=[target.end_month for target in targets],
        locked_through=[locks.get(target.tracker_id) for target in targets],
        initial_value_required=True,
        unchanged_in_locked=not single_month,
    )
    return PlannedInputChanges(rows, targets, input_ids, days, found, request, plan_writes(request))


async def apply_input_changes(
    session: AsyncSession, principal: Principal, planned: PlannedInputChanges
) -> list[uuid.UUID | None]:
    """Write a plan without problems; returns each row's id (the stored change's, a new
    one's, or None where nothing was removed)."""
    statuses = planned.plan.statuses
    ids = row_ids(statuses, planned.stored)
    rows = list(zip(planned.rows, planned.targets, planned.input_ids, planned.days, strict=True))
    writes = [
        InputChangeWrite(
            id=row_id,
            tracker_id=target.tracker_id,
            calculation_id=target.calculation_id,
            input_id=input_id,
            input_key=row.input_key,
            month=day,
            value=value,
            before=found,
        )
        for (row, target, input_id, day), status, found, row_id in zip(
            rows, statuses, planned.stored, ids, strict=True
        )
        if (status is RowStatus.created or status is RowStatus.updated)
        and row_id is not None
        and (value := row.value) is not None
    ]
    written = await upsert_input_changes(session, principal, writes)
    removals = [
        (target.tracker_id, target.calculation_id, row.input_key, found)
        for (row, target, _, _), status, found in zip(rows, statuses, planned.stored, strict=True)
        if status is RowStatus.deleted and found is not None
    ]
    removed = await delete_input_changes(session, principal, removals)
    check_written(
        written, [w.before.version if w.before else None for w in writes], removed, len(removals)
    )
    return ids


async def write_input_changes(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[InputChangeRow | None],
    schema_problems: Sequence[RowError],
    scope: TrackerScope | None,
) -> BulkOutcome:
    """Apply every row or none (`RowsRefused` listing every bad row); `rows[i]` is None
    where row i failed its schema."""
    targets, errors = await resolve(session, principal, rows, scope)
    errors = [*schema_problems, *errors]
    resolved = [
        (index, row, target)
        for index, (row, target) in enumerate(zip(rows, targets, strict=True))
        if row is not None and target is not None
    ]
    inputs = {
        (calculation_id, key): input_id
        for calculation_id, key, input_id in await repository.inputs_of(
            session,
            principal.organization_id,
            sorted({target.calculation_id for _, _, target in resolved}),
            sorted({row.input_key for _, row, _ in resolved}),
        )
    }
    ready = []
    for index, row, target in resolved:
        input_id = inputs.get((target.calculation_id, row.input_key))
        if input_id is None:
            errors.append(
                RowError(
                    index,
                    "input_key",
                    "input_not_found",
                    f"Calculation {target.key!r} has no input {row.input_key!r}.",
                )
            )
        else:
            ready.append((index, row, target, input_id))
    planned = await plan_input_changes(
        session,
        principal,
        [row for _, row, _, _ in ready],
        [target for _, _, target, _ in ready],
        [input_id for _, _, _, input_id in ready],
    )
    errors += plan_errors(
        planned.plan.problems,
        planned.request,
        [index for index, _, _, _ in ready],
        "input and month",
    )
    if errors:
        raise RowsRefused(errors)
    ids = await apply_input_changes(session, principal, planned)
    return BulkOutcome.of(
        [
            row_result(row_id, status, target.calculation_id, row.month, row.input_key)
            for row_id, status, target, row in zip(
                ids, planned.plan.statuses, planned.targets, planned.rows, strict=True
            )
            if status is not None
        ]
    )
