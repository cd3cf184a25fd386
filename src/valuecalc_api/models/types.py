"""Column types mapping core values to PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from valuecalc_core.months import Month


class MonthType(TypeDecorator[Month]):
    """A `Month` stored as a PostgreSQL DATE on the first day of the month (sortable, indexable)."""

    impl = Date
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> date | None:
        if value is None:
            return None
        if not isinstance(value, Month):
            raise TypeError(f"expected a Month, got {type(value).__name__}")
        return value.first_day()

    def process_result_value(self, value: Any, dialect: Dialect) -> Month | None:
        if value is None:
            return None
        assert isinstance(value, date)
        return Month.of_day(value)
