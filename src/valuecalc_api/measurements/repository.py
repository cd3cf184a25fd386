"""The queries that read measurements, and the lock that serializes the first writes of
a month; always scoped by organization. The writes are `write_repository`'s statements.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.measurement import Measurement
from valuecalc_core.months import Month

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
