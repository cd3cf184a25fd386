"""Product usage per customer and month (SPEC 5): DAU/MAU, license utilization, adoption.

Inputs are a month's aggregates of the daily counts (days are cut at midnight in the
organization's time zone by whoever pushes them):
- stickiness = average daily actives over the month's calendar days (up to `as_of` in the
  current month; a day without a pushed row counts 0 actives) / monthly actives;
- monthly actives are the distinct users of the month, pushed as their own count (they
  cannot be derived from daily counts);
- license utilization = monthly actives / seats in force that month (the latest seat
  record on or before the month's last day); unlimited seats have no ratio, and neither
  do zero seats: the status says which;
- adoption breadth = designated value features used in the month (any day with actives)
  / designated value features.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from valuecalc_core.signals.stats import exact_decimal


class UtilizationStatus(StrEnum):
    ratio = "ratio"
    unlimited = "unlimited"
    no_seats = "no_seats"  # no seat record in force, or zero seats
    no_monthly_actives = "no_monthly_actives"


@dataclass(frozen=True, slots=True)
class SeatRecord:
    customer_id: uuid.UUID
    effective_on: date
    seats: int | None  # None: unlimited


def seats_in_force(records: Iterable[SeatRecord], month_end: date) -> SeatRecord | None:
    """The customer's latest seat record effective on or before `month_end`."""
    held = [r for r in records if r.effective_on <= month_end]
    return max(held, key=lambda r: r.effective_on) if held else None


@dataclass(frozen=True, slots=True)
class UsageMonthInput:
    """One customer-month: sums of the pushed days and the monthly facts."""

    customer_id: uuid.UUID
    days_in_month: int  # calendar days counted (to as_of in the current month)
    days_reported: int
    active_user_days: int  # sum of daily actives over the reported days
    monthly_actives: int | None
    seats: SeatRecord | None
    features_used: frozenset[str]


@dataclass(frozen=True, slots=True)
class UsageMonth:
    customer_id: uuid.UUID
    days_in_month: int
    days_reported: int
    active_user_days: int
    average_daily_actives: Decimal
    monthly_actives: int | None
    stickiness: Decimal | None
    seats: int | None
    unlimited_seats: bool
    utilization_status: UtilizationStatus
    license_utilization: Decimal | None
    value_features: tuple[str, ...]
    value_features_used: tuple[str, ...]
    adoption_breadth: Decimal | None


def utilization(
    monthly_actives: int | None, seats: SeatRecord | None
) -> tuple[UtilizationStatus, Decimal | None]:
    """Active seats / purchased seats, never a division by zero nor a ratio for unlimited."""
    if seats is None:
        return UtilizationStatus.no_seats, None
    purchased = seats.seats
    if purchased is None:
        return UtilizationStatus.unlimited, None
    if purchased == 0:
        return UtilizationStatus.no_seats, None
    if monthly_actives is None:
        return UtilizationStatus.no_monthly_actives, None
    return UtilizationStatus.ratio, Decimal(monthly_actives) / purchased


def usage_month(month: UsageMonthInput, value_features: Sequence[str]) -> UsageMonth:
    average = (
        Decimal(month.active_user_days) / month.days_in_month if month.days_in_month else Decimal(0)
    )
    mau = month.monthly_actives
    status, ratio = utilization(mau, month.seats)
    designated = tuple(sorted(set(value_features)))
    used = tuple(f for f in designated if f in month.features_used)
    return UsageMonth(
        customer_id=month.customer_id,
        days_in_month=month.days_in_month,
        days_reported=month.days_reported,
        active_user_days=month.active_user_days,
        average_daily_actives=average,
        monthly_actives=mau,
        stickiness=average / mau if mau else None,
        seats=None if month.seats is None else month.seats.seats,
        unlimited_seats=month.seats is not None and month.seats.seats is None,
        utilization_status=status,
        license_utilization=ratio,
        value_features=designated,
        value_features_used=used,
        adoption_breadth=Decimal(len(used)) / len(designated) if designated else None,
    )


@dataclass(frozen=True, slots=True)
class UsageRollup:
    """A group's usage: pooled ratios (sum over customers of the numerators / of the
    denominators), so a large customer weighs by its users."""

    customer_count: int
    average_daily_actives: Decimal
    monthly_actives: int
    stickiness: Decimal | None
    seats: int
    unlimited_customers: int
    license_utilization: Decimal | None
    adoption_breadth: Decimal | None


def _average(month: UsageMonth) -> Fraction:
    return (
        Fraction(month.active_user_days, month.days_in_month)
        if month.days_in_month
        else Fraction(0)
    )


def usage_rollup(months: Sequence[UsageMonth]) -> UsageRollup:
    with_mau = [m for m in months if m.monthly_actives]
    daily = sum((_average(m) for m in with_mau), Fraction(0))
    mau = sum(m.monthly_actives or 0 for m in with_mau)
    rated = [m for m in months if m.utilization_status is UtilizationStatus.ratio]
    seats = sum(m.seats or 0 for m in rated)
    used_in = sum(m.monthly_actives or 0 for m in rated)
    breadths = [
        Fraction(len(m.value_features_used), len(m.value_features))
        for m in months
        if m.value_features
    ]
    return UsageRollup(
        customer_count=len(months),
        average_daily_actives=exact_decimal(sum((_average(m) for m in months), Fraction(0))),
        monthly_actives=sum(m.monthly_actives or 0 for m in months),
        stickiness=exact_decimal(daily / mau) if mau else None,
        seats=seats,
        unlimited_customers=sum(1 for m in months if m.unlimited_seats),
        license_utilization=Decimal(used_in) / seats if seats else None,
        adoption_breadth=exact_decimal(sum(breadths, Fraction(0)) / len(breadths))
        if breadths
        else None,
    )
