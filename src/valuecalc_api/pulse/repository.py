"""Every query about pulses and reason codes; scoped by organization."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.health import Pulse, PulseReasonCode


async def list_reason_codes(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    limit: int | None = None,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> Sequence[PulseReasonCode]:
    query = select(PulseReasonCode).where(PulseReasonCode.organization_id == organization_id)
    if after is not None:
        query = query.where(tuple_(PulseReasonCode.created_at, PulseReasonCode.id) > tuple_(*after))
    query = query.order_by(PulseReasonCode.created_at, PulseReasonCode.id)
    if limit is not None:
        query = query.limit(limit)
    return (await session.scalars(query)).all()


async def reason_codes_named(
    session: AsyncSession, organization_id: uuid.UUID, codes: Collection[str]
) -> dict[str, PulseReasonCode]:
    rows = await session.scalars(
        select(PulseReasonCode).where(
            PulseReasonCode.organization_id == organization_id,
            PulseReasonCode.code.in_(list(codes)),
        )
    )
    return {row.code: row for row in rows}


async def pulses_of_customer(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[Pulse]:
    query = select(Pulse).where(
        Pulse.organization_id == organization_id, Pulse.customer_id == customer_id
    )
    if after is not None:
        query = query.where(tuple_(Pulse.created_at, Pulse.id) > tuple_(*after))
    query = query.order_by(Pulse.created_at, Pulse.id).limit(limit)
    return (await session.scalars(query)).all()


async def latest_pulses(
    session: AsyncSession,
    organization_id: uuid.UUID,
    on: date,
    customer_ids: Collection[uuid.UUID] | None = None,
) -> dict[uuid.UUID, Pulse]:
    """Each customer's pulse of `on`: the latest recorded on or before it (the later entry
    of the same day); all the organization's customers unless `customer_ids` is given."""
    query = (
        select(Pulse)
        .ext(distinct_on(Pulse.customer_id))
        .where(Pulse.organization_id == organization_id, Pulse.recorded_on <= on)
        .order_by(Pulse.customer_id, Pulse.recorded_on.desc(), Pulse.created_at.desc())
    )
    if customer_ids is not None:
        query = query.where(Pulse.customer_id.in_(list(customer_ids)))
    return {row.customer_id: row for row in await session.scalars(query)}


async def get_reason_code(
    session: AsyncSession, organization_id: uuid.UUID, reason_code_id: uuid.UUID
) -> PulseReasonCode | None:
    return await session.scalar(
        select(PulseReasonCode)
        .where(
            PulseReasonCode.organization_id == organization_id,
            PulseReasonCode.id == reason_code_id,
        )
        .with_for_update()
    )
