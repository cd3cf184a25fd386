"""The notes and evidence behind a tracker's figures, for the renewal pack (one query)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.evidence import Evidence, Note
from valuecalc_core.months import Month

# The pack lists at most this many; it says how many more there are.
MAX_ITEMS = 500


@dataclass(frozen=True, slots=True)
class Backing:
    """A note or a piece of evidence: what it says or shows, as stored (never fetched)."""

    calculation_id: uuid.UUID
    month: Month
    kind: str  # note, file, link, pasted
    text: str | None
    caption: str | None
    filename: str | None
    url: str | None
    created_at: datetime


async def backing_of(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID, through: Month
) -> tuple[list[Backing], int]:
    """The tracker's notes and evidence of months up to `through`, by month then time
    (at most MAX_ITEMS), and how many there are in all. Two queries."""
    notes = select(
        Note.calculation_id,
        Note.month,
        literal("note").label("kind"),
        Note.text,
        literal(None).label("caption"),
        literal(None).label("filename"),
        literal(None).label("url"),
        Note.created_at,
    ).where(
        Note.organization_id == organization_id,
        Note.tracker_id == tracker_id,
        Note.month <= through,
    )
    evidence = select(
        Evidence.calculation_id,
        Evidence.month,
        Evidence.kind,
        Evidence.text,
        Evidence.caption,
        Evidence.filename,
        Evidence.url,
        Evidence.created_at,
    ).where(
        Evidence.organization_id == organization_id,
        Evidence.tracker_id == tracker_id,
        Evidence.month <= through,
    )
    both = union_all(notes, evidence).subquery()
    total = await session.scalar(select(func.count()).select_from(both))
    rows = (
        await session.execute(
            select(both).order_by(both.c.month, both.c.created_at).limit(MAX_ITEMS)
        )
    ).all()
    return [Backing(*row) for row in rows], total or 0
