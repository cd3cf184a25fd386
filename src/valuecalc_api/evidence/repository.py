"""Every query about evidence and notes; always scoped by organization."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.calculation import Calculation
from valuecalc_api.models.evidence import Evidence, Note
from valuecalc_api.models.tracker import Tracker
from valuecalc_core.months import Month, Period


@dataclass(frozen=True, slots=True)
class CalculationScope:
    """What evidence and notes need to know about their calculation."""

    calculation_id: uuid.UUID
    tracker_id: uuid.UUID
    contract: Period


async def calculation_scope(
    session: AsyncSession, organization_id: uuid.UUID, calculation_id: uuid.UUID
) -> CalculationScope | None:
    row = (
        await session.execute(
            select(Calculation.tracker_id, Tracker.start_month, Tracker.end_month)
            .join(Tracker, Tracker.id == Calculation.tracker_id)
            .where(Calculation.organization_id == organization_id, Calculation.id == calculation_id)
        )
    ).one_or_none()
    if row is None:
        return None
    tracker_id, start_month, end_month = row
    return CalculationScope(calculation_id, tracker_id, Period(start_month, end_month))


async def get_evidence(
    session: AsyncSession,
    organization_id: uuid.UUID,
    evidence_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> Evidence | None:
    query = select(Evidence).where(
        Evidence.organization_id == organization_id, Evidence.id == evidence_id
    )
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def list_evidence(
    session: AsyncSession,
    organization_id: uuid.UUID,
    calculation_id: uuid.UUID,
    month: Month | None,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[Evidence]:
    """A calculation's evidence (of one month, or all), oldest first, after keyset `after`."""
    query = select(Evidence).where(
        Evidence.organization_id == organization_id, Evidence.calculation_id == calculation_id
    )
    if month is not None:
        query = query.where(Evidence.month == month)
    if after is not None:
        query = query.where(tuple_(Evidence.created_at, Evidence.id) > tuple_(*after))
    query = query.order_by(Evidence.created_at, Evidence.id).limit(limit)
    return (await session.scalars(query)).all()


async def delete_evidence(session: AsyncSession, evidence: Evidence) -> None:
    await session.execute(delete(Evidence).where(Evidence.id == evidence.id))


async def get_note(
    session: AsyncSession, organization_id: uuid.UUID, note_id: uuid.UUID, *, for_update: bool
) -> Note | None:
    query = select(Note).where(Note.organization_id == organization_id, Note.id == note_id)
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def list_notes(
    session: AsyncSession,
    organization_id: uuid.UUID,
    calculation_id: uuid.UUID,
    month: Month,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[Note]:
    query = select(Note).where(
        Note.organization_id == organization_id,
        Note.calculation_id == calculation_id,
        Note.month == month,
    )
    if after is not None:
        query = query.where(tuple_(Note.created_at, Note.id) > tuple_(*after))
    query = query.order_by(Note.created_at, Note.id).limit(limit)
    return (await session.scalars(query)).all()


async def delete_note(session: AsyncSession, note: Note) -> None:
    await session.execute(delete(Note).where(Note.id == note.id))
