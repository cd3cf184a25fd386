"""Queries of the book beside its customers (`customers.repository`): renewals, movements."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.revenue import ArrMovement, Renewal


async def renewals_due(
    session: AsyncSession, organization_id: uuid.UUID, customer_ids: Collection[uuid.UUID], on: date
) -> dict[uuid.UUID, date]:
    """Each customer's earliest renewal still undecided on `on` (open, or closed after it)."""
    rows = await session.execute(
        select(Renewal.customer_id, func.min(Renewal.due_date))
        .where(
            Renewal.organization_id == organization_id,
            Renewal.customer_id.in_(list(customer_ids)),
            or_(Renewal.closed_date.is_(None), Renewal.closed_date > on),
        )
        .group_by(Renewal.customer_id)
    )
    return {row[0]: row[1] for row in rows}


async def last_movements(
    session: AsyncSession, organization_id: uuid.UUID, customer_id: uuid.UUID, on: date, count: int
) -> Sequence[Any]:
    """The customer's `count` latest ARR movements dated on or before `on`, latest first."""
    rows: Sequence[Any] = (
        await session.execute(
            select(ArrMovement.date, ArrMovement.kind, ArrMovement.amount, ArrMovement.currency)
            .where(
                ArrMovement.organization_id == organization_id,
                ArrMovement.customer_id == customer_id,
                ArrMovement.date <= on,
            )
            .order_by(ArrMovement.date.desc(), ArrMovement.created_at.desc())
            .limit(count)
        )
    ).all()
    return rows
