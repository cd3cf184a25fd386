"""The period a revenue metric is measured over: an inclusive range of calendar dates (SPEC 4).

"ARR at the start" is the ARR at the end of the day before `start` (movements dated before
`start`); "ARR at the end" includes movements dated on `end`. A period of months runs from the
1st of its first month to the last day of its last month.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from valuecalc_core.errors import CoreError
from valuecalc_core.months import Month, Period


class RevenuePeriodError(CoreError):
    code = "invalid_period"


def month_of(date: datetime.date) -> Month:
    return Month.of_day(date)


def first_day(month: Month) -> datetime.date:
    return month.first_day()


def last_day(month: Month) -> datetime.date:
    return datetime.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


@dataclass(frozen=True, slots=True)
class RevenuePeriod:
    """Dates `start`..`end`, both included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise RevenuePeriodError(
                f"The period ends ({self.end.isoformat()}) before it starts "
                f"({self.start.isoformat()})."
            )

    @classmethod
    def of_months(cls, period: Period) -> RevenuePeriod:
        return cls(first_day(period.first), last_day(period.last))

    @classmethod
    def of_month(cls, month: Month) -> RevenuePeriod:
        return cls(first_day(month), last_day(month))

    @property
    def start_month(self) -> Month:
        """The month whose FX rate values ARR at the start (and constant-currency amounts)."""
        return month_of(self.start)

    @property
    def end_month(self) -> Month:
        """The month whose FX rate values ARR at the end."""
        return month_of(self.end)

    def __contains__(self, date: object) -> bool:
        return isinstance(date, datetime.date) and self.start <= date <= self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"
