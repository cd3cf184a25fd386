"""The queries that read measurements, and the lock that serializes the first writes of
a month; always scoped by organization. The writes are `write_repository`'s statements.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.measurement import Measurement
from valuecalc_core.months import Month

# First key of the advisory lock that serializes the first writes of a month ("mnth").


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
