"""Request rows and response bodies of the onboarding endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field

from valuecalc_api.schema_types import DecimalStr, OutputModel
from valuecalc_api.signals.schemas import CustomerReference, Day

_CUSTOMER_ID = "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"
MILESTONE_ROW_EXAMPLE: dict[str, Any] = {
    "customer_external_id": "crm-0042",
    "kickoff_on": "2026-01-05",
    "go_live_on": "2026-02-26",
    "first_value_on": "2026-02-12",
}
MILESTONE_BULK_EXAMPLE = {
    "summary": "Kickoff, first value, go-live",
    "value": {"rows": [MILESTONE_ROW_EXAMPLE]},
}


class MilestoneRow(CustomerReference):
    """A customer's onboarding milestones (one set per customer; sending it again replaces
    them). Go-live and first value are on or after the kickoff, none after today."""

    model_config = ConfigDict(json_schema_extra={"examples": [MILESTONE_ROW_EXAMPLE]})

    kickoff_on: Day | None = None
    go_live_on: Day | None = None
    first_value_on: Day | None = None


class MilestonesOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                    "customer_id": _CUSTOMER_ID,
                    "kickoff_on": "2026-01-05",
                    "go_live_on": "2026-02-26",
                    "first_value_on": "2026-02-12",
                    "created_at": "2026-01-05T09:30:00Z",
                    "updated_at": "2026-02-26T09:30:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    customer_id: uuid.UUID
    kickoff_on: date | None
    go_live_on: date | None
    first_value_on: date | None
    created_at: datetime
    updated_at: datetime


class CohortBy(StrEnum):
    none = "none"
    kickoff_month = "kickoff_month"
    segment = "segment"


_DURATION_EXAMPLE: dict[str, Any] = {
    "count": 4,
    "median": "52.5",
    "p25": "41.2",
    "p75": "67.5",
    "p90": "81.0",
    "distribution": [
        {"days": "0-29", "count": 0},
        {"days": "30-59", "count": 2},
        {"days": "60-89", "count": 1},
        {"days": "90-119", "count": 1},
        {"days": "120-149", "count": 0},
        {"days": "150-179", "count": 0},
        {"days": "180+", "count": 0},
    ],
}


class DaysBucket(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"days": "30-59", "count": 2}]})

    days: str
    count: int


class DurationOut(OutputModel):
    """Days of the finished customers: median and percentiles (linear interpolation, one
    decimal) and the distribution in 30-day buckets."""

    model_config = ConfigDict(json_schema_extra={"examples": [_DURATION_EXAMPLE]})

    count: int
    median: DecimalStr | None
    p25: DecimalStr | None
    p75: DecimalStr | None
    p90: DecimalStr | None
    distribution: list[DaysBucket]


_COHORT_EXAMPLE: dict[str, Any] = {
    "key": "2026-01",
    "customer_count": 5,
    "time_to_onboard": _DURATION_EXAMPLE,
    "time_to_first_value": {**_DURATION_EXAMPLE, "count": 4},
    "still_onboarding": 1,
}


class CohortOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_COHORT_EXAMPLE]})

    key: str | None = Field(description="Kickoff month or segment; null for all.")
    customer_count: int
    time_to_onboard: DurationOut
    time_to_first_value: DurationOut
    still_onboarding: int = Field(description="Kicked off, not live yet: never counted above.")


_CUSTOMER_EXAMPLE: dict[str, Any] = {
    "customer_id": _CUSTOMER_ID,
    "name": "Northwind Support Ltd",
    "kickoff_on": "2026-01-05",
    "days_to_onboard": 52,
    "days_to_first_value": 38,
    "still_onboarding": False,
    "days_so_far": None,
}


class CustomerOnboardingOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_CUSTOMER_EXAMPLE]})

    customer_id: uuid.UUID
    name: str
    kickoff_on: date | None
    days_to_onboard: int | None
    days_to_first_value: int | None
    still_onboarding: bool
    days_so_far: int | None


class OnboardingOut(OutputModel):
    """Time to onboard (kickoff to go-live) and to first value, in days, as of a day."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "as_of_day": "2026-06-30",
                    "cohort_by": "kickoff_month",
                    "cohorts": [_COHORT_EXAMPLE],
                    "customers": [_CUSTOMER_EXAMPLE],
                }
            ]
        }
    )

    as_of_day: date
    cohort_by: CohortBy
    cohorts: list[CohortOut]
    customers: list[CustomerOnboardingOut]
