"""Every query about input changes and measurements; always scoped by organization.

Writes are single-statement upserts on the (input, month) / (calculation, month) unique
keys, so concurrent writers of the same month cannot create duplicates or fail with a
500. A write that changes nothing does not bump `version`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Boolean, delete, func, literal_column, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from valuecalc_api.models.calculation import CalculationInput
from valuecalc_api.models.measurement import InputChange, Measurement
from valuecalc_core.months import Month

# True when the upsert inserted the row (PostgreSQL: a fresh row version has xmax 0).
_INSERTED = literal_column("(xmax = 0)", Boolean)
# First key of the advisory lock that serializes the first writes of a month ("mnth").
_NEW_MONTH_NAMESPACE = 0x6D6E7468


async def lock_new_month(session: AsyncSession, owner_id: uuid.UUID, month: Month) -> None:
    """Until commit, serialize writes that find no row for (`owner_id`, `month`): a row lock
    needs a row, and the audit trail needs to know what the first write replaced (nothing).
    After this, read the row again: a concurrent first write is then committed and visible."""
    key = int.from_bytes(owner_id.bytes[:4], "big", signed=True) ^ month.ordinal
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
        {"namespace": _NEW_MONTH_NAMESPACE, "key": key},
    )


async def get_input(
    session: AsyncSession, organization_id: uuid.UUID, calculation_id: uuid.UUID, key: str
) -> CalculationInput | None:
    query = select(CalculationInput).where(
        CalculationInput.organization_id == organization_id,
        CalculationInput.calculation_id == calculation_id,
        CalculationInput.key == key,
    )
    return await session.scalar(query)


async def list_inputs_with_changes(
    session: AsyncSession, organization_id: uuid.UUID, calculation_id: uuid.UUID
) -> Sequence[CalculationInput]:
    """The calculation's inputs in their order, each with its changes by month."""
    query = (
        select(CalculationInput)
        .where(
            CalculationInput.organization_id == organization_id,
            CalculationInput.calculation_id == calculation_id,
        )
        .order_by(CalculationInput.position, CalculationInput.key)
        .options(selectinload(CalculationInput.changes))
    )
    return (await session.scalars(query)).all()


async def put_input_change(
    session: AsyncSession,
    organization_id: uuid.UUID,
    input_id: uuid.UUID,
    month: Month,
    value: Decimal,
) -> tuple[InputChange, bool]:
    """Set the input's value from `month` on; returns the change and whether it is new."""
    new_row = insert(InputChange).values(
        id=uuid.uuid4(),
        organization_id=organization_id,
        input_id=input_id,
        month=month,
        value=value,
        version=1,
    )
    statement = new_row.on_conflict_do_update(
        constraint="uq_input_changes_input_id_month",
        set_={
            "value": new_row.excluded.value,
            "version": InputChange.version + 1,
            "updated_at": func.now(),
        },
        where=InputChange.value != new_row.excluded.value,
    ).returning(InputChange, _INSERTED)
    row = (
        await session.execute(statement, execution_options={"populate_existing": True})
    ).one_or_none()
    if row is not None:
        return row[0], bool(row[1])
    unchanged = await session.scalar(
        select(InputChange).where(
            InputChange.organization_id == organization_id,
            InputChange.input_id == input_id,
            InputChange.month == month,
        )
    )
    assert unchanged is not None
    return unchanged, False


async def get_input_change(
    session: AsyncSession,
    organization_id: uuid.UUID,
    input_id: uuid.UUID,
    month: Month,
    *,
    for_update: bool = False,
) -> InputChange | None:
    """The input's change at `month`; `for_update` locks it until the transaction ends."""
    query = select(InputChange).where(
        InputChange.organization_id == organization_id,
        InputChange.input_id == input_id,
        InputChange.month == month,
    )
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))


async def delete_input_change(
    session: AsyncSession, organization_id: uuid.UUID, input_id: uuid.UUID, month: Month
) -> bool:
    """Remove the change at `month`; False if there was none."""
    result = await session.execute(
        delete(InputChange)
        .where(
            InputChange.organization_id == organization_id,
            InputChange.input_id == input_id,
            InputChange.month == month,
        )
        .returning(InputChange.id)
    )
    return result.first() is not None


async def list_measurements(
    session: AsyncSession,
    organization_id: uuid.UUID,
    calculation_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[Month, uuid.UUID] | None,
) -> Sequence[Measurement]:
    """The calculation's measurements by month, `limit` of them after the position `after`."""
    query = select(Measurement).where(
        Measurement.organization_id == organization_id,
        Measurement.calculation_id == calculation_id,
    )
    if after is not None:  # one measurement per month: the month alone is the keyset
        query = query.where(Measurement.month > after[0])
    query = query.order_by(Measurement.month).limit(limit)
    return (await session.scalars(query)).all()


async def get_measurement(
    session: AsyncSession,
    organization_id: uuid.UUID,
    calculation_id: uuid.UUID,
    month: Month,
    *,
    for_update: bool = False,
) -> Measurement | None:
    """The month's measurement; `for_update` locks it until the transaction ends."""
    query = select(Measurement).where(
        Measurement.organization_id == organization_id,
        Measurement.calculation_id == calculation_id,
        Measurement.month == month,
    )
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))


async def put_measurement(
    session: AsyncSession,
    organization_id: uuid.UUID,
    calculation_id: uuid.UUID,
    month: Month,
    *,
    value: Decimal,
    estimate: bool,
    source: str,
) -> tuple[Measurement, bool]:
    """Set the month's measurement; returns it and whether it is new."""
    new_row = insert(Measurement).values(
        id=uuid.uuid4(),
        organization_id=organization_id,
        calculation_id=calculation_id,
        month=month,
        value=value,
        estimate=estimate,
        source=source,
        version=1,
    )
    excluded = new_row.excluded
    statement = new_row.on_conflict_do_update(
        constraint="uq_measurements_calculation_id_month",
        set_={
            "value": excluded.value,
            "estimate": excluded.estimate,
            "source": excluded.source,
            "version": Measurement.version + 1,
            "updated_at": func.now(),
        },
        where=tuple_(Measurement.value, Measurement.estimate, Measurement.source).is_distinct_from(
            tuple_(excluded.value, excluded.estimate, excluded.source)
        ),
    ).returning(Measurement, _INSERTED)
    row = (
        await session.execute(statement, execution_options={"populate_existing": True})
    ).one_or_none()
    if row is not None:
        return row[0], bool(row[1])
    unchanged = await session.scalar(
        select(Measurement).where(
            Measurement.organization_id == organization_id,
            Measurement.calculation_id == calculation_id,
            Measurement.month == month,
        )
    )
    assert unchanged is not None
    return unchanged, False


async def delete_measurement(
    session: AsyncSession, organization_id: uuid.UUID, calculation_id: uuid.UUID, month: Month
) -> bool:
    """Blank out the month; False if it had no measurement."""
    result = await session.execute(
        delete(Measurement)
        .where(
            Measurement.organization_id == organization_id,
            Measurement.calculation_id == calculation_id,
            Measurement.month == month,
        )
        .returning(Measurement.id)
    )
    return result.first() is not None
