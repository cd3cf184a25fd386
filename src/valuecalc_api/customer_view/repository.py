"""Queries of the book: the customers a key sees, filtered, and one keyset page of them."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import exists, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.customer import Customer
from valuecalc_api.models.revenue import ArrMovement, Renewal
from valuecalc_api.models.tracker import Tracker


@dataclass(frozen=True, slots=True)
class BookFilter:
    segment: str | None = None
    owner: str | None = None


_COLUMNS = (Customer.id, Customer.name, Customer.external_id, Customer.segment, Customer.owner)


def _book(
    organization_id: uuid.UUID,
    visible_tracker_ids: Collection[uuid.UUID] | None,
    where: BookFilter,
) -> Any:
    """The SELECT of the book's customers (a `Select` of the five columns)."""
    query: Any = select(*_COLUMNS).where(Customer.organization_id == organization_id)
    if visible_tracker_ids is not None:
        query = query.where(
            exists().where(
                Tracker.customer_id == Customer.id, Tracker.id.in_(list(visible_tracker_ids))
            )
        )
    if where.segment is not None:
        query = query.where(Customer.segment == where.segment)
    if where.owner is not None:
        query = query.where(Customer.owner == where.owner)
    return query


async def visible_customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    visible_tracker_ids: Collection[uuid.UUID] | None,
    where: BookFilter = BookFilter(),
) -> Sequence[Any]:
    """Every customer the key sees (id, name, external_id, segment, owner), by name."""
    query = _book(organization_id, visible_tracker_ids, where).order_by(Customer.name, Customer.id)
    rows: Sequence[Any] = (await session.execute(query)).all()
    return rows


async def count_customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    visible_tracker_ids: Collection[uuid.UUID] | None,
    where: BookFilter,
) -> int:
    inner = _book(organization_id, visible_tracker_ids, where).subquery()
    return (await session.scalar(select(func.count()).select_from(inner))) or 0


async def page_by_name(
    session: AsyncSession,
    organization_id: uuid.UUID,
    visible_tracker_ids: Collection[uuid.UUID] | None,
    where: BookFilter,
    *,
    limit: int,
    after: tuple[str, uuid.UUID] | None,
    descending: bool,
) -> Sequence[Any]:
    """One page of the book by name (then id), after the keyset position `after`."""
    query = _book(organization_id, visible_tracker_ids, where)
    key = tuple_(Customer.name, Customer.id)
    if after is not None:
        query = query.where(key < tuple_(*after) if descending else key > tuple_(*after))
    if descending:
        query = query.order_by(Customer.name.desc(), Customer.id.desc())
    else:
        query = query.order_by(Customer.name, Customer.id)
    rows: Sequence[Any] = (await session.execute(query.limit(limit))).all()
    return rows


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
