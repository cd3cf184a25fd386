"""Bodies shared by the signal packages: bulk answers, windows, signal settings."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from valuecalc_api.schema_types import LONG_TEXT_PATTERN, TEXT_PATTERN, InputModel, OutputModel
from valuecalc_core.signals.planning import RowStatus

# SPEC 2: text never holds control characters; long text may hold tabs and newlines.
# The shared rule's patterns (C0, DEL and C1), so the contract refuses what the API does.
NO_CONTROL = TEXT_PATTERN
LONG_TEXT = LONG_TEXT_PATTERN
# A line that is more than whitespace (it is stripped, then must keep a character).
_CONTROLS = "\\u0000-\\u001F\\u007F-\\u009F"
NOT_BLANK = f"^[^{_CONTROLS}]*[^\\s{_CONTROLS}][^{_CONTROLS}]*$"


ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NOT_BLANK),
]
Line = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NOT_BLANK),
]
"""One line of user text (a respondent, a title, an author), without control characters."""
Code = Annotated[str, StringConstraints(max_length=32, pattern=NO_CONTROL)]
"""A value of a closed set checked by the core (a survey kind or answer)."""
Comment = Annotated[str, StringConstraints(max_length=5000, pattern=LONG_TEXT)]
"""Free text: tabs and newlines allowed, other control characters not."""

# Documented inline: the value-tracking bulk answer already names its own `RowStatus`.
SignalRowStatus = Annotated[
    str,
    WithJsonSchema({"type": "string", "enum": [status.value for status in RowStatus]}),
]
# SPEC 2: a day is YYYY-MM-DD from 1900-01-01 to 2999-12-31. The pattern documents the range
# (so a generator never sends 0417-02-11) and is enforced before pydantic reads the date,
# which would otherwise take `0` as a Unix timestamp (1970-01-01).
DAY_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_WRITTEN_AS_DAY = re.compile(r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}$")


def _day_text(value: Any) -> Any:
    """A day is sent as YYYY-MM-DD text in the documented range (a `date` passes: code)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(DAY_PATTERN, value):
        return value
    if isinstance(value, str) and _WRITTEN_AS_DAY.fullmatch(value):
        raise PydanticCustomError(
            "date_out_of_range", "A day must be from 1900-01-01 to 2999-12-31."
        )
    raise PydanticCustomError(
        "date_format", "Write a day as YYYY-MM-DD, from 1900-01-01 to 2999-12-31."
    )


Day = Annotated[
    date,
    BeforeValidator(_day_text),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": DAY_PATTERN,
            "description": "A day, YYYY-MM-DD, from 1900-01-01 to 2999-12-31.",
        }
    ),
]


def _whole_number(value: Any) -> Any:
    """3.0 is a JSON Schema integer as much as 3: read it as 3 (strings and booleans stay
    refused by the strict integer)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# After a strict integer's constraints (`Annotated[StrictInt, Field(ge=…), WHOLE_NUMBER]`, so
# they stay documented as minimum/maximum): a JSON number without a fraction, never a string
# or a boolean.
WHOLE_NUMBER = BeforeValidator(_whole_number)
WholeNumber = Annotated[StrictInt, WHOLE_NUMBER]
FeatureName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]


class CustomerReference(InputModel):
    """A row names its customer by `customer_id` or by `customer_external_id` (CRM id)."""

    customer_id: uuid.UUID | None = Field(default=None, description="The customer's id.")
    customer_external_id: ExternalId | None = Field(
        default=None, description="Or the customer's id in your CRM (its `external_id`)."
    )


class SignalBulkCounts(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"created": 2, "updated": 0, "unchanged": 1}]}
    )

    created: int
    updated: int
    unchanged: int


class SignalRowResult(OutputModel):
    """What happened to one row, in the request's order."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                    "status": "created",
                    "key": "delighted-88121",
                }
            ]
        }
    )

    id: uuid.UUID
    status: SignalRowStatus
    key: str = Field(
        description="The row's key: its `external_id`, or for usage and seats the customer "
        "and day (`<customer_id>/<YYYY-MM-DD>`)."
    )


class SignalBulkResult(OutputModel):
    """Counts, then one result per request row. Rows equal to what is stored are
    `unchanged`: a replay stores nothing twice."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "counts": {"created": 1, "updated": 0, "unchanged": 0},
                    "rows": [
                        {
                            "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                            "status": "created",
                            "key": "delighted-88121",
                        }
                    ],
                }
            ]
        }
    )

    counts: SignalBulkCounts
    rows: list[SignalRowResult]


class WindowOut(OutputModel):
    """The days a figure is computed over, both included."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"first_day": "2026-01-01", "last_day": "2026-03-31"}]}
    )

    first_day: date
    last_day: date


_SETTINGS_EXAMPLE: dict[str, Any] = {
    "time_zone": "Europe/Berlin",
    "value_features": ["dashboards", "alerts", "exports"],
}


class SignalSettingsIn(InputModel):
    """The organization's time zone (IANA name) and its designated value features."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SETTINGS_EXAMPLE]})

    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_CONTROL)]
    value_features: list[FeatureName] = Field(default_factory=list, max_length=50)


class SignalSettingsOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_SETTINGS_EXAMPLE]})

    time_zone: str
    value_features: list[str]
