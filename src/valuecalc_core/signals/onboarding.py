"""Time to onboard (kickoff to go-live) and time to first value (kickoff to the first-value
event), in days (SPEC 5), per customer and over a cohort.

A customer with a kickoff but no go-live on or before `as_of` is still onboarding: it is
listed with its days so far and never counted among the finished ones. Cohort figures
are the median, the 25th/75th/90th percentiles (linear interpolation, `stats`) and the
distribution in 30-day buckets.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from valuecalc_core.signals.days import day_problems
from valuecalc_core.signals.stats import percentile

BUCKET_DAYS = 30
BUCKETS = 6  # 0-29, 30-59, ..., 150-179, and 180 or more


@dataclass(frozen=True, slots=True)
class Milestones:
    customer_id: uuid.UUID
    kickoff_on: date | None
    go_live_on: date | None = None
    first_value_on: date | None = None


@dataclass(frozen=True, slots=True)
class Onboarding:
    customer_id: uuid.UUID
    kickoff_on: date | None
    days_to_onboard: int | None
    days_to_first_value: int | None
    still_onboarding: bool
    days_so_far: int | None  # while still onboarding


def onboarding(milestones: Milestones, as_of: date) -> Onboarding:
    kickoff = milestones.kickoff_on
    live = (
        milestones.go_live_on if milestones.go_live_on and milestones.go_live_on <= as_of else None
    )
    value = (
        milestones.first_value_on
        if milestones.first_value_on and milestones.first_value_on <= as_of
        else None
    )
    started = kickoff is not None and kickoff <= as_of
    still = started and live is None
    return Onboarding(
        customer_id=milestones.customer_id,
        kickoff_on=kickoff,
        days_to_onboard=(live - kickoff).days if kickoff and live else None,
        days_to_first_value=(value - kickoff).days if kickoff and value else None,
        still_onboarding=still,
        days_so_far=(as_of - kickoff).days if still and kickoff else None,
    )


@dataclass(frozen=True, slots=True)
class DurationSummary:
    count: int
    median: Decimal | None
    p25: Decimal | None
    p75: Decimal | None
    p90: Decimal | None
    distribution: tuple[tuple[str, int], ...]  # ("0-29", n), ..., ("180+", n)


def _bucket_label(index: int) -> str:
    low = index * BUCKET_DAYS
    return f"{low}+" if index == BUCKETS else f"{low}-{low + BUCKET_DAYS - 1}"


def duration_summary(days: Iterable[int]) -> DurationSummary:
    values = [Decimal(d) for d in days]
    counts = [0] * (BUCKETS + 1)
    for value in values:
        counts[min(int(value) // BUCKET_DAYS, BUCKETS)] += 1
    return DurationSummary(
        count=len(values),
        median=percentile(values, Decimal("0.5")),
        p25=percentile(values, Decimal("0.25")),
        p75=percentile(values, Decimal("0.75")),
        p90=percentile(values, Decimal("0.9")),
        distribution=tuple((_bucket_label(i), n) for i, n in enumerate(counts)),
    )


@dataclass(frozen=True, slots=True)
class Cohort:
    customer_count: int
    time_to_onboard: DurationSummary
    time_to_first_value: DurationSummary
    still_onboarding: int


def cohort(rows: Sequence[Onboarding]) -> Cohort:
    return Cohort(
        customer_count=len(rows),
        time_to_onboard=duration_summary(
            r.days_to_onboard for r in rows if r.days_to_onboard is not None
        ),
        time_to_first_value=duration_summary(
            r.days_to_first_value for r in rows if r.days_to_first_value is not None
        ),
        still_onboarding=sum(1 for r in rows if r.still_onboarding),
    )


def milestone_problems(
    kickoff_on: date | None, go_live_on: date | None, first_value_on: date | None, today: date
) -> list[tuple[str, str, str]]:
    problems = []
    for field, value in (
        ("kickoff_on", kickoff_on),
        ("go_live_on", go_live_on),
        ("first_value_on", first_value_on),
    ):
        if value is not None:
            problems += day_problems(field, value, today)
        if value is not None and field != "kickoff_on":
            if kickoff_on is None:
                problems.append((field, "needs_kickoff", f"{field} needs kickoff_on."))
            elif value < kickoff_on:
                problems.append((field, "before_kickoff", f"{field} is before kickoff_on."))
    return problems
