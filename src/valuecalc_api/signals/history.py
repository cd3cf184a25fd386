"""The audit trail of one signal record (SPEC 6 "who, when, before, after"), newest first,
cursor-paginated, optionally only one person's changes (`?actor=`).

Signal events carry no tracker, so the partial index `ix_audit_events_untracked_entity`
(organization, entity, occurred_at, seq WHERE tracker_id IS NULL, migration i13_03) finds
a record's events in order: the read needs no index of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.audit import AuditEntity, AuditEvent


async def record_events(
    session: AsyncSession,
    organization_id: uuid.UUID,
    entity: AuditEntity,
    entity_id: uuid.UUID,
    *,
    actor_id: str | None,
    limit: int,
    before: tuple[datetime, int] | None,
) -> Sequence[AuditEvent]:
    """The record's events, newest first, `limit` of them after keyset position `before`."""
    query = select(AuditEvent).where(
        AuditEvent.organization_id == organization_id,
        AuditEvent.tracker_id.is_(None),
        AuditEvent.entity_id == entity_id,
        AuditEvent.entity_type == entity.value,
    )
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if before is not None:
        query = query.where(
            tuple_(AuditEvent.occurred_at, AuditEvent.seq) < tuple_(before[0], before[1])
        )
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.seq.desc()).limit(limit)
    return (await session.scalars(query)).all()
