"""SQL shared by the signal packages: customers by id or CRM id, what a tracker-limited
key may see, and the organization's signal settings. Always scoped by organization."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select, text, true, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.base import Base
from valuecalc_api.models.customer import Customer
from valuecalc_api.models.organization import Organization
from valuecalc_api.models.tracker import Tracker


def visible_customers(
    customer_id: Any, tracker_ids: Collection[uuid.UUID] | None
) -> ColumnElement[bool]:
    """A condition on `customer_id`: the customer owns one of `tracker_ids` (what a
    tracker-limited key sees); always true for a key of the whole organization."""
    if tracker_ids is None:
        return true()
    column: ColumnElement[uuid.UUID] = customer_id
    return column.in_(select(Tracker.customer_id).where(Tracker.id.in_(list(tracker_ids))))


async def customers_by_reference(
    session: AsyncSession,
    organization_id: uuid.UUID,
    ids: Sequence[uuid.UUID],
    external_ids: Sequence[str],
) -> tuple[set[uuid.UUID], dict[str, uuid.UUID]]:
    """Which of `ids` are the organization's customers, and the customer of each known
    CRM id of `external_ids`: one query whatever the number of rows."""
    if not ids and not external_ids:
        return set(), {}
    rows = await session.execute(
        select(Customer.id, Customer.external_id).where(
            Customer.organization_id == organization_id,
            Customer.id.in_(list(set(ids))) | Customer.external_id.in_(list(set(external_ids))),
        )
    )
    known: set[uuid.UUID] = set()
    by_external: dict[str, uuid.UUID] = {}
    for customer_id, external_id in rows:
        known.add(customer_id)
        if external_id is not None:
            by_external[external_id] = customer_id
    return known, by_external


async def customer_visible(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID,
    tracker_ids: Collection[uuid.UUID] | None,
) -> bool:
    found = await session.scalar(
        select(Customer.id).where(
            Customer.organization_id == organization_id,
            Customer.id == customer_id,
            visible_customers(Customer.id, tracker_ids),
        )
    )
    return found is not None


async def signal_settings(
    session: AsyncSession, organization_id: uuid.UUID
) -> tuple[str, list[str], date]:
    """The organization's time zone, value features, and today's date in that time zone
    (the database's clock)."""
    row = (
        await session.execute(
            select(
                Organization.time_zone,
                Organization.value_features,
                text("(now() AT TIME ZONE organizations.time_zone)::date"),
            ).where(Organization.id == organization_id)
        )
    ).one()
    return row[0], list(row[1]), row[2]


async def time_zone_known(session: AsyncSession, name: str) -> bool:
    found = await session.scalar(
        text("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = :name)"),
        {"name": name},
    )
    return bool(found)


async def set_signal_settings(
    session: AsyncSession, organization_id: uuid.UUID, time_zone: str, value_features: list[str]
) -> None:
    await session.execute(
        update(Organization)
        .where(Organization.id == organization_id)
        .values(time_zone=time_zone, value_features=value_features)
    )


# An ORM class of a signal table: id, organization_id, customer_id, created_at.
S = TypeVar("S", bound=Base)


async def get_signal_row(
    session: AsyncSession,
    model: type[S],
    organization_id: uuid.UUID,
    row_id: uuid.UUID,
    tracker_ids: Collection[uuid.UUID] | None,
) -> S | None:
    """One row of the organization whose customer the key may see, or None."""
    table: Any = model
    found: S | None = await session.scalar(
        select(table).where(
            table.organization_id == organization_id,
            table.id == row_id,
            visible_customers(table.customer_id, tracker_ids),
        )
    )
    return found


async def list_signal_rows(
    session: AsyncSession,
    model: type[S],
    organization_id: uuid.UUID,
    tracker_ids: Collection[uuid.UUID] | None,
    *,
    customer_id: uuid.UUID | None,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
    where: Sequence[ColumnElement[bool]] = (),
) -> Sequence[S]:
    """Rows in the order they were stored, `limit` of them after the keyset position."""
    table: Any = model
    query = select(table).where(
        table.organization_id == organization_id,
        visible_customers(table.customer_id, tracker_ids),
        *where,
    )
    if customer_id is not None:
        query = query.where(table.customer_id == customer_id)
    if after is not None:
        query = query.where(tuple_(table.created_at, table.id) > tuple_(*after))
    query = query.order_by(table.created_at, table.id).limit(limit)
    return (await session.scalars(query)).all()


def customer_filters(
    customer_id: uuid.UUID | None, tracker_ids: Collection[uuid.UUID] | None, column: str
) -> tuple[str, dict[str, Any]]:
    """SQL conditions (and their parameters) on `column`, a fixed column name: only
    `customer_id`, only the customers of `tracker_ids` (a tracker-limited key)."""
    sql = ""
    parameters: dict[str, Any] = {}
    if customer_id is not None:
        sql += f" AND {column} = :customer_id"
        parameters["customer_id"] = customer_id
    if tracker_ids is not None:
        sql += (
            f" AND {column} IN "  # noqa: S608 - a fixed column name
            "(SELECT customer_id FROM trackers WHERE id = ANY(:tracker_ids))"
        )
        parameters["tracker_ids"] = list(tracker_ids)
    return sql, parameters
