"""Engagement from touches (SPEC 5): days since the last touch and the last inbound touch,
touches in a period, cadence, and the silent customers ("be worried about those you don't
hear from").

Touch dates are calendar days in the organization's time zone (the caller cuts them).
Cadence is the median number of days between consecutive touch days in the period
(several touches on one day are one touch day); it needs two touch days.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from valuecalc_core.signals.stats import median


class Channel(StrEnum):
    call = "call"
    meeting = "meeting"
    email = "email"
    message = "message"
    event = "event"


class Direction(StrEnum):
    outbound = "outbound"
    inbound = "inbound"


@dataclass(frozen=True, slots=True)
class TouchDay:
    customer_id: uuid.UUID
    day: date
    direction: Direction


@dataclass(frozen=True, slots=True)
class Engagement:
    customer_id: uuid.UUID
    last_touch_on: date | None
    days_since_last_touch: int | None
    last_inbound_on: date | None
    days_since_last_inbound: int | None
    touches_in_period: int
    inbound_in_period: int
    cadence_days: Decimal | None  # median days between touch days in the period
    silent: bool


def engagement(
    customer_ids: Iterable[uuid.UUID],
    touches: Iterable[TouchDay],
    start: date,
    as_of: date,
    silent_after_days: int,
) -> list[Engagement]:
    """Per customer (every one of `customer_ids`, touched or not), touches up to `as_of`;
    counts and cadence over [start, as_of]. Silent: no touch in the last
    `silent_after_days` days (never touched included)."""
    by_customer: dict[uuid.UUID, list[TouchDay]] = {c: [] for c in customer_ids}
    for touch in touches:
        if touch.day <= as_of and touch.customer_id in by_customer:
            by_customer[touch.customer_id].append(touch)
    result = []
    for customer_id in sorted(by_customer, key=str):
        own = by_customer[customer_id]
        last = max((t.day for t in own), default=None)
        inbound = max((t.day for t in own if t.direction is Direction.inbound), default=None)
        in_period = [t for t in own if t.day >= start]
        days = sorted({t.day for t in in_period})
        gaps = [Decimal((b - a).days) for a, b in pairwise(days)]
        since = None if last is None else (as_of - last).days
        result.append(
            Engagement(
                customer_id=customer_id,
                last_touch_on=last,
                days_since_last_touch=since,
                last_inbound_on=inbound,
                days_since_last_inbound=None if inbound is None else (as_of - inbound).days,
                touches_in_period=len(in_period),
                inbound_in_period=sum(1 for t in in_period if t.direction is Direction.inbound),
                cadence_days=median(gaps),
                silent=since is None or since > silent_after_days,
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class BookEngagement:
    customer_count: int
    touches_in_period: int
    median_days_since_last_touch: Decimal | None
    silent_customers: int


def book_engagement(rows: Sequence[Engagement]) -> BookEngagement:
    return BookEngagement(
        customer_count=len(rows),
        touches_in_period=sum(r.touches_in_period for r in rows),
        median_days_since_last_touch=median(
            [Decimal(r.days_since_last_touch) for r in rows if r.days_since_last_touch is not None]
        ),
        silent_customers=sum(1 for r in rows if r.silent),
    )
