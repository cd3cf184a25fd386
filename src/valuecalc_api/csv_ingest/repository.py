"""Every query of the measurement CSV template: the calculations it lists and their values."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.bulk_writes.repository import uuids_param
from valuecalc_api.models.calculation import Calculation
from valuecalc_api.models.measurement import Measurement
from valuecalc_api.models.tracker import UseCase
from valuecalc_core.months import Month


@dataclass(frozen=True, slots=True)
class TemplateCalculation:
    calculation_id: uuid.UUID
    use_case: str
    key: str
    name: str
    metric_name: str
    metric_unit: str


async def active_calculations(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> list[TemplateCalculation]:
    """The calculations of the tracker's active use cases, in the Measurements tab's order."""
    query = (
        select(
            Calculation.id,
            UseCase.name,
            Calculation.key,
            Calculation.name,
            Calculation.metric_name,
            Calculation.metric_unit,
        )
        .join(UseCase, UseCase.id == Calculation.use_case_id)
        .where(
            Calculation.organization_id == organization_id,
            Calculation.tracker_id == tracker_id,
            UseCase.status == "active",
        )
        .order_by(UseCase.position, UseCase.created_at, UseCase.id, Calculation.created_at)
    )
    return [TemplateCalculation(*row) for row in (await session.execute(query)).all()]


async def measurements_of(
    session: AsyncSession, organization_id: uuid.UUID, calculation_ids: Sequence[uuid.UUID]
) -> dict[tuple[uuid.UUID, Month], tuple[Decimal, bool, str]]:
    """(value, estimate, source) of every measurement of the calculations."""
    if not calculation_ids:
        return {}
    query = select(
        Measurement.calculation_id,
        Measurement.month,
        Measurement.value,
        Measurement.estimate,
        Measurement.source,
    ).where(
        Measurement.organization_id == organization_id,
        Measurement.calculation_id == uuids_param("calculation_ids", calculation_ids),
    )
    return {(row[0], row[1]): (row[2], row[3], row[4]) for row in await session.execute(query)}
