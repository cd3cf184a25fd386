"""Lists of the signal rows that are one per customer and date (usage days, usage months,
seat counts), in JSON and CSV, with each row's history (SPEC 6 "cursor pagination").

They are ordered by customer, then date: the order of their unique (customer_id, date)
index, so a page is an index range scan after the cursor's (customer_id, date), and the
pair alone names a row.
"""

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel
from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal, PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.models.base import Base
from valuecalc_api.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from valuecalc_api.problems import invalid
from valuecalc_api.signals import repository as signals
from valuecalc_api.signals.access import check_customer
from valuecalc_api.signals.csv_out import (
    CSV_MAX_ROWS,
    RECORDS_CSV_OK,
    CsvLimitQuery,
    records_csv,
)
from valuecalc_api.signals.history import add_history_route
from valuecalc_api.signals.route_parts import CUSTOMER_NOT_FOUND, CustomerQuery
from valuecalc_api.signals.schemas import Day

Position = tuple[uuid.UUID, date]


@dataclass(frozen=True, slots=True)
class DatedKind:
    """One kind of row keyed by customer and a date column."""

    path: str  # e.g. "/usage-days"
    id_parameter: str  # e.g. "usage_day_id"
    singular: str
    plural: str
    model: type[Base]
    column: str  # the date column: "day", "month", "effective_on"
    entity: AuditEntity
    out: type[BaseModel]


def _encode(customer_id: uuid.UUID, day: date) -> str:
    raw = json.dumps([str(customer_id), day.isoformat()]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str | None) -> Position | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        customer_id, day = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return uuid.UUID(customer_id), date.fromisoformat(day)
    except (ValueError, TypeError, binascii.Error):
        raise invalid(
            [
                {
                    "field": "cursor",
                    "code": "invalid_cursor",
                    "message": "cursor is not one we issued.",
                }
            ]
        ) from None


@dataclass(frozen=True, slots=True)
class DatedFilter:
    customer_id: uuid.UUID | None
    first_day: date | None
    last_day: date | None


async def _filter(
    principal: PrincipalDep,
    session: SessionDep,
    customer_id: CustomerQuery = None,
    first_day: Annotated[
        Day | None, Query(alias="from", description="Dated on or after this day.")
    ] = None,
    last_day: Annotated[Day | None, Query(alias="to", description="Dated on or before.")] = None,
) -> DatedFilter:
    await check_customer(session, principal, customer_id)
    return DatedFilter(customer_id, first_day, last_day)


DatedFilterDep = Annotated[DatedFilter, Depends(_filter)]


async def _page(
    session: AsyncSession,
    principal: Principal,
    kind: DatedKind,
    where: DatedFilter,
    limit: int,
    cursor: str | None,
) -> tuple[list[Any], str | None]:
    after = _decode(cursor)
    table: Any = kind.model
    column = getattr(table, kind.column)
    conditions: list[ColumnElement[bool]] = [
        table.organization_id == principal.organization_id,
        signals.visible_customers(table.customer_id, principal.tracker_ids),
    ]
    if where.customer_id is not None:
        conditions.append(table.customer_id == where.customer_id)
    if where.first_day is not None:
        conditions.append(column >= where.first_day)
    if where.last_day is not None:
        conditions.append(column <= where.last_day)
    if after is not None:
        conditions.append(tuple_(table.customer_id, column) > tuple_(*after))
    query = select(table).where(*conditions).order_by(table.customer_id, column).limit(limit + 1)
    rows: Sequence[Any] = (await session.scalars(query)).all()
    shown = list(rows[:limit])
    last = shown[-1] if len(rows) > limit else None
    next_cursor = None if last is None else _encode(last.customer_id, getattr(last, kind.column))
    return [kind.out.model_validate(row) for row in shown], next_cursor


def add_dated_routes(router: APIRouter, kind: DatedKind) -> None:
    """The kind's list, its CSV and each row's history."""
    name = kind.plural.replace("-", "_").replace(" ", "_")

    async def listed(
        principal: PrincipalDep,
        session: SessionDep,
        where: DatedFilterDep,
        limit: LimitQuery = DEFAULT_LIMIT,
        cursor: CursorQuery = None,
    ) -> Any:
        items, next_cursor = await _page(session, principal, kind, where, limit, cursor)
        return Page[kind.out](items=items, next_cursor=next_cursor)  # type: ignore[name-defined]

    listed.__name__ = listed.__qualname__ = f"list_{name}"
    listed.__doc__ = f"The {kind.plural}, by customer, then date."
    router.get(
        kind.path,
        response_model=Page[kind.out],  # type: ignore[name-defined]
        responses=CUSTOMER_NOT_FOUND,
    )(listed)

    async def listed_csv(
        principal: PrincipalDep,
        session: SessionDep,
        where: DatedFilterDep,
        limit: CsvLimitQuery = CSV_MAX_ROWS,
        cursor: CursorQuery = None,
    ) -> Response:
        items, next_cursor = await _page(session, principal, kind, where, limit, cursor)
        return records_csv(kind.out, items, next_cursor, f"{kind.plural}.csv")

    listed_csv.__name__ = listed_csv.__qualname__ = f"list_{name}_csv"
    listed_csv.__doc__ = (
        f"The {kind.plural} as CSV: the JSON list's records and filters, up to 10,000 rows a file."
    )
    router.get(
        f"{kind.path}.csv", response_class=Response, responses=RECORDS_CSV_OK | CUSTOMER_NOT_FOUND
    )(listed_csv)

    add_history_route(router, kind.path, kind.id_parameter, kind.singular, kind.model, kind.entity)
