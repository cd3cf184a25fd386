"""Every query about customers; always scoped by organization."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import Exists

from valuecalc_api.models.customer import Customer
from valuecalc_api.models.revenue import ArrMovement, ContractLine, CsLead, Renewal
from valuecalc_api.models.tracker import Tracker


async def get_customer(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID,
    *,
    visible_tracker_ids: Collection[uuid.UUID] | None = None,
) -> Customer | None:
    """The customer, or None; with `visible_tracker_ids`, only if it owns one of them."""
    query = select(Customer).where(
        Customer.organization_id == organization_id, Customer.id == customer_id
    )
    if visible_tracker_ids is not None:
        query = query.where(_owns_one_of(visible_tracker_ids))
    return await session.scalar(query)


def _owns_one_of(tracker_ids: Collection[uuid.UUID]) -> Exists:
    """The customer owns at least one of `tracker_ids` (what a tracker-limited key sees)."""
    return exists().where(Tracker.customer_id == Customer.id, Tracker.id.in_(list(tracker_ids)))


async def list_customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
    external_id: str | None = None,
    visible_tracker_ids: Collection[uuid.UUID] | None = None,
) -> Sequence[Customer]:
    """Customers in creation order, `limit` of them after the keyset position `after`."""
    query = select(Customer).where(Customer.organization_id == organization_id)
    if external_id is not None:
        query = query.where(Customer.external_id == external_id)
    if visible_tracker_ids is not None:
        query = query.where(_owns_one_of(visible_tracker_ids))
    if after is not None:
        query = query.where(tuple_(Customer.created_at, Customer.id) > tuple_(*after))
    query = query.order_by(Customer.created_at, Customer.id).limit(limit)
    return (await session.scalars(query)).all()


async def count_trackers(
    session: AsyncSession, organization_id: uuid.UUID, customer_id: uuid.UUID
) -> int:
    query = select(func.count()).where(
        Tracker.organization_id == organization_id, Tracker.customer_id == customer_id
    )
    return (await session.scalar(query)) or 0


async def delete_customer(
    session: AsyncSession, organization_id: uuid.UUID, customer_id: uuid.UUID
) -> None:
    await session.execute(
        delete(Customer).where(
            Customer.organization_id == organization_id, Customer.id == customer_id
        )
    )


async def count_revenue_records(
    session: AsyncSession, organization_id: uuid.UUID, customer_id: uuid.UUID
) -> int:
    """The customer's ARR movements, renewals, contract lines and CS-qualified leads."""
    total = 0
    for model in (ArrMovement, Renewal, ContractLine, CsLead):
        query = select(func.count()).where(
            model.organization_id == organization_id, model.customer_id == customer_id
        )
        total += (await session.scalar(query)) or 0
    return total


# --- the book: the customers a key sees, filtered, and one keyset page of them ---------


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
    """The SELECT of the book's customers (a `Select` of the five columns): the customers
    a key sees (`customer_view`'s book, a health backtest), filtered."""
    query: Any = select(*_COLUMNS).where(Customer.organization_id == organization_id)
    if visible_tracker_ids is not None:
        query = query.where(_owns_one_of(visible_tracker_ids))
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
