"""The window a score is computed over: `from`/`to`, or rolling 30/90/365 days ending at a
date (`window_days` + `as_of_day`, default today in the organization's time zone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum
from typing import Annotated

from fastapi import Query

from valuecalc_api.problems import invalid
from valuecalc_api.signals.schemas import Day
from valuecalc_core.signals.days import FIRST_DAY, day_problems

MAX_WINDOW_DAYS = 3660


class RollingDays(IntEnum):
    days_30 = 30
    days_90 = 90
    days_365 = 365


FromQuery = Annotated[
    Day | None, Query(alias="from", description="First day of the window (with `to`).")
]
ToQuery = Annotated[
    Day | None, Query(alias="to", description="Last day of the window (with `from`).")
]
WindowDaysQuery = Annotated[
    RollingDays | None,
    Query(description="A rolling window of 30, 90 or 365 days ending at `as_of_day`."),
]
AsOfQuery = Annotated[
    Day | None,
    Query(
        alias="as_of_day",
        description="The day a rolling window ends and counts are taken; default today "
        "in the organization's time zone.",
    ),
]


@dataclass(frozen=True, slots=True)
class Window:
    start: date
    end: date


def window_of(
    start: date | None,
    end: date | None,
    window_days: RollingDays | None,
    as_of: date | None,
    today: date,
    default_days: RollingDays = RollingDays.days_90,
) -> Window:
    """The window the query names; 422 naming the parameter when it is contradictory or
    out of range."""
    for field, value in (("from", start), ("to", end), ("as_of_day", as_of)):
        check_day(field, value)
    if start is not None or end is not None:
        if start is None or end is None or window_days is not None:
            raise invalid(
                [
                    {
                        "field": "from"
                        if start is None
                        else "to"
                        if end is None
                        else "window_days",
                        "code": "window_invalid",
                        "message": "Give both `from` and `to`, or `window_days` (with `as_of_day`).",
                    }
                ]
            )
        if end < start or (end - start).days > MAX_WINDOW_DAYS:
            raise invalid(
                [
                    {
                        "field": "to",
                        "code": "window_invalid",
                        "message": f"`to` must be on or after `from`, at most {MAX_WINDOW_DAYS} "
                        "days later.",
                    }
                ]
            )
        return Window(start, end)
    last = as_of or today
    days = int(window_days or default_days)
    first = last - timedelta(days=days - 1)
    if first < FIRST_DAY:
        # Two parameters together (`as_of_day` less `window_days`): no schema shows it.
        raise invalid(
            [
                {
                    "field": "window_days",
                    "code": "window_out_of_range",
                    "message": f"The window ending {last} would start before {FIRST_DAY}.",
                }
            ]
        )
    return Window(first, last)


def check_day(field: str, value: date | None) -> None:
    """422 naming `field` for a day outside 1900-01-01..2999-12-31."""
    problems = [] if value is None else day_problems(field, value)
    if problems:
        raise invalid([{"field": f, "code": c, "message": m} for f, c, m in problems])
