"""Bulk input changes: set or remove an input's value from a month on (SPEC 3
"Carry-forward timelines"), validated in full and applied all or nothing like
`service.write_measurements`.

An input keeps its value at the contract's first month (its initial value): a row may
change it but not remove it (`value: null` there is refused, as for single writes).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.imports import repository
from valuecalc_api.imports.addressing import TrackerScope, resolve
from valuecalc_api.imports.input_change_writes import (
    InputChangeWrite,
    StoredInputChange,
    delete_input_changes,
    existing_input_changes,
    upsert_input_changes,
)
from valuecalc_api.imports.measurement_writes import planned_versions
from valuecalc_api.imports.repository import CalculationTarget, as_date
from valuecalc_api.imports.row_errors import RowError, RowsRefused, version_mismatch
from valuecalc_api.imports.schemas import BulkOutcome, InputChangeRow, RowStatus, row_result
from valuecalc_api.imports.service import (
    concurrent_write,
    duplicate_errors,
    locked_error,
    new_row_ids,
)


@dataclass(frozen=True, slots=True)
class _Planned:
    index: int
    target: CalculationTarget
    input_id: uuid.UUID
    month: date
    status: RowStatus
    stored: StoredInputChange | None
    id: uuid.UUID | None  # the stored change's, or a new one's; None: nothing to remove


async def write_input_changes(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[InputChangeRow | None],
    schema_problems: Sequence[RowError],
    scope: TrackerScope | None,
) -> BulkOutcome:
    """Apply every row or none; `rows[i]` is None where row i failed its schema."""
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
        elif row.value is None and row.month == target.start_month:
            errors.append(
                RowError(
                    index,
                    "value",
                    "initial_value_required",
                    f"{row.month} holds the input's initial value (the contract's first "
                    "month); change it instead of removing it.",
                )
            )
        else:
            ready.append((index, row, target, input_id))
    duplicates = duplicate_errors(
        [(index, (input_id, row.month)) for index, row, _, input_id in ready], "input and month"
    )
    errors += duplicates
    duplicated = {error.row for error in duplicates}
    ready = [item for item in ready if item[0] not in duplicated]

    locks = await repository.locked_through(
        session, principal.organization_id, sorted({item[2].tracker_id for item in ready})
    )
    stored = await existing_input_changes(
        session,
        principal.organization_id,
        list({(input_id, as_date(row.month)) for _, row, _, input_id in ready}),
    )
    new_ids = iter(new_row_ids(len(ready)))
    plan: list[_Planned] = []
    for index, row, target, input_id in ready:
        month = as_date(row.month)
        current = stored.get((input_id, month))
        if row.value is None:
            status = RowStatus.deleted if current is not None else RowStatus.unchanged
        elif current is None:
            status = RowStatus.created
        else:
            status = RowStatus.unchanged if current.value == row.value else RowStatus.updated
        if row.if_version is not None:
            stored_version = current.version if current is not None else 0
            if row.if_version != stored_version:
                errors.append(version_mismatch(index, row.if_version, stored_version))
        through = locks.get(target.tracker_id)
        if status is not RowStatus.unchanged and through is not None and row.month <= through:
            errors.append(locked_error(index, row.month, through))
        row_id = current.id if current else (next(new_ids) if row.value is not None else None)
        plan.append(_Planned(index, target, input_id, month, status, current, row_id))
    if errors:
        raise RowsRefused(errors)

    values = {index: row.value for index, row, _, _ in ready}
    keys = {index: row.input_key for index, row, _, _ in ready}
    writes = [
        InputChangeWrite(
            id=p.id,
            tracker_id=p.target.tracker_id,
            calculation_id=p.target.calculation_id,
            input_id=p.input_id,
            input_key=keys[p.index],
            month=p.month,
            value=value,
            before=p.stored,
        )
        for p in plan
        if p.status in (RowStatus.created, RowStatus.updated)
        and p.id is not None
        and (value := values[p.index]) is not None
    ]
    written = await upsert_input_changes(session, principal, writes)
    expected = planned_versions([w.before.version if w.before else None for w in writes])
    removals = [
        (p.target.tracker_id, p.target.calculation_id, keys[p.index], p.stored)
        for p in plan
        if p.status is RowStatus.deleted and p.stored is not None
    ]
    removed = await delete_input_changes(session, principal, removals)
    if written != expected or removed != len(removals):
        raise concurrent_write()
    return BulkOutcome.of(
        [row_result(p.id, p.status, p.target.calculation_id, p.month, keys[p.index]) for p in plan]
    )
