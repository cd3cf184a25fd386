"""Bodies shared by the signal packages: bulk answers, windows, signal settings."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints, WithJsonSchema

from valuecalc_api.fields import InputModel, OutputModel
from valuecalc_core.signals.planning import RowStatus

# SPEC 2: text never holds control characters; long text may hold tabs and newlines.
NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"
LONG_TEXT = r"^[^\x00-\x08\x0b-\x1f\x7f]*$"


ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_CONTROL),
]
Line = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_CONTROL),
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
