"""Calendar months (`YYYY-MM`) and inclusive periods of months (SPEC 2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from valuecalc_core.errors import CoreError

_MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")


class MonthFormatError(CoreError):
    code = "invalid_month"


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month, stored as a count of months since January of year 0.

    One integer makes ordering, hashing and month arithmetic cheap; `str()`
    gives the `YYYY-MM` form used everywhere in the API.
    """

    ordinal: int

    @classmethod
    def of(cls, year: int, month: int) -> Month:
        if not 1 <= month <= 12:
            raise MonthFormatError(f"Month {month} is not between 1 and 12.")
        if not 1 <= year <= 9999:
            raise MonthFormatError(f"Year {year} is not between 1 and 9999.")
        return cls(year * 12 + month - 1)

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse `YYYY-MM`; anything else (`2026-13`, `26-1`, ``) is a `MonthFormatError`."""
        if not isinstance(text, str):
            raise MonthFormatError("A month must be text in the form YYYY-MM, e.g. 2026-03.")
        match = _MONTH_PATTERN.fullmatch(text)
        if match is None:
            shown = repr(text) if text else "an empty value"
            raise MonthFormatError(f"{shown} is not a month: write it as YYYY-MM, e.g. 2026-03.")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise MonthFormatError(f"{text!r} is not a month: the month part must be 01 to 12.")
        if year < 1:
            raise MonthFormatError(f"{text!r} is not a month: the year must be 0001 or later.")
        return cls(year * 12 + month - 1)

    @classmethod
    def of_day(cls, day: date) -> Month:
        """The month a calendar day (or a stored first-of-month DATE) falls in."""
        return cls(day.year * 12 + day.month - 1)

    def first_day(self) -> date:
        """The month's first day: how PostgreSQL stores a month (a DATE column)."""
        return date(self.ordinal // 12, self.ordinal % 12 + 1, 1)

    @property
    def year(self) -> int:
        return self.ordinal // 12

    @property
    def month(self) -> int:
        return self.ordinal % 12 + 1

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __repr__(self) -> str:
        return f"Month({str(self)!r})"

    def __add__(self, months: int) -> Month:
        return Month(self.ordinal + months)

    def months_since(self, earlier: Month) -> int:
        """How many months `earlier` lies before this month (negative if after)."""
        return self.ordinal - earlier.ordinal


@dataclass(frozen=True, slots=True)
class Period:
    """An inclusive range of months, `first`..`last`."""

    first: Month
    last: Month

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise MonthFormatError(
                f"The period ends ({self.last}) before it starts ({self.first}).",
                code="invalid_period",
            )

    @classmethod
    def parse(cls, first: str, last: str) -> Period:
        return cls(Month.parse(first), Month.parse(last))

    def __len__(self) -> int:
        return self.last.ordinal - self.first.ordinal + 1

    def __iter__(self) -> Iterator[Month]:
        return (Month(o) for o in range(self.first.ordinal, self.last.ordinal + 1))

    def __contains__(self, month: object) -> bool:
        return isinstance(month, Month) and self.first <= month <= self.last

    def months(self) -> tuple[Month, ...]:
        return tuple(self)

    def index_of(self, month: Month) -> int:
        """Position of `month` in the period (0 for `first`); raises if outside."""
        if month not in self:
            raise MonthFormatError(
                f"{month} is outside the period {self.first}..{self.last}.",
                code="month_outside_period",
            )
        return month.ordinal - self.first.ordinal

    def through(self, as_of: Month) -> Period | None:
        """The part of this period up to and including `as_of`; None if `as_of` is before it."""
        if as_of < self.first:
            return None
        return Period(self.first, min(self.last, as_of))

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"
