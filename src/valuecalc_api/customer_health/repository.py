"""Every query about health profiles, their versions and overrides; scoped by organization."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.health import HealthOverride, HealthProfile, HealthProfileVersion
from valuecalc_api.models.tracker import Tracker


async def get_profile(
    session: AsyncSession, organization_id: uuid.UUID, profile_id: uuid.UUID, *, lock: bool = False
) -> HealthProfile | None:
    query = select(HealthProfile).where(
        HealthProfile.organization_id == organization_id, HealthProfile.id == profile_id
    )
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def list_profiles(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    limit: int | None = None,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> Sequence[HealthProfile]:
    query = select(HealthProfile).where(HealthProfile.organization_id == organization_id)
    if after is not None:
        query = query.where(tuple_(HealthProfile.created_at, HealthProfile.id) > tuple_(*after))
    query = query.order_by(HealthProfile.created_at, HealthProfile.id)
    if limit is not None:
        query = query.limit(limit)
    return (await session.scalars(query)).all()


async def get_version(
    session: AsyncSession, organization_id: uuid.UUID, profile_id: uuid.UUID, version: int
) -> HealthProfileVersion | None:
    return await session.scalar(
        select(HealthProfileVersion).where(
            HealthProfileVersion.organization_id == organization_id,
            HealthProfileVersion.profile_id == profile_id,
            HealthProfileVersion.version == version,
        )
    )


async def current_versions(
    session: AsyncSession, organization_id: uuid.UUID, profile_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, HealthProfileVersion]:
    rows = await session.scalars(
        select(HealthProfileVersion)
        .join(HealthProfile, HealthProfile.id == HealthProfileVersion.profile_id)
        .where(
            HealthProfile.organization_id == organization_id,
            HealthProfile.id.in_(list(profile_ids)),
            HealthProfileVersion.version == HealthProfile.current_version,
        )
    )
    return {row.profile_id: row for row in rows}


async def list_versions(
    session: AsyncSession,
    organization_id: uuid.UUID,
    profile_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[HealthProfileVersion]:
    query = select(HealthProfileVersion).where(
        HealthProfileVersion.organization_id == organization_id,
        HealthProfileVersion.profile_id == profile_id,
    )
    if after is not None:
        query = query.where(
            tuple_(HealthProfileVersion.created_at, HealthProfileVersion.id) > tuple_(*after)
        )
    query = query.order_by(HealthProfileVersion.created_at, HealthProfileVersion.id)
    return (await session.scalars(query.limit(limit))).all()


async def overrides_of(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_ids: Collection[uuid.UUID],
) -> Sequence[HealthOverride]:
    """The customers' overrides, oldest first (ended and expired ones too)."""
    return (
        await session.scalars(
            select(HealthOverride)
            .where(
                HealthOverride.organization_id == organization_id,
                HealthOverride.customer_id.in_(list(customer_ids)),
            )
            .order_by(HealthOverride.created_at, HealthOverride.id)
        )
    ).all()


async def get_override(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID,
    override_id: uuid.UUID,
) -> HealthOverride | None:
    return await session.scalar(
        select(HealthOverride)
        .where(
            HealthOverride.organization_id == organization_id,
            HealthOverride.customer_id == customer_id,
            HealthOverride.id == override_id,
        )
        .with_for_update()
    )


async def trackers_of_customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_ids: Collection[uuid.UUID],
    visible_tracker_ids: Collection[uuid.UUID] | None,
) -> list[uuid.UUID]:
    """The ids of the customers' trackers (only those of `visible_tracker_ids` if given)."""
    query = select(Tracker.id).where(
        Tracker.organization_id == organization_id,
        Tracker.customer_id.in_(list(customer_ids)),
    )
    if visible_tracker_ids is not None:
        query = query.where(Tracker.id.in_(list(visible_tracker_ids)))
    return list((await session.scalars(query)).all())
