"""The pulse across the book: customers and ARR per status, the top reason codes, the same
by segment and by owner, and the customers whose pulse and score disagree (SPEC 5)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customer_view.book import book_rows, evaluated_book
from valuecalc_api.customer_view.schemas import PulseBook
from valuecalc_api.customers.repository import BookFilter
from valuecalc_api.models.health import PulseStatus, ReasonKind
from valuecalc_api.pulse.repository import list_reason_codes
from valuecalc_api.revenue.arr_lookup import arr_by_customer

TOP = 3
_STATUSES: tuple[str | None, ...] = (*(s.value for s in PulseStatus), None)
_OPPOSITE = {("green", "red"), ("red", "green")}


def _amounts(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    sums: dict[str, Decimal] = {}
    for row in rows:
        if row["arr"] is not None:
            currency = row["arr"]["currency"]
            sums[currency] = sums.get(currency, Decimal(0)) + row["arr"]["amount"]
    return [{"amount": a, "currency": c} for c, a in sorted(sums.items())]


def _statuses(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def status(row: dict[str, Any]) -> str | None:
        return None if row["pulse"] is None else row["pulse"]["status"]

    return [
        {
            "status": s,
            "customers": sum(1 for row in rows if status(row) == s),
            "arr": _amounts(row for row in rows if status(row) == s),
        }
        for s in _STATUSES
    ]


def _grouped(
    rows: list[dict[str, Any]], field: str, kinds: dict[str, str], main_currency: str | None
) -> list[dict[str, Any]]:
    """Statuses and the top reason codes by count of each segment (or owner)."""
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[field], []).append(row)
    ordered = sorted(groups, key=lambda g: (g is None, g or ""))
    return [
        {
            "group": g,
            "statuses": _statuses(groups[g]),
            "top_risk_by_count": _ranked(groups[g], kinds, ReasonKind.risk, main_currency)[0],
            "top_success_by_count": _ranked(groups[g], kinds, ReasonKind.success, main_currency)[0],
        }
        for g in ordered
    ]


def _ranked(
    rows: list[dict[str, Any]], kinds: dict[str, str], kind: ReasonKind, main_currency: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The top codes of `kind` by customers and by ARR in `main_currency` (ties by code)."""
    with_code: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        for code in (row["pulse"] or {}).get("reason_codes", []):
            if kinds.get(code) == kind.value:
                with_code.setdefault(code, []).append(row)

    def arr_in_main(code: str) -> Decimal:
        return sum(
            (a["amount"] for a in _amounts(with_code[code]) if a["currency"] == main_currency),
            Decimal(0),
        )

    def rank(code: str) -> dict[str, Any]:
        found = with_code[code]
        return {"code": code, "kind": kind.value, "customers": len(found), "arr": _amounts(found)}

    by_count = sorted(with_code, key=lambda c: (-len(with_code[c]), c))[:TOP]
    by_arr = sorted(
        (c for c in with_code if arr_in_main(c) > 0), key=lambda c: (-arr_in_main(c), c)
    )[:TOP]
    return [rank(c) for c in by_count], [rank(c) for c in by_arr]


async def pulse_book(
    session: AsyncSession, principal: Principal, as_of: date, where: BookFilter
) -> PulseBook:
    customers = await evaluated_book(session, principal, where)
    arr = await arr_by_customer(session, principal.organization_id, as_of)
    rows = await book_rows(session, principal, customers, as_of, arr)
    kinds = {c.code: c.kind for c in await list_reason_codes(session, principal.organization_id)}
    currencies = Counter(row["arr"]["currency"] for row in rows if row["arr"] is not None)
    main_currency = currencies.most_common(1)[0][0] if currencies else None
    risk_count, risk_arr = _ranked(rows, kinds, ReasonKind.risk, main_currency)
    success_count, success_arr = _ranked(rows, kinds, ReasonKind.success, main_currency)
    disagreements = [
        {
            "customer_id": row["customer_id"],
            "name": row["name"],
            "pulse": row["pulse"]["status"],
            "band": row["health"]["band"],
        }
        for row in rows
        if row["pulse"] is not None
        and row["health"] is not None
        and (row["pulse"]["status"], row["health"]["band"]) in _OPPOSITE
    ]
    return PulseBook.model_validate(
        {
            "as_of_date": as_of,
            "statuses": _statuses(rows),
            "top_risk_by_count": risk_count,
            "top_risk_by_arr": risk_arr,
            "top_success_by_count": success_count,
            "top_success_by_arr": success_arr,
            "by_segment": _grouped(rows, "segment", kinds, main_currency),
            "by_owner": _grouped(rows, "owner", kinds, main_currency),
            "disagreements": disagreements,
        }
    )
