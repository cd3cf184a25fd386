"""Measurements month by month: reading them, and setting or removing one month's value.

Months must lie in the tracker's contract period (SPEC 3). A single-month write is a
one-row call of the write path every measurement write takes (`writes`): it checks
`If-Match` against the row it replaces (412 when stale), is refused in a locked month
(423), and leaves one audit record; a write that changes nothing leaves none.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.schemas import MeasurementRow
from valuecalc_api.bulk_writes.single_month import planned_status, target_of
from valuecalc_api.calculations.service import get_calculation
from valuecalc_api.measurements import repository, writes
from valuecalc_api.measurements.schemas import MeasurementPut
from valuecalc_api.models.measurement import Measurement
from valuecalc_api.pagination import decode_cursor, encode_cursor
from valuecalc_api.problems import Problem
from valuecalc_core.months import Month
from valuecalc_core.write_plan import RowStatus


def _month_cursor(measurement: Measurement) -> str:
    moment = datetime.combine(measurement.month.first_day(), datetime.min.time(), tzinfo=UTC)
    return encode_cursor(moment, measurement.id)


def _month_after(cursor: str | None) -> tuple[Month, uuid.UUID] | None:
    if cursor is None:
        return None
    moment, measurement_id = decode_cursor(cursor)
    return Month.of_day(moment), measurement_id


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


async def _write_month(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    row: MeasurementRow,
    if_match: str | None,
) -> RowStatus:
    """Write one month through `writes`; its status, or the first problem raised."""
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, with_inputs=False, lock_tracker=True
    )
    planned = await writes.plan_measurements(
        session, principal, [row], [target_of(calculation, tracker)], single_month=True
    )
    status = planned_status(
        planned,
        tracker.id,
        if_match=if_match,
        missing=f"This calculation has no measurement in {row.month}.",
    )
    await writes.apply_measurements(session, principal, planned, lambda ids: ids)
    return status


async def put_measurement(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    month: Month,
    body: MeasurementPut,
    if_match: str | None = None,
) -> tuple[Measurement, bool]:
    """Set the month's measurement; returns it and whether it is new."""
    row = MeasurementRow.model_construct(
        calculation_id=calculation_id,
        month=month,
        value=body.value,
        estimate=body.estimate,
        source=body.source,
    )
    status = await _write_month(session, principal, calculation_id, row, if_match)
    measurement = await repository.get_measurement(
        session, principal.organization_id, calculation_id, month
    )
    assert measurement is not None
    return measurement, status is RowStatus.created


async def get_measurement(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID, month: Month
) -> Measurement:
    calculation, _ = await get_calculation(session, principal, calculation_id, with_inputs=False)
    measurement = await repository.get_measurement(
        session, principal.organization_id, calculation.id, month
    )
    if measurement is None:
        raise Problem(404, "not-found", f"This calculation has no measurement in {month}.")
    return measurement


async def delete_measurement(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    month: Month,
    if_match: str | None = None,
) -> None:
    """Blank out the month (404 if it has no measurement)."""
    row = MeasurementRow.model_construct(calculation_id=calculation_id, month=month, value=None)
    await _write_month(session, principal, calculation_id, row, if_match)
