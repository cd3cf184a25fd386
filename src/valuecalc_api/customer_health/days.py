"""A calendar day as a query parameter: `YYYY-MM-DD` text only (SPEC 2 dates).

FastAPI's plain `date` also takes a number as a Unix time (`?as_of=0` is 1970-01-01);
the contract says a date, so anything but `YYYY-MM-DD` is a 422 naming the parameter.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise PydanticCustomError("date_format", "a date must be written YYYY-MM-DD.")
    return value


Day = Annotated[
    date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-03-31"]}),
]
