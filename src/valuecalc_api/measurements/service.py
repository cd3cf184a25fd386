"""Recording values month by month: input changes (carried forward) and measurements.

Months must lie in the tracker's contract period (SPEC 3); an input keeps a value at
the contract's first month (its initial value), which can be changed but not removed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.measurements import repository
from valuecalc_api.measurements.schemas import MeasurementPut
from valuecalc_api.models.calculation import Calculation, CalculationInput
from valuecalc_api.models.measurement import InputChange, Measurement
from valuecalc_api.models.tracker import Tracker
from valuecalc_api.pagination import decode_cursor, encode_cursor
from valuecalc_api.problems import Problem, conflict, invalid
from valuecalc_api.trackers.calculation_service import get_calculation
from valuecalc_api.trackers.terms import field_error
from valuecalc_core.months import Month


def _check_in_period(tracker: Tracker, month: Month) -> None:
    if not tracker.start_month <= month <= tracker.end_month:
        raise invalid(
            [
                field_error(
                    "month",
                    "month_outside_period",
                    f"{month} is outside the contract period "
                    f"{tracker.start_month}..{tracker.end_month}.",
                )
            ]
        )


def _no_such(what: str) -> Problem:
    return Problem(404, "not-found", what)


async def _input(
    session: AsyncSession, principal: Principal, calculation: Calculation, key: str
) -> CalculationInput:
    found = await repository.get_input(session, principal.organization_id, calculation.id, key)
    if found is None:
        raise _no_such(f"This calculation has no input {key!r}.")
    return found


# --- input changes -------------------------------------------------------------------


async def list_inputs(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID
) -> Sequence[CalculationInput]:
    calculation, _ = await get_calculation(session, principal, calculation_id, with_inputs=False)
    return await repository.list_inputs_with_changes(
        session, principal.organization_id, calculation.id
    )


async def put_input_change(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    key: str,
    month: Month,
    value: Decimal,
) -> tuple[InputChange, bool]:
    """Set input `key` to `value` from `month` on (SPEC 3 "Carry-forward timelines")."""
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, with_inputs=False, lock_tracker=True
    )
    calculation_input = await _input(session, principal, calculation, key)
    _check_in_period(tracker, month)
    return await repository.put_input_change(
        session, principal.organization_id, calculation_input.id, month, value
    )


async def delete_input_change(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID, key: str, month: Month
) -> None:
    """Remove a change; later months then carry the previous value forward."""
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, with_inputs=False, lock_tracker=True
    )
    calculation_input = await _input(session, principal, calculation, key)
    _check_in_period(tracker, month)
    if month == tracker.start_month:
        raise conflict(
            "initial-value-required",
            f"{month} holds the input's initial value (the contract's first month); change it "
            "with PUT instead of removing it.",
        )
    if not await repository.delete_input_change(
        session, principal.organization_id, calculation_input.id, month
    ):
        raise _no_such(f"Input {key!r} has no change in {month}.")


# --- measurements --------------------------------------------------------------------


def _month_cursor(measurement: Measurement) -> str:
    month = measurement.month
    return encode_cursor(datetime(month.year, month.month, 1, tzinfo=UTC), measurement.id)


def _month_after(cursor: str | None) -> tuple[Month, uuid.UUID] | None:
    if cursor is None:
        return None
    moment, measurement_id = decode_cursor(cursor)
    return Month.of(moment.year, moment.month), measurement_id


async def list_measurements(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Measurement], str | None]:
    """A page of measurements by month and the cursor of the next page, if any."""
    calculation, _ = await get_calculation(session, principal, calculation_id, with_inputs=False)
    rows = await repository.list_measurements(
        session,
        principal.organization_id,
        calculation.id,
        limit=limit + 1,
        after=_month_after(cursor),
    )
    shown = rows[:limit]
    return shown, (_month_cursor(shown[-1]) if len(rows) > limit else None)


async def put_measurement(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    month: Month,
    body: MeasurementPut,
) -> tuple[Measurement, bool]:
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, with_inputs=False, lock_tracker=True
    )
    _check_in_period(tracker, month)
    return await repository.put_measurement(
        session,
        principal.organization_id,
        calculation.id,
        month,
        value=body.value,
        estimate=body.estimate,
        source=body.source,
    )


async def delete_measurement(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID, month: Month
) -> None:
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, with_inputs=False, lock_tracker=True
    )
    _check_in_period(tracker, month)
    if not await repository.delete_measurement(
        session, principal.organization_id, calculation.id, month
    ):
        raise _no_such(f"This calculation has no measurement in {month}.")
