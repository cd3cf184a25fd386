"""Every query of the goal endpoints; always scoped by organization."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.customer import Customer
from valuecalc_api.models.goal import Goal
from valuecalc_api.models.tracker import Tracker, UseCase
from valuecalc_api.signals.repository import visible_customers


async def use_case_customers(
    session: AsyncSession, organization_id: uuid.UUID, use_case_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """use case id -> the customer of its tracker, for the organization's use cases."""
    if not use_case_ids:
        return {}
    rows = await session.execute(
        select(UseCase.id, Tracker.customer_id)
        .join(Tracker, Tracker.id == UseCase.tracker_id)
        .where(Tracker.organization_id == organization_id, UseCase.id.in_(list(use_case_ids)))
    )
    return {row[0]: row[1] for row in rows}


async def goals_with_names(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    tracker_ids: Collection[uuid.UUID] | None,
) -> Sequence[tuple[Goal, str]]:
    """Every goal the key may see, with its customer's name."""
    query = (
        select(Goal, Customer.name)
        .join(Customer, Customer.id == Goal.customer_id)
        .where(
            Goal.organization_id == organization_id,
            visible_customers(Goal.customer_id, tracker_ids),
        )
    )
    if customer_id is not None:
        query = query.where(Goal.customer_id == customer_id)
    rows = await session.execute(query.order_by(Customer.name, Goal.created_at, Goal.id))
    return [(row[0], row[1]) for row in rows]
