"""Every query of the onboarding report; always scoped by organization."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.customer import Customer
from valuecalc_api.models.onboarding import OnboardingMilestones
from valuecalc_api.signals.repository import visible_customers


async def milestones_with_customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    tracker_ids: Collection[uuid.UUID] | None,
) -> Sequence[tuple[OnboardingMilestones, str, str | None]]:
    """Each customer's milestones with its name and segment."""
    query = (
        select(OnboardingMilestones, Customer.name, Customer.segment)
        .join(Customer, Customer.id == OnboardingMilestones.customer_id)
        .where(
            OnboardingMilestones.organization_id == organization_id,
            visible_customers(OnboardingMilestones.customer_id, tracker_ids),
        )
    )
    if customer_id is not None:
        query = query.where(OnboardingMilestones.customer_id == customer_id)
    rows = await session.execute(query.order_by(Customer.name, Customer.id))
    return [(row[0], row[1], row[2]) for row in rows]
