"""Engagement use cases: touches written in bulk (a single create is a one-row bulk), the
engagement report, and `days_since_last_touch` for health scores."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.row_errors import RowError
from valuecalc_api.engagement import repository
from valuecalc_api.engagement.schemas import TouchRow
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.signals import repository as signals
from valuecalc_api.signals.bulk import SignalOutcome
from valuecalc_api.signals.upserts import Content, Key, TableSpec
from valuecalc_api.signals.writes import Problems, not_after_today, write_customer_rows
from valuecalc_core.signals.engagement import (
    BookEngagement,
    Direction,
    Engagement,
    TouchDay,
    book_engagement,
    engagement,
)

TOUCHES = TableSpec(
    "touches",
    keys=(("external_id", "varchar"),),
    content=(
        ("customer_id", "uuid"),
        ("occurred_at", "timestamptz"),
        ("channel", "varchar"),
        ("direction", "varchar"),
        ("author", "varchar"),
    ),
    entity=AuditEntity.touch,
    key_field="external_id",
)


def _touch(row: TouchRow, customer: uuid.UUID, today: date) -> tuple[Key, Content, Problems]:
    # A touch may carry any offset: it is in the future if its own calendar day is.
    problems = not_after_today("occurred_at", row.occurred_at.date(), today)
    content = (customer, row.occurred_at, row.channel.value, row.direction.value, row.author)
    return (row.external_id,), content, problems


async def write_touches(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[TouchRow | None],
    problems: Sequence[RowError],
) -> SignalOutcome:
    return await write_customer_rows(session, principal, TOUCHES, rows, problems, _touch)


@dataclass(frozen=True, slots=True)
class EngagementReport:
    as_of: date
    time_zone: str
    first_day: date
    silent_after_days: int
    names: dict[uuid.UUID, str]
    customers: list[Engagement]
    book: BookEngagement


async def engagement_report(
    session: AsyncSession,
    organization_id: uuid.UUID,
    first_day: date,
    as_of: date,
    silent_after_days: int,
    customer_id: uuid.UUID | None,
    tracker_ids: frozenset[uuid.UUID] | None,
) -> EngagementReport:
    time_zone, _, _ = await signals.signal_settings(session, organization_id)
    names = await repository.customers(session, organization_id, customer_id, tracker_ids)
    days = await repository.touch_days(
        session, organization_id, time_zone, first_day, as_of, customer_id, tracker_ids
    )
    touches = [TouchDay(c, day, Direction(direction)) for c, day, direction in days]
    rows = engagement(names, touches, first_day, as_of, silent_after_days)
    return EngagementReport(
        as_of, time_zone, first_day, silent_after_days, names, rows, book_engagement(rows)
    )


async def days_since_last_touch(
    session: AsyncSession, organization_id: uuid.UUID, as_of: date
) -> dict[uuid.UUID, Engagement]:
    """For health scores: each customer's engagement as of `as_of` (days since the last
    touch and the last inbound touch, touches and cadence over the 90 days to `as_of`)."""
    report = await engagement_report(
        session, organization_id, as_of - timedelta(days=89), as_of, 30, None, None
    )
    return {row.customer_id: row for row in report.customers}
