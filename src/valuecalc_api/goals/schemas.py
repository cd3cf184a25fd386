"""Request rows and response bodies of the goal endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict, Field

from valuecalc_api.schema_types import DecimalStr, OutputModel
from valuecalc_api.signals.schemas import CustomerReference, Day, ExternalId, Line
from valuecalc_core.signals.goals import GoalStatus

_CUSTOMER_ID = "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"
GOAL_ROW_EXAMPLE: dict[str, Any] = {
    "customer_external_id": "crm-0042",
    "external_id": "goal-deflect-20",
    "title": "Deflect 20 % of tier-1 tickets",
    "status": "achieved",
    "due_on": "2026-06-30",
    "achieved_on": "2026-05-12",
}
GOAL_BULK_EXAMPLE = {"summary": "An achieved goal", "value": {"rows": [GOAL_ROW_EXAMPLE]}}


class GoalRow(CustomerReference):
    """A goal of a customer; `external_id` makes a resend update it. An achieved goal has
    `achieved_on`, no other goal has one. `use_case_id` optionally links a Value Tracker
    use case of the same customer's trackers."""

    model_config = ConfigDict(json_schema_extra={"examples": [GOAL_ROW_EXAMPLE]})

    external_id: ExternalId
    title: Line
    status: GoalStatus
    due_on: Day | None = None
    achieved_on: Day | None = None
    use_case_id: uuid.UUID | None = None


class GoalOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                    "customer_id": _CUSTOMER_ID,
                    **{k: v for k, v in GOAL_ROW_EXAMPLE.items() if k != "customer_external_id"},
                    "use_case_id": None,
                    "created_at": "2026-01-10T09:30:00Z",
                    "updated_at": "2026-05-12T09:30:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    customer_id: uuid.UUID
    external_id: str
    title: str
    status: GoalStatus
    due_on: date | None
    achieved_on: date | None
    use_case_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


_SHARE_EXAMPLE: dict[str, Any] = {
    "goal_count": 4,
    "achieved": 1,
    "missed": 1,
    "open": 2,
    "overdue": 1,
    "share_achieved": "0.3333",
}


class GoalShareOut(OutputModel):
    """Share achieved = achieved / (achieved + missed + open goals past their due date);
    open goals not yet due do not count; null when no goal is decided or due."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SHARE_EXAMPLE]})

    goal_count: int
    achieved: int
    missed: int
    open: int
    overdue: int
    share_achieved: DecimalStr | None


class CustomerGoalsOut(GoalShareOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"customer_id": _CUSTOMER_ID, "name": "Northwind Support Ltd", **_SHARE_EXAMPLE}
            ]
        }
    )

    customer_id: uuid.UUID
    name: str


class GoalSummaryOut(OutputModel):
    """Goals as of a day: over the book, per customer with goals, and the overdue ones."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "as_of_day": "2026-03-10",
                    "book": _SHARE_EXAMPLE,
                    "customers": [
                        {
                            "customer_id": _CUSTOMER_ID,
                            "name": "Northwind Support Ltd",
                            **_SHARE_EXAMPLE,
                        }
                    ],
                    "overdue": [
                        {
                            "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                            "customer_id": _CUSTOMER_ID,
                            "external_id": "goal-sso",
                            "title": "Roll out SSO to all teams",
                            "status": "in_progress",
                            "due_on": "2026-03-01",
                            "achieved_on": None,
                            "use_case_id": None,
                            "created_at": "2026-01-10T09:30:00Z",
                            "updated_at": "2026-01-10T09:30:00Z",
                        }
                    ],
                }
            ]
        }
    )

    as_of_day: date
    book: GoalShareOut
    customers: list[CustomerGoalsOut]
    overdue: list[GoalOut] = Field(description="Open goals past their due date, oldest first.")
