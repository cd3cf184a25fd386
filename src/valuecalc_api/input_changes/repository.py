"""Every query about calculation inputs and their changes that is not a write statement
(`write_repository`); always scoped by organization."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from valuecalc_api.bulk_writes.repository import strings_param, uuids_param
from valuecalc_api.models.calculation import CalculationInput
from valuecalc_api.models.measurement import InputChange
from valuecalc_core.months import Month


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


async def inputs_of(
    session: AsyncSession,
    organization_id: uuid.UUID,
    calculation_ids: Sequence[uuid.UUID],
    keys: Sequence[str],
) -> list[tuple[uuid.UUID, str, uuid.UUID]]:
    """(calculation id, input key, input id) of the calculations' inputs among `keys`."""
    if not calculation_ids or not keys:
        return []
    query = select(
        CalculationInput.calculation_id, CalculationInput.key, CalculationInput.id
    ).where(
        CalculationInput.organization_id == organization_id,
        CalculationInput.calculation_id == uuids_param("calculation_ids", calculation_ids),
        CalculationInput.key == strings_param("keys", keys),
    )
    return [(row[0], row[1], row[2]) for row in (await session.execute(query)).all()]
