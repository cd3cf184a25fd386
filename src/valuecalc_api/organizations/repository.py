"""Every query about organizations and API keys; always scoped by organization."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.organization import ApiKey, Organization
from valuecalc_api.models.tracker import Tracker


async def get_organization(
    session: AsyncSession, organization_id: uuid.UUID
) -> Organization | None:
    return await session.get(Organization, organization_id)


async def count_organizations(session: AsyncSession) -> int:
    return (await session.scalar(select(func.count()).select_from(Organization))) or 0


async def get_api_key(
    session: AsyncSession, organization_id: uuid.UUID, key_id: uuid.UUID
) -> ApiKey | None:
    return await session.scalar(
        select(ApiKey).where(ApiKey.organization_id == organization_id, ApiKey.id == key_id)
    )


async def list_api_keys(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[ApiKey]:
    """Keys in creation order, `limit` of them after the keyset position `after`."""
    query = select(ApiKey).where(ApiKey.organization_id == organization_id)
    if after is not None:
        created_at, key_id = after
        query = query.where(tuple_(ApiKey.created_at, ApiKey.id) > tuple_(created_at, key_id))
    query = query.order_by(ApiKey.created_at, ApiKey.id).limit(limit)
    return (await session.scalars(query)).all()


async def trackers_of_organization(
    session: AsyncSession, organization_id: uuid.UUID, tracker_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of `tracker_ids` that are trackers of the organization."""
    rows = await session.scalars(
        select(Tracker.id).where(
            Tracker.organization_id == organization_id, Tracker.id.in_(tracker_ids)
        )
    )
    return set(rows.all())
