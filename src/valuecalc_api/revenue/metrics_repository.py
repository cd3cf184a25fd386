"""Every SQL statement of the revenue reads. Each aggregates in PostgreSQL, set-based, and
returns the core's pre-aggregated form (SPEC 4 "one set-based query per request"):

- `sparse_periods`: per period (bucketed by `width_bucket` over the periods' first days) and
  per (segment, owner, currency): ARR at the start and at the end of each customer with a
  movement in the period (two arrays), the sums of each movement kind; plus, per group, the
  active customers and their ARR at the first period's start. The steady customers of each
  period follow from those by a running count (`metrics_service`);
- `period_rows`: one row per customer over one period (the ARR bridge needs the FX effect);
- `due_renewals`: renewals due in the span with the sums of the movements tagged with them.

A tracker-limited key's reads are limited to the customers owning one of its trackers.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.customer import Customer
from valuecalc_api.models.revenue import CsLead, FxRate
from valuecalc_api.revenue.record_repository import visible_customer

# The customers a key may see (`:tracker_ids` null: every customer of the organization).
_VISIBLE = """
    visible AS (
        SELECT c.id, c.external_id, c.segment, c.owner, c.currency
        FROM customers AS c
        WHERE c.organization_id = CAST(:organization_id AS uuid)
          AND (CAST(:tracker_ids AS uuid[]) IS NULL OR EXISTS (
              SELECT 1 FROM trackers AS t
              WHERE t.customer_id = c.id AND t.id = ANY(CAST(:tracker_ids AS uuid[]))
          ))
    )"""

_KIND_SUMS = """
        coalesce(sum(m.amount) FILTER (WHERE m.kind = 'new'), 0) AS new,
        coalesce(sum(m.amount) FILTER (WHERE m.kind = 'upsell'), 0) AS upsell,
        coalesce(sum(m.amount) FILTER (WHERE m.kind = 'cross_sell'), 0) AS cross_sell,
        coalesce(sum(m.amount) FILTER (WHERE m.kind = 'downsell'), 0) AS downsell,
        coalesce(sum(m.amount) FILTER (WHERE m.kind = 'churn'), 0) AS churn,
        coalesce(sum(m.amount) FILTER (WHERE m.kind = 'reactivation'), 0) AS reactivation"""

_SIGNED = "CASE WHEN m.kind IN ('downsell', 'churn') THEN -m.amount ELSE m.amount END"

# The visible customers joined to movements (`v`), without a CTE so the planner keeps the
# customers' statistics.
_VISIBLE_JOIN = """
    JOIN customers AS v
      ON v.id = m.customer_id
     AND v.organization_id = CAST(:organization_id AS uuid)
     AND (CAST(:tracker_ids AS uuid[]) IS NULL OR EXISTS (
         SELECT 1 FROM trackers AS t
         WHERE t.customer_id = v.id AND t.id = ANY(CAST(:tracker_ids AS uuid[]))
     ))"""

_SPARSE = text(
    f"""
    WITH per_bucket AS (
        SELECT m.customer_id, v.segment, v.owner, v.currency,
               width_bucket(m.date, CAST(:starts AS date[])) - 1 AS bucket,
               sum({_SIGNED}) AS net,
               {_KIND_SUMS}
        FROM arr_movements AS m
        {_VISIBLE_JOIN}
        WHERE m.organization_id = CAST(:organization_id AS uuid)
          AND m.date <= CAST(:last_day AS date)
        GROUP BY m.customer_id, v.segment, v.owner, v.currency, bucket
    ),
    running AS (
        SELECT b.*, sum(b.net) OVER (
            PARTITION BY b.customer_id ORDER BY b.bucket
        ) AS arr_end
        FROM per_bucket AS b
    )
    SELECT r.bucket, r.segment, r.owner, r.currency,
           count(*) FILTER (WHERE r.bucket < 0 AND r.arr_end > 0) AS active_before,
           coalesce(sum(r.arr_end) FILTER (WHERE r.bucket < 0), 0) AS arr_before,
           array_agg(r.arr_end - r.net) FILTER (WHERE r.bucket >= 0) AS starts,
           array_agg(r.arr_end) FILTER (WHERE r.bucket >= 0) AS ends,
           sum(r.new), sum(r.upsell), sum(r.cross_sell),
           sum(r.downsell), sum(r.churn), sum(r.reactivation)
    FROM running AS r
    GROUP BY r.bucket, r.segment, r.owner, r.currency
    """  # noqa: S608 - constant fragments only
)
# A series query sorts and hashes up to a row per customer and period: it gets the memory
# to do that in RAM, and no JIT (compiling costs more than it saves at this size).
_ROOM_FOR_A_SERIES = (text("SET LOCAL work_mem = '256MB'"), text("SET LOCAL jit = off"))


class SparseRow(NamedTuple):
    bucket: int
    segment: str | None
    owner: str | None
    currency: str | None
    active_before: int
    arr_before: Decimal
    starts: list[Decimal] | None
    ends: list[Decimal] | None
    sums: tuple[Decimal, ...]  # new, upsell, cross_sell, downsell, churn, reactivation


def _scope(organization_id: uuid.UUID, tracker_ids: Collection[uuid.UUID] | None) -> dict[str, Any]:
    return {
        "organization_id": organization_id,
        "tracker_ids": None if tracker_ids is None else sorted(tracker_ids),
    }


async def sparse_periods(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_ids: Collection[uuid.UUID] | None,
    starts: Sequence[date],
    last_day: date,
) -> list[SparseRow]:
    """The sparse rows of contiguous periods beginning on `starts` and ending on `last_day`,
    per (period, segment, owner, currency); bucket -1 holds each group's active customers
    and ARR before the first period."""
    for setting in _ROOM_FOR_A_SERIES:
        await session.execute(setting)
    result = await session.execute(
        _SPARSE,
        {**_scope(organization_id, tracker_ids), "starts": list(starts), "last_day": last_day},
    )
    return [
        SparseRow(*row[:8], tuple(row[8:]))  # type: ignore[call-arg]
        for row in result
    ]


_PERIOD_ROWS = text(
    f"""
    WITH {_VISIBLE}
    SELECT v.id, v.external_id, v.segment, v.owner, v.currency,
           coalesce(sum({_SIGNED}) FILTER (WHERE m.date < CAST(:first_day AS date)), 0),
           count(*) FILTER (WHERE m.date >= CAST(:first_day AS date)),
           {_KIND_SUMS.replace("m.kind =", "m.date >= CAST(:first_day AS date) AND m.kind =")}
    FROM arr_movements AS m
    JOIN visible AS v ON v.id = m.customer_id
    WHERE m.organization_id = CAST(:organization_id AS uuid)
      AND m.date <= CAST(:last_day AS date)
    GROUP BY v.id, v.external_id, v.segment, v.owner, v.currency
    """  # noqa: S608 - constant fragments only
)


class CustomerPeriodRow(NamedTuple):
    customer_id: uuid.UUID
    external_id: str | None
    segment: str | None
    owner: str | None
    currency: str | None
    arr_start: Decimal
    moves: int
    sums: tuple[Decimal, ...]


async def period_rows(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_ids: Collection[uuid.UUID] | None,
    first_day: date,
    last_day: date,
) -> list[CustomerPeriodRow]:
    """Per customer with any movement up to `last_day`: local ARR before `first_day`, the
    number and kind sums of its movements in the period."""
    result = await session.execute(
        _PERIOD_ROWS,
        {**_scope(organization_id, tracker_ids), "first_day": first_day, "last_day": last_day},
    )
    return [CustomerPeriodRow(*row[:7], tuple(row[7:])) for row in result]  # type: ignore[call-arg]


_RENEWALS = text(
    f"""
    WITH {_VISIBLE}
    SELECT r.external_id, r.customer_id, v.external_id, v.segment, v.owner, v.currency,
           r.due_date, r.renewable_arr, r.outcome, r.closed_date,
           {_KIND_SUMS}
    FROM renewals AS r
    JOIN visible AS v ON v.id = r.customer_id
    LEFT JOIN arr_movements AS m
      ON m.renewal_id = r.id
     AND (CAST(:as_of AS date) IS NULL OR m.date <= CAST(:as_of AS date))
    WHERE r.organization_id = CAST(:organization_id AS uuid)
      AND r.due_date BETWEEN CAST(:first_day AS date) AND CAST(:last_day AS date)
    GROUP BY r.id, v.id, v.external_id, v.segment, v.owner, v.currency
    ORDER BY r.due_date, r.external_id
    """  # noqa: S608 - constant fragments only
)


class DueRenewalRow(NamedTuple):
    external_id: str
    customer_id: uuid.UUID
    customer_external_id: str | None
    segment: str | None
    owner: str | None
    currency: str | None
    due_date: date
    renewable_arr: Decimal
    outcome: str
    closed_date: date | None
    sums: tuple[Decimal, ...]


async def due_renewals(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_ids: Collection[uuid.UUID] | None,
    first_day: date,
    last_day: date,
    as_of: date | None,
) -> list[DueRenewalRow]:
    result = await session.execute(
        _RENEWALS,
        {
            **_scope(organization_id, tracker_ids),
            "first_day": first_day,
            "last_day": last_day,
            "as_of": as_of,
        },
    )
    return [DueRenewalRow(*row[:10], tuple(row[10:])) for row in result]  # type: ignore[call-arg]


async def fx_rates(
    session: AsyncSession, organization_id: uuid.UUID
) -> list[tuple[str, date, Decimal]]:
    result = await session.execute(
        select(FxRate.currency, FxRate.month, FxRate.units_of_reporting_currency_per_unit).where(
            FxRate.organization_id == organization_id
        )
    )
    return [(row[0], row[1], row[2]) for row in result]


async def customer_currencies(
    session: AsyncSession, organization_id: uuid.UUID, tracker_ids: Collection[uuid.UUID] | None
) -> set[str]:
    """The currencies of the visible customers that have any movement."""
    query = (
        select(Customer.currency)
        .distinct()
        .where(Customer.organization_id == organization_id, Customer.currency.is_not(None))
    )
    condition = visible_customer(Customer.id, tracker_ids)
    if condition is not None:
        query = query.where(condition)
    return {row for row in (await session.scalars(query)) if row is not None}


class LeadRow(NamedTuple):
    external_id: str
    customer_id: uuid.UUID
    currency: str | None
    raised_on: date
    status: str
    closed_revenue: Decimal | None
    owner: str | None


async def leads_raised(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_ids: Collection[uuid.UUID] | None,
    first_day: date,
    last_day: date,
) -> list[LeadRow]:
    query = (
        select(
            CsLead.external_id,
            CsLead.customer_id,
            Customer.currency,
            CsLead.raised_on,
            CsLead.status,
            CsLead.closed_revenue,
            CsLead.owner,
        )
        .join(Customer, Customer.id == CsLead.customer_id)
        .where(
            CsLead.organization_id == organization_id,
            CsLead.raised_on.between(first_day, last_day),
        )
    )
    condition = visible_customer(Customer.id, tracker_ids)
    if condition is not None:
        query = query.where(condition)
    return [LeadRow(*row) for row in await session.execute(query)]


async def visible_customers(
    session: AsyncSession, organization_id: uuid.UUID, tracker_ids: Collection[uuid.UUID] | None
) -> dict[uuid.UUID, str | None]:
    """{id: external_id} of the customers the key may see."""
    query = select(Customer.id, Customer.external_id).where(
        Customer.organization_id == organization_id
    )
    condition = visible_customer(Customer.id, tracker_ids)
    if condition is not None:
        query = query.where(condition)
    return {row[0]: row[1] for row in await session.execute(query)}
