"""The book: every customer the key sees as of a date, one row each, filtered, sorted and
paged, with totals; the same rows feed the JSON page and the CSV.

Sorting by name pages through the database (one keyset query per page). Sorting by a
computed figure (ARR, score, days since touch, renewal date) or filtering by band or pulse
evaluates the whole filtered book, so it is limited to `MAX_EVALUATED` customers (422
`book-too-large`: narrow it by segment or owner)."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customer_health import repository as health_repository
from valuecalc_api.customer_health.indicator_sources import read_indicators
from valuecalc_api.customer_health.overrides import core_override
from valuecalc_api.customer_health.scores import ScoredCustomer, score_customers
from valuecalc_api.customer_view import repository
from valuecalc_api.customer_view.schemas import BookPage, BookRow, BookSort, SortOrder
from valuecalc_api.customers import repository as customers_repository
from valuecalc_api.customers.repository import BookFilter
from valuecalc_api.problems import Problem, invalid
from valuecalc_api.pulse.repository import latest_pulses
from valuecalc_api.revenue.arr_lookup import arr_by_customer
from valuecalc_core.health.overrides import override_in_force
from valuecalc_core.health.profile import Band, IndicatorKind, IndicatorRule

MAX_EVALUATED = 20_000
_ONE, _ZERO = Decimal(1), Decimal(0)
NO_TOUCH = {"value": None, "as_of_date": None, "missing_reason": "no_touch"}


@dataclass(frozen=True, slots=True)
class BookQuery:
    as_of: date
    where: BookFilter
    band: Band | None
    pulse: str | None
    sort: BookSort
    order: SortOrder
    limit: int
    cursor: str | None


def _encode(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
        if isinstance(key, list) and key:
            return key
    except (ValueError, binascii.Error):
        pass
    raise _bad_cursor()


Customer = Any  # a row of `customers.repository.visible_customers`


async def book_rows(
    session: AsyncSession,
    principal: Principal,
    customers: Sequence[Customer],
    as_of: date,
    arr: dict[uuid.UUID, tuple[Decimal, str]],
) -> list[dict[str, Any]]:
    """The book rows of `customers` (a constant number of queries whatever their number)."""
    ids = [c.id for c in customers]
    scored = await score_customers(
        session, principal, [(c.id, c.segment) for c in customers], as_of, None
    )
    pulses = await latest_pulses(session, principal.organization_id, as_of, ids)
    overrides: dict[uuid.UUID, list[Any]] = {}
    for row in await health_repository.overrides_of(session, principal.organization_id, ids):
        overrides.setdefault(row.customer_id, []).append(core_override(row))
    renewals = await repository.renewals_due(session, principal.organization_id, ids, as_of)
    touch_rule = IndicatorRule(IndicatorKind.days_since_last_touch, _ONE, _ONE, _ZERO)
    touches = await read_indicators(
        session, principal.organization_id, ids, as_of, [touch_rule], principal.tracker_ids
    )
    rows = []
    for c in customers:
        book_row = _row(
            c, as_of, arr.get(c.id), scored.get(c.id), pulses.get(c.id), overrides.get(c.id, [])
        )
        book_row["renewal_date"] = renewals.get(c.id)
        touch = touches[c.id][IndicatorKind.days_since_last_touch]
        book_row["days_since_last_touch"] = {
            "value": touch.value,
            "as_of_date": touch.as_of,
            "missing_reason": touch.missing_reason,
        }
        rows.append(book_row)
    return rows


def _row(
    customer: Customer,
    as_of: date,
    arr: tuple[Decimal, str] | None,
    scored: ScoredCustomer | None,
    pulse: Any,
    overrides: list[Any],
) -> dict[str, Any]:
    health = None
    if scored is not None:
        in_force = override_in_force(overrides, as_of)
        bands = scored.applied.definition.bands
        health = {
            "profile": {
                "id": scored.applied.profile.id,
                "name": scored.applied.profile.name,
                "version": scored.applied.version.version,
            },
            "score": scored.score.score,
            "band": scored.score.band,
            "undefined_reason": scored.score.undefined_reason,
            "override_score": None if in_force is None else in_force.score,
            "override_band": None if in_force is None else bands.band(in_force.score),
        }
    return {
        "customer_id": customer.id,
        "name": customer.name,
        "external_id": customer.external_id,
        "segment": customer.segment,
        "owner": customer.owner,
        "arr": None if arr is None else {"amount": arr[0], "currency": arr[1], "as_of_date": as_of},
        "renewal_date": None,
        "health": health,
        "pulse": None
        if pulse is None
        else {
            "status": pulse.status,
            "recorded_on": pulse.recorded_on,
            "reason_codes": list(pulse.reason_codes),
        },
        "days_since_last_touch": NO_TOUCH,
    }


def _totals(
    customers: Sequence[Customer], count: int, arr: dict[uuid.UUID, tuple[Decimal, str]]
) -> dict[str, Any]:
    by_currency: dict[str, Decimal] = {}
    for customer in customers:
        found = arr.get(customer.id)
        if found is not None:
            by_currency[found[1]] = by_currency.get(found[1], Decimal(0)) + found[0]
    return {
        "customers": count,
        "arr": [{"amount": a, "currency": c} for c, a in sorted(by_currency.items())],
    }


def _sort_value(sort: BookSort, row: dict[str, Any]) -> Decimal | None:
    """The figure a row sorts by (a renewal date as its day number), None if unknown."""
    if sort is BookSort.arr:
        return None if row["arr"] is None else Decimal(row["arr"]["amount"])
    if sort is BookSort.score:
        health = row["health"]
        return None if health is None or health["score"] is None else Decimal(health["score"])
    if sort is BookSort.days_since_touch:
        value: Decimal | None = row["days_since_last_touch"]["value"]
        return value
    renewal: date | None = row["renewal_date"]
    return None if renewal is None else Decimal(renewal.toordinal())


def _key(sort: BookSort, row: dict[str, Any], descending: bool) -> list[Any]:
    """A row's position: known values first in either order, then name and id."""
    value = _sort_value(sort, row)
    known = 1 if descending else 0
    flag = known if value is not None else 1 - known
    return [flag, format(value or Decimal(0), "f"), row["name"], str(row["customer_id"])]


def _bad_cursor() -> Problem:
    return invalid(
        [{"field": "cursor", "code": "invalid_cursor", "message": "cursor is not one we issued."}]
    )


def _name_position(cursor: str) -> tuple[str, uuid.UUID]:
    key = _decode(cursor)
    try:
        name, row_id = key
        return str(name), uuid.UUID(str(row_id))
    except ValueError:
        raise _bad_cursor() from None


def _comparable(key: Sequence[Any]) -> tuple[int, Decimal, str, str]:
    try:
        return int(key[0]), Decimal(key[1]), str(key[2]), str(key[3])
    except (IndexError, ValueError, TypeError, InvalidOperation):
        raise _bad_cursor() from None


async def book_page(session: AsyncSession, principal: Principal, query: BookQuery) -> BookPage:
    organization_id = principal.organization_id
    arr = await arr_by_customer(session, organization_id, query.as_of)
    descending = query.order is SortOrder.desc
    by_name = query.sort is BookSort.name and query.band is None and query.pulse is None
    if by_name:
        after = None if query.cursor is None else _name_position(query.cursor)
        page = await customers_repository.page_by_name(
            session,
            organization_id,
            principal.tracker_ids,
            query.where,
            limit=query.limit + 1,
            after=after,
            descending=descending,
        )
        shown = page[: query.limit]
        rows = await book_rows(session, principal, shown, query.as_of, arr)
        more = len(page) > query.limit
        next_cursor = _encode([shown[-1].name, str(shown[-1].id)]) if more else None
        count = await customers_repository.count_customers(
            session, organization_id, principal.tracker_ids, query.where
        )
        everyone = (
            await customers_repository.visible_customers(
                session, organization_id, principal.tracker_ids, query.where
            )
            if arr
            else []
        )
        totals = _totals(everyone, count, arr)
    else:
        everyone = await evaluated_book(session, principal, query.where)
        all_rows = await book_rows(session, principal, everyone, query.as_of, arr)
        kept = [row for row in all_rows if _matches(row, query)]
        keyed = sorted(
            ((_comparable(_key(query.sort, r, descending)), r) for r in kept),
            key=lambda pair: pair[0],
            reverse=descending,
        )
        if query.cursor is not None:
            position = _comparable(_decode(query.cursor))
            keyed = [
                pair for pair in keyed if (pair[0] < position if descending else pair[0] > position)
            ]
        rows = [row for _, row in keyed[: query.limit]]
        next_cursor = (
            _encode(_key(query.sort, rows[-1], descending)) if len(keyed) > query.limit else None
        )
        kept_ids = {row["customer_id"] for row in kept}
        totals = _totals([c for c in everyone if c.id in kept_ids], len(kept), arr)
    return BookPage.model_validate(
        {
            "as_of_date": query.as_of,
            "items": [BookRow.model_validate(row) for row in rows],
            "next_cursor": next_cursor,
            "totals": totals,
        }
    )


def _matches(row: dict[str, Any], query: BookQuery) -> bool:
    if query.band is not None and (row["health"] is None or row["health"]["band"] != query.band):
        return False
    return query.pulse is None or (
        row["pulse"] is not None and row["pulse"]["status"] == query.pulse
    )


async def evaluated_book(
    session: AsyncSession, principal: Principal, where: BookFilter
) -> Sequence[Customer]:
    """The filtered book to evaluate whole; 422 `book-too-large` beyond `MAX_EVALUATED`."""
    count = await customers_repository.count_customers(
        session, principal.organization_id, principal.tracker_ids, where
    )
    if count > MAX_EVALUATED:
        raise book_too_large(count)
    return await customers_repository.visible_customers(
        session, principal.organization_id, principal.tracker_ids, where
    )


def book_too_large(count: int) -> Problem:
    return Problem(
        422,
        "book-too-large",
        f"This view evaluates all {count} customers of the book; it is limited to "
        f"{MAX_EVALUATED}. Narrow it with segment or owner, or sort by name.",
    )
