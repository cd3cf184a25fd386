"""Request rows and response bodies of the usage endpoints."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictInt, field_validator

from valuecalc_api.schema_types import DecimalStr, MonthStr, MonthText, OutputModel
from valuecalc_api.signals.schemas import WHOLE_NUMBER, CustomerReference, Day, FeatureName
from valuecalc_core.signals.usage import UtilizationStatus

ActiveCount = Annotated[StrictInt, Field(ge=0, le=100_000_000), WHOLE_NUMBER]

USAGE_DAY_ROWS_EXAMPLE: list[dict[str, Any]] = [
    {
        "customer_external_id": "crm-0042",
        "day": "2026-03-10",
        "active_users": 37,
        "feature_actives": {"dashboards": 30, "alerts": 12},
    }
]
USAGE_MONTH_ROWS_EXAMPLE: list[dict[str, Any]] = [
    {"customer_external_id": "crm-0042", "month": "2026-03", "monthly_active_users": 52}
]
SEAT_ROWS_EXAMPLE: list[dict[str, Any]] = [
    {"customer_external_id": "crm-0042", "effective_on": "2026-01-01", "seats": 60}
]


MONTHLY_ACTIVES_RULE = (
    "Monthly actives are the distinct users of the month pushed per customer-month to "
    "/v1/usage-months/bulk; daily rows give the average daily actives, a day without a row "
    "counting 0."
)


class UsageDayRow(CustomerReference):
    """One customer-day: its active users and, per value feature, the users active in it.
    Days are calendar days in the organization's time zone; resending a day replaces it."""

    model_config = ConfigDict(json_schema_extra={"examples": [*USAGE_DAY_ROWS_EXAMPLE]})

    day: Day
    active_users: ActiveCount
    feature_actives: dict[FeatureName, ActiveCount] = Field(
        default_factory=dict,
        max_length=100,
        # Only feature names are keys: the contract says so as the validation does.
        json_schema_extra={"additionalProperties": False},
    )


class UsageMonthRow(CustomerReference):
    """A customer's distinct active users over one month (they cannot be derived from daily
    counts: the warehouse counts them); resending a month replaces it."""

    model_config = ConfigDict(json_schema_extra={"examples": [*USAGE_MONTH_ROWS_EXAMPLE]})

    month: MonthStr
    monthly_active_users: ActiveCount


class SeatRow(CustomerReference):
    """Seats purchased from `effective_on` on (until the next record); `seats: null` means
    unlimited seats."""

    model_config = ConfigDict(json_schema_extra={"examples": [*SEAT_ROWS_EXAMPLE]})

    effective_on: Day
    seats: ActiveCount | None = Field(description="Purchased seats; null for unlimited.")


class UsageGroupBy(StrEnum):
    none = "none"
    customer = "customer"
    segment = "segment"
    owner = "owner"


_GROUP_EXAMPLE: dict[str, Any] = {
    "key": "mid-market",
    "label": "mid-market",
    "customer_count": 1,
    "days_reported": 31,
    "average_daily_actives": "12.00",
    "monthly_actives": 40,
    "stickiness": "0.3000",
    "seats": 50,
    "unlimited_customers": 0,
    "license_utilization": "0.8000",
    "utilization_status": "ratio",
    "value_features_used": ["dashboards"],
    "adoption_breadth": "0.5000",
}


class UsageGroupOut(OutputModel):
    """One group's month. Ratios are pooled over the group's customers (sums of numerators
    over sums of denominators); fractions to 4 decimals, averages to 2."""

    model_config = ConfigDict(json_schema_extra={"examples": [_GROUP_EXAMPLE]})

    key: str | None = Field(description="Customer id, segment or owner; null for all.")
    label: str | None
    customer_count: int
    days_reported: int = Field(description="Customer-days with a pushed row.")
    average_daily_actives: DecimalStr = Field(
        description="Sum over customers of (active user-days / days of the month counted)."
    )
    monthly_actives: int
    stickiness: DecimalStr | None = Field(description="DAU/MAU; null without monthly actives.")
    seats: int = Field(description="Seats in force of the customers with a utilization ratio.")
    unlimited_customers: int
    license_utilization: DecimalStr | None = Field(
        description="Monthly actives / seats in force; never for unlimited or zero seats."
    )
    utilization_status: UtilizationStatus | None = Field(
        description="Per customer: ratio, unlimited, no_seats or no_monthly_actives; null for "
        "groups of several customers."
    )
    value_features_used: list[str] | None = Field(
        description="Per customer: the designated value features used in the month."
    )
    adoption_breadth: DecimalStr | None = Field(
        description="Share of the designated value features used (mean over customers)."
    )


class UsageReportOut(OutputModel):
    """Usage of one month in the organization's time zone (named in `time_zone`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "month": "2026-03",
                    "time_zone": "Europe/Berlin",
                    "first_day": "2026-03-01",
                    "last_day": "2026-03-31",
                    "days_counted": 31,
                    "value_features": ["alerts", "dashboards"],
                    "group_by": "segment",
                    "monthly_actives_rule": MONTHLY_ACTIVES_RULE,
                    "groups": [_GROUP_EXAMPLE],
                }
            ]
        }
    )

    month: MonthText
    time_zone: str
    first_day: date
    last_day: date
    days_counted: int = Field(description="Calendar days averaged over (to today if current).")
    value_features: list[str]
    group_by: UsageGroupBy
    monthly_actives_rule: str
    groups: list[UsageGroupOut]


_CUSTOMER_ID = "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"


class UsageDayOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "8c9d0e1f-2a3b-4c5d-9e6f-7a8b9c0d1e2f",
                    "customer_id": _CUSTOMER_ID,
                    "day": "2026-03-10",
                    "active_users": 37,
                    "feature_actives": {"alerts": 12, "dashboards": 30},
                }
            ]
        }
    )

    id: uuid.UUID
    customer_id: uuid.UUID
    day: date
    active_users: int
    feature_actives: dict[str, int] = Field(
        description="Active users per value feature that day (CSV: this object as JSON text)."
    )


class UsageMonthOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a",
                    "customer_id": _CUSTOMER_ID,
                    "month": "2026-03",
                    "monthly_active_users": 52,
                }
            ]
        }
    )

    id: uuid.UUID
    customer_id: uuid.UUID
    month: MonthText
    monthly_active_users: int

    @field_validator("month", mode="before")
    @classmethod
    def _month_of_day(cls, value: Any) -> Any:
        # Stored as the month's first day.
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class SeatCountOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0e1f2a3b-4c5d-4e6f-9a7b-8c9d0e1f2a3b",
                    "customer_id": _CUSTOMER_ID,
                    "effective_on": "2026-01-01",
                    "seats": 60,
                }
            ]
        }
    )

    id: uuid.UUID
    customer_id: uuid.UUID
    effective_on: date
    seats: int | None = Field(description="Purchased seats from this day; null for unlimited.")
