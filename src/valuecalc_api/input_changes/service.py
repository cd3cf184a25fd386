"""Input changes month by month (SPEC 3 "Carry-forward timelines"): reading them, and
setting or removing one month's change.

Months must lie in the tracker's contract period; an input keeps a value at the
contract's first month (its initial value), which can be changed but not removed. A
single-month write is a one-row call of the write path every input-change write takes
(`writes`): it checks `If-Match` against the row it replaces (412 when stale), is refused
in a locked month (423), and leaves one audit record; a write that changes nothing leaves
none.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.schemas import InputChangeRow
from valuecalc_api.bulk_writes.single_month import planned_status, target_of
from valuecalc_api.calculations.service import get_calculation
from valuecalc_api.input_changes import repository, writes
from valuecalc_api.models.calculation import Calculation, CalculationInput
from valuecalc_api.models.measurement import InputChange
from valuecalc_api.problems import Problem
from valuecalc_core.months import Month
from valuecalc_core.write_plan import RowStatus


def _no_such(what: str) -> Problem:
    return Problem(404, "not-found", what)


async def _input(
    session: AsyncSession, principal: Principal, calculation: Calculation, key: str
) -> CalculationInput:
    found = await repository.get_input(session, principal.organization_id, calculation.id, key)
    if found is None:
        raise _no_such(f"This calculation has no input {key!r}.")
    return found


async def list_inputs(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID
) -> Sequence[CalculationInput]:
    calculation, _ = await get_calculation(session, principal, calculation_id, with_inputs=False)
    return await repository.list_inputs_with_changes(
        session, principal.organization_id, calculation.id
    )


async def _write_month(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    row: InputChangeRow,
    if_match: str | None,
) -> tuple[CalculationInput, RowStatus]:
    """Write one month through `writes`; the input and the row's status, or the first
    problem raised."""
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, with_inputs=False, lock_tracker=True
    )
    calculation_input = await _input(session, principal, calculation, row.input_key)
    planned = await writes.plan_input_changes(
        session,
        principal,
        [row],
        [target_of(calculation, tracker)],
        [calculation_input.id],
        single_month=True,
    )
    status = planned_status(
        planned,
        tracker.id,
        if_match=if_match,
        missing=f"Input {row.input_key!r} has no change in {row.month}.",
    )
    await writes.apply_input_changes(session, principal, planned)
    return calculation_input, status


async def put_input_change(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    key: str,
    month: Month,
    value: Decimal,
    if_match: str | None = None,
) -> tuple[InputChange, bool]:
    """Set input `key` to `value` from `month` on; returns the change and whether it is new."""
    row = InputChangeRow.model_construct(
        calculation_id=calculation_id, input_key=key, month=month, value=value
    )
    calculation_input, status = await _write_month(
        session, principal, calculation_id, row, if_match
    )
    change = await repository.get_input_change(
        session, principal.organization_id, calculation_input.id, month
    )
    assert change is not None
    return change, status is RowStatus.created


async def get_input_change(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID, key: str, month: Month
) -> InputChange:
    calculation, _ = await get_calculation(session, principal, calculation_id, with_inputs=False)
    calculation_input = await _input(session, principal, calculation, key)
    change = await repository.get_input_change(
        session, principal.organization_id, calculation_input.id, month
    )
    if change is None:
        raise _no_such(f"Input {key!r} has no change in {month}.")
    return change


async def delete_input_change(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    key: str,
    month: Month,
    if_match: str | None = None,
) -> None:
    """Remove a change; later months then carry the previous value forward."""
    row = InputChangeRow.model_construct(
        calculation_id=calculation_id, input_key=key, month=month, value=None
    )
    await _write_month(session, principal, calculation_id, row, if_match)
