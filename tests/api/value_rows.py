"""Arranging a tracker with one calculation directly in the database, for the tests of
audit, locks, evidence and notes (which do not exercise the tracker endpoints)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.models import ApiKey, Base, Calculation, Customer, Role, Tracker, UseCase
from valuecalc_core.months import Month


@dataclass(frozen=True)
class TrackerRows:
    tracker_id: uuid.UUID
    calculation_id: uuid.UUID


async def make_tracker(
    sessionmaker: async_sessionmaker[AsyncSession],
    organization_id: uuid.UUID,
    *,
    start: str = "2026-01",
    end: str = "2026-12",
) -> TrackerRows:
    """A USD tracker over `start`..`end` with one active use case and one calculation (V1)."""
    async with sessionmaker() as session:
        customer = Customer(organization_id=organization_id, name="Initech")
        session.add(customer)
        await session.flush()
        tracker = Tracker(
            organization_id=organization_id,
            customer_id=customer.id,
            name="Support value",
            currency="USD",
            start_month=Month.parse(start),
            end_month=Month.parse(end),
        )
        session.add(tracker)
        await session.flush()
        use_case = UseCase(
            organization_id=organization_id,
            tracker_id=tracker.id,
            name="Faster support",
            status="active",
        )
        session.add(use_case)
        await session.flush()
        calculation = Calculation(
            organization_id=organization_id,
            tracker_id=tracker.id,
            use_case_id=use_case.id,
            key="tickets",
            name="Tickets handled",
            kind="cost_savings",
            metric_name="tickets handled per day",
            metric_unit="tickets/day",
            baseline=Decimal(100),
            direction="higher_is_better",
            formula="improvement * reps * cost_per_rep_month",
        )
        session.add(calculation)
        await session.flush()
        rows = TrackerRows(tracker.id, calculation.id)
        await session.commit()
    return rows


async def principal_of(
    sessionmaker: async_sessionmaker[AsyncSession], organization_id: uuid.UUID, role: Role
) -> Principal:
    """The principal of the organization's first key of `role` (as its requests would get)."""
    async with sessionmaker() as session:
        key = await session.scalar(
            select(ApiKey)
            .where(ApiKey.organization_id == organization_id, ApiKey.role == role.value)
            .order_by(ApiKey.created_at)
            .limit(1)
        )
    assert key is not None
    return Principal(organization_id, key.id, role, None)


async def count(session: AsyncSession, table: type[Base], *where: ColumnElement[bool]) -> int:
    """How many rows of `table` match (read in a fresh transaction)."""
    await session.rollback()
    return (await session.scalar(select(func.count()).select_from(table).where(*where))) or 0
