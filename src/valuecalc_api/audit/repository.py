"""Every query of the audit trail: inserts live in `service`, reads here. Always org-scoped."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.audit import AuditEntity, AuditEvent
from valuecalc_api.models.calculation import Calculation
from valuecalc_api.models.tracker import Tracker
from valuecalc_core.months import Month


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """Optional narrowing of a history list; `since` is inclusive, `until` exclusive."""

    entity_type: AuditEntity | None = None
    entity_id: uuid.UUID | None = None
    calculation_id: uuid.UUID | None = None
    action: str | None = None
    month: Month | None = None
    since: datetime | None = None
    until: datetime | None = None
    # The person (`Valuecalc-Actor`) who made the change. No index of its own: the list
    # walks the tracker's index newest first and skips other people's events, because
    # every bulk write with an actor would pay 10,000 more index entries for it.
    actor_id: str | None = None


def _filtered(query: Select[AuditEvent], where: HistoryFilter) -> Select[AuditEvent]:
    if where.entity_type is not None:
        query = query.where(AuditEvent.entity_type == where.entity_type.value)
    if where.entity_id is not None:
        query = query.where(AuditEvent.entity_id == where.entity_id)
    if where.calculation_id is not None:
        query = query.where(AuditEvent.calculation_id == where.calculation_id)
    if where.action is not None:
        query = query.where(AuditEvent.action == where.action)
    if where.month is not None:
        query = query.where(AuditEvent.month == where.month)
    if where.since is not None:
        query = query.where(AuditEvent.occurred_at >= where.since)
    if where.until is not None:
        query = query.where(AuditEvent.occurred_at < where.until)
    if where.actor_id is not None:
        query = query.where(AuditEvent.actor_id == where.actor_id)
    return query


async def list_events(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_id: uuid.UUID,
    where: HistoryFilter,
    *,
    limit: int,
    before: tuple[datetime, int] | None,
) -> Sequence[AuditEvent]:
    """A tracker's events, newest first, `limit` of them after keyset position `before`."""
    query = select(AuditEvent).where(
        AuditEvent.organization_id == organization_id, AuditEvent.tracker_id == tracker_id
    )
    query = _filtered(query, where)
    if before is not None:
        query = query.where(
            tuple_(AuditEvent.occurred_at, AuditEvent.seq) < tuple_(before[0], before[1])
        )
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.seq.desc()).limit(limit)
    return (await session.scalars(query)).all()


async def tracker_known(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> bool:
    """The tracker exists, or did: a deleted tracker's history stays readable."""
    exists = await session.scalar(
        select(Tracker.id).where(
            Tracker.organization_id == organization_id, Tracker.id == tracker_id
        )
    )
    if exists is not None:
        return True
    recorded = await session.scalar(
        select(AuditEvent.id)
        .where(AuditEvent.organization_id == organization_id, AuditEvent.tracker_id == tracker_id)
        .limit(1)
    )
    return recorded is not None


async def tracker_of_calculation(
    session: AsyncSession, organization_id: uuid.UUID, calculation_id: uuid.UUID
) -> uuid.UUID | None:
    """The tracker of a calculation that exists or did (from its audit events); None if unknown."""
    tracker_id = await session.scalar(
        select(Calculation.tracker_id).where(
            Calculation.organization_id == organization_id, Calculation.id == calculation_id
        )
    )
    if tracker_id is not None:
        return tracker_id
    return await session.scalar(
        select(AuditEvent.tracker_id)
        .where(
            AuditEvent.organization_id == organization_id,
            AuditEvent.calculation_id == calculation_id,
            AuditEvent.tracker_id.is_not(None),
        )
        .limit(1)
    )
