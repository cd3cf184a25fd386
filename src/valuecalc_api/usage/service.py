"""Usage use cases: bulk writes of days, monthly actives and seats (resending replaces),
and the month's report per customer or group; `usage_by_customer` for health scores."""

from __future__ import annotations

import calendar
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.row_errors import RowError
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.problems import invalid
from valuecalc_api.signals import repository as signals
from valuecalc_api.signals.bulk import SignalOutcome
from valuecalc_api.signals.upserts import Content, Key, TableSpec, canonical_json
from valuecalc_api.signals.windows import check_day
from valuecalc_api.signals.writes import Problems, not_after_today, write_customer_rows
from valuecalc_api.usage import repository
from valuecalc_api.usage.repository import CustomerMonth
from valuecalc_api.usage.schemas import SeatRow, UsageDayRow, UsageMonthRow
from valuecalc_core.money import quantize_ratio
from valuecalc_core.months import Month
from valuecalc_core.signals.usage import (
    SeatRecord,
    UsageMonth,
    UsageMonthInput,
    usage_month,
    usage_rollup,
)

USAGE_DAYS = TableSpec(
    "usage_days",
    keys=(("customer_id", "uuid"), ("day", "date")),
    content=(("active_users", "integer"), ("feature_actives", "jsonb")),
    entity=AuditEntity.usage_day,
    key_field="day",
    timestamps=False,
)
USAGE_MONTHS = TableSpec(
    "usage_months",
    keys=(("customer_id", "uuid"), ("month", "date")),
    content=(("monthly_active_users", "integer"),),
    entity=AuditEntity.usage_month,
    key_field="month",
    timestamps=False,
)
SEAT_COUNTS = TableSpec(
    "seat_counts",
    keys=(("customer_id", "uuid"), ("effective_on", "date")),
    content=(("seats", "integer"),),
    entity=AuditEntity.seat_count,
    key_field="effective_on",
    timestamps=False,
)


def _day(row: UsageDayRow, customer: uuid.UUID, today: date) -> tuple[Key, Content, Problems]:
    content = (row.active_users, canonical_json(row.feature_actives))
    return (customer, row.day), content, not_after_today("day", row.day, today)


def _month(row: UsageMonthRow, customer: uuid.UUID, today: date) -> tuple[Key, Content, Problems]:
    first = date(row.month.year, row.month.month, 1)
    problems = not_after_today("month", first, None)
    if first > today:
        problems.append(("month", "month_in_future", f"{row.month} has not started yet."))
    return (customer, first), (row.monthly_active_users,), problems


def _seats(row: SeatRow, customer: uuid.UUID, today: date) -> tuple[Key, Content, Problems]:
    # Seats may be bought ahead: a future date is fine, one out of range is not.
    return (
        (customer, row.effective_on),
        (row.seats,),
        not_after_today("effective_on", row.effective_on, None),
    )


async def write_days(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[UsageDayRow | None],
    problems: Sequence[RowError],
) -> SignalOutcome:
    return await write_customer_rows(session, principal, USAGE_DAYS, rows, problems, _day)


async def write_months(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[UsageMonthRow | None],
    problems: Sequence[RowError],
) -> SignalOutcome:
    return await write_customer_rows(session, principal, USAGE_MONTHS, rows, problems, _month)


async def write_seats(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[SeatRow | None],
    problems: Sequence[RowError],
) -> SignalOutcome:
    return await write_customer_rows(session, principal, SEAT_COUNTS, rows, problems, _seats)


@dataclass(frozen=True, slots=True)
class MonthOfUsage:
    """A month's usage of each customer with data, and how it was counted."""

    month: Month
    time_zone: str
    first_day: date
    last_day: date
    value_features: list[str]
    customers: list[tuple[CustomerMonth, UsageMonth]]


async def month_of_usage(
    session: AsyncSession,
    organization_id: uuid.UUID,
    month: Month,
    tracker_ids: frozenset[uuid.UUID] | None,
    customer_id: uuid.UUID | None = None,
) -> MonthOfUsage:
    """The month's figures per customer; days counted up to today (organization's time
    zone) in the current month; 422 for a month that has not started."""
    time_zone, features, today = await signals.signal_settings(session, organization_id)
    first = date(month.year, month.month, 1)
    month_end = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    check_day("month", first)
    if first > today:
        raise invalid(
            [{"field": "month", "code": "month_in_future", "message": f"{month} has not started."}]
        )
    last = min(month_end, today)
    rows = await repository.customer_months(
        session, organization_id, first, last, month_end, features, tracker_ids, customer_id
    )
    days = (last - first).days + 1
    customers = []
    for row in rows:
        seats = (
            None
            if row.seat_record_on is None
            else SeatRecord(row.customer_id, row.seat_record_on, row.seats)
        )
        figures = usage_month(
            UsageMonthInput(
                row.customer_id,
                days,
                row.days_reported,
                row.active_user_days,
                row.monthly_actives,
                seats,
                frozenset(row.features_used),
            ),
            features,
        )
        customers.append((row, figures))
    return MonthOfUsage(month, time_zone, first, last, sorted(features), customers)


def _group_of(row: CustomerMonth, group_by: str) -> tuple[str | None, str | None]:
    """(key, label) of the group a customer belongs to."""
    if group_by == "customer":
        return str(row.customer_id), row.name
    if group_by == "segment":
        return row.segment, row.segment
    if group_by == "owner":
        return row.owner, row.owner
    return None, None


def _average(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _ratio(value: Decimal | None) -> Decimal | None:
    return None if value is None else quantize_ratio(value)


def usage_groups(usage: MonthOfUsage, group_by: str) -> list[dict[str, Any]]:
    """The report's groups (customers pooled per group), as served."""
    grouped: dict[tuple[str | None, str | None], list[tuple[CustomerMonth, UsageMonth]]]
    grouped = defaultdict(list)
    for row, month in usage.customers:
        grouped[_group_of(row, group_by)].append((row, month))
    if group_by == "none" and not grouped:
        grouped[(None, None)] = []
    result = []
    for (key, label), members in sorted(
        grouped.items(), key=lambda item: (item[0][0] is None, item[0][1] or "", item[0][0] or "")
    ):
        figures = [f for _, f in members]
        rollup = usage_rollup(figures)
        single = figures[0] if group_by == "customer" else None
        result.append(
            {
                "key": key,
                "label": label,
                "customer_count": rollup.customer_count,
                "days_reported": sum(f.days_reported for f in figures),
                "average_daily_actives": _average(rollup.average_daily_actives),
                "monthly_actives": rollup.monthly_actives,
                "stickiness": _ratio(rollup.stickiness),
                "seats": rollup.seats,
                "unlimited_customers": rollup.unlimited_customers,
                "license_utilization": _ratio(rollup.license_utilization),
                "utilization_status": None if single is None else single.utilization_status.value,
                "value_features_used": None if single is None else list(single.value_features_used),
                "adoption_breadth": _ratio(rollup.adoption_breadth),
            }
        )
    return result


async def usage_by_customer(
    session: AsyncSession, organization_id: uuid.UUID, month: Month
) -> dict[uuid.UUID, UsageMonth]:
    """For health scores: each customer's stickiness, utilization (with its status) and
    adoption breadth in `month`; customers without usage, actives or seats are absent."""
    usage = await month_of_usage(session, organization_id, month, None)
    return {row.customer_id: figures for row, figures in usage.customers}
