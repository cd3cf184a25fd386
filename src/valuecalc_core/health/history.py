"""The dates a score history is computed at, and its trend against a comparison date."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum


class Every(StrEnum):
    month = "month"
    week = "week"


class TrendDirection(StrEnum):
    up = "up"
    down = "down"
    flat = "flat"
    undefined = "undefined"


@dataclass(frozen=True, slots=True)
class ScoreTrend:
    """`current - previous`, both computed under the same profile version; `flat` when the
    change is within `flat_within` points; `undefined` when either score is."""

    current_on: date
    current: Decimal | None
    previous_on: date
    previous: Decimal | None
    change: Decimal | None
    direction: TrendDirection


def history_dates(start: date, end: date, every: Every) -> list[date]:
    """Each month's last day (or every 7th day counted back from `end`) within [start, end],
    ending with `end` itself, oldest first."""
    if end < start:
        return []
    dates: list[date] = []
    if every is Every.week:
        day = end
        while day >= start:
            dates.append(day)
            day -= timedelta(days=7)
        return dates[::-1]
    year, month = start.year, start.month
    while True:
        last = date(year, month, calendar.monthrange(year, month)[1])
        if last >= end:
            break
        dates.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    dates.append(end)
    return dates


def score_trend(
    current_on: date,
    current: Decimal | None,
    previous_on: date,
    previous: Decimal | None,
    flat_within: Decimal,
) -> ScoreTrend:
    if current is None or previous is None:
        return ScoreTrend(
            current_on, current, previous_on, previous, None, TrendDirection.undefined
        )
    change = current - previous
    if abs(change) <= flat_within:
        direction = TrendDirection.flat
    else:
        direction = TrendDirection.up if change > 0 else TrendDirection.down
    return ScoreTrend(current_on, current, previous_on, previous, change, direction)
