"""Request rows and response bodies of the engagement endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, ConfigDict, Field

from valuecalc_api.schema_types import DecimalStr, OutputModel
from valuecalc_api.signals.schemas import CustomerReference, ExternalId, Line, WindowOut
from valuecalc_core.signals.engagement import Channel, Direction

_CUSTOMER_ID = "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"
TOUCH_ROW_EXAMPLE: dict[str, Any] = {
    "customer_external_id": "crm-0042",
    "external_id": "hubspot-call-5521",
    "occurred_at": "2026-03-10T15:30:00Z",
    "channel": "call",
    "direction": "outbound",
    "author": "jane.doe@vendor.example",
}
TOUCH_BULK_EXAMPLE = {"summary": "One call", "value": {"rows": [TOUCH_ROW_EXAMPLE]}}


class TouchRow(CustomerReference):
    """A call, meeting, email, message or event with a customer; `external_id` (the CRM's
    activity id) makes a resend update it instead of adding one."""

    model_config = ConfigDict(json_schema_extra={"examples": [TOUCH_ROW_EXAMPLE]})

    external_id: ExternalId
    occurred_at: AwareDatetime = Field(
        description="When, with its UTC offset (years 1900 to 2999)."
    )
    channel: Channel
    direction: Direction
    author: Line | None = None


class TouchOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                    "customer_id": _CUSTOMER_ID,
                    "external_id": "hubspot-call-5521",
                    "occurred_at": "2026-03-10T15:30:00Z",
                    "channel": "call",
                    "direction": "outbound",
                    "author": "jane.doe@vendor.example",
                    "created_at": "2026-03-10T16:00:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    customer_id: uuid.UUID
    external_id: str
    occurred_at: datetime
    channel: Channel
    direction: Direction
    author: str | None
    created_at: datetime


_CUSTOMER_EXAMPLE: dict[str, Any] = {
    "customer_id": _CUSTOMER_ID,
    "name": "Northwind Support Ltd",
    "last_touch_on": "2026-03-15",
    "days_since_last_touch": 5,
    "last_inbound_on": "2026-03-05",
    "days_since_last_inbound": 15,
    "touches_in_period": 4,
    "inbound_in_period": 1,
    "cadence_days": "7.0",
    "silent": False,
}


class CustomerEngagementOut(OutputModel):
    """A customer's engagement as of the report's day. `cadence_days` is the median
    number of days between touch days in the window (null with fewer than 2)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CUSTOMER_EXAMPLE]})

    customer_id: uuid.UUID
    name: str
    last_touch_on: date | None
    days_since_last_touch: int | None
    last_inbound_on: date | None
    days_since_last_inbound: int | None
    touches_in_period: int
    inbound_in_period: int
    cadence_days: DecimalStr | None
    silent: bool


class BookEngagementOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_count": 1,
                    "touches_in_period": 4,
                    "median_days_since_last_touch": "5.0",
                    "silent_customers": 0,
                }
            ]
        }
    )

    customer_count: int
    touches_in_period: int
    median_days_since_last_touch: DecimalStr | None
    silent_customers: int


class EngagementOut(OutputModel):
    """Engagement per customer and over the book. Touch days are calendar days in the
    organization's time zone; silent = no touch in the last `silent_after_days` days
    (never touched included)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "as_of_day": "2026-03-20",
                    "time_zone": "UTC",
                    "window": {"first_day": "2025-12-21", "last_day": "2026-03-20"},
                    "silent_after_days": 30,
                    "book": {
                        "customer_count": 1,
                        "touches_in_period": 4,
                        "median_days_since_last_touch": "5.0",
                        "silent_customers": 0,
                    },
                    "customers": [_CUSTOMER_EXAMPLE],
                }
            ]
        }
    )

    as_of_day: date
    time_zone: str
    window: WindowOut
    silent_after_days: int
    book: BookEngagementOut
    customers: list[CustomerEngagementOut]
