"""Response bodies of the customer summary, the book and the pulse book view."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, Field

from valuecalc_api.customer_health.score_schemas import (
    CUSTOMER_ID,
    HealthScoreOut,
    IndicatorMissingReason,
    ProfileRef,
    ScoreUndefinedReason,
)
from valuecalc_api.models.health import PulseStatus, ReasonKind
from valuecalc_api.pulse.schemas import PulseOut
from valuecalc_api.revenue.row_schemas import MovementKindIn
from valuecalc_api.schema_types import DecimalStr, OutputModel
from valuecalc_core.health.profile import Band

_AMOUNT: dict[str, Any] = {"amount": "120000.00", "currency": "USD"}
_VALUE: dict[str, Any] = {
    "currency": "USD",
    "realized": "109000.00",
    "projected": "150000.00",
    "cost": "60000.00",
    "net_roi": "0.8167",
    "as_of_month": "2026-03",
}
_TOTALS: dict[str, Any] = {"customers": 240, "arr": [{"amount": "18250000.00", "currency": "USD"}]}
_STATUS: dict[str, Any] = {"status": "red", "customers": 3, "arr": [_AMOUNT]}
_CODE_RANK: dict[str, Any] = {
    "code": "exec-sponsor-left",
    "kind": "risk",
    "customers": 2,
    "arr": [_AMOUNT],
}
_GROUP: dict[str, Any] = {
    "group": "enterprise",
    "statuses": [_STATUS],
    "top_risk_by_count": [_CODE_RANK],
    "top_success_by_count": [],
}
_DISAGREEMENT: dict[str, Any] = {
    "customer_id": CUSTOMER_ID,
    "name": "Northwind Support Ltd",
    "pulse": "green",
    "band": "red",
}

_ROW_EXAMPLE: dict[str, Any] = {
    "customer_id": CUSTOMER_ID,
    "name": "Northwind Support Ltd",
    "external_id": "crm-0042",
    "segment": "mid-market",
    "owner": "jane.doe@vendor.example",
    "arr": {"amount": "120000.00", "currency": "USD", "as_of_date": "2026-03-31"},
    "renewal_date": None,
    "health": {
        "profile": {"id": "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e", "name": "Standard", "version": 2},
        "score": "65.00",
        "band": "yellow",
        "undefined_reason": None,
        "override_score": None,
        "override_band": None,
    },
    "pulse": {
        "status": "yellow",
        "recorded_on": "2026-03-12",
        "reason_codes": ["exec-sponsor-left"],
    },
    "days_since_last_touch": {
        "value": None,
        "as_of_date": None,
        "missing_reason": "no_touch",
    },
}


class BookSort(StrEnum):
    name = "name"
    arr = "arr"
    score = "score"
    days_since_touch = "days_since_touch"
    renewal_date = "renewal_date"


class SortOrder(StrEnum):
    asc = "asc"
    desc = "desc"


class AmountOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_AMOUNT]})

    amount: DecimalStr
    currency: str


class ArrOut(AmountOut):
    model_config = ConfigDict(json_schema_extra={"examples": [_ROW_EXAMPLE["arr"]]})

    as_of_date: date


class ValueOut(OutputModel):
    """Value realized vs projected through the as-of month, and ROI, per currency over the
    customer's trackers the key sees."""

    model_config = ConfigDict(json_schema_extra={"examples": [_VALUE]})

    currency: str
    realized: DecimalStr
    projected: DecimalStr | None = Field(
        description="Null when a tracker has no projection (no calculation projects)."
    )
    cost: DecimalStr
    net_roi: DecimalStr | None
    as_of_month: str


# Why a signal has no value: its indicator source's reason, or an onboarding milestone not
# reached yet.
SignalMissingReason = Literal[IndicatorMissingReason, "not_reached"]


class SignalOut(OutputModel):
    """A customer signal (NPS, CSAT, days since last touch, goals, onboarding, usage):
    its value and as-of date, or null with the reason."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [_ROW_EXAMPLE["days_since_last_touch"]]}
    )

    value: DecimalStr | None
    as_of_date: date | None
    missing_reason: SignalMissingReason | None


class PulseBrief(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_ROW_EXAMPLE["pulse"]]})

    status: PulseStatus
    recorded_on: date
    reason_codes: list[str]


class HealthBrief(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_ROW_EXAMPLE["health"]]})

    profile: ProfileRef
    score: DecimalStr | None
    band: Band | None
    undefined_reason: ScoreUndefinedReason | None
    override_score: DecimalStr | None
    override_band: Band | None


class BookRow(OutputModel):
    """One customer of the book as of a date; `health` is null when no profile applies."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ROW_EXAMPLE]})

    customer_id: uuid.UUID
    name: str
    external_id: str | None
    segment: str | None
    owner: str | None
    arr: ArrOut | None
    renewal_date: date | None = Field(
        description="The earliest renewal still undecided on the as-of date (revenue ledger)."
    )
    health: HealthBrief | None
    pulse: PulseBrief | None
    days_since_last_touch: SignalOut


class BookTotals(OutputModel):
    """Over the whole filtered book (every page)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_TOTALS]})

    customers: int
    arr: list[AmountOut] = Field(description="Per currency; currencies are never added.")


class BookPage(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "as_of_date": "2026-03-31",
                    "items": [_ROW_EXAMPLE],
                    "next_cursor": "WyJOb3J0aHdpbmQiLCAiMGY1YjhhNGUiXQ",
                    "totals": {
                        "customers": 240,
                        "arr": [{"amount": "18250000.00", "currency": "USD"}],
                    },
                }
            ]
        }
    )

    as_of_date: date
    items: list[BookRow]
    next_cursor: str | None
    totals: BookTotals


class CustomerArrMovementOut(OutputModel):
    """One ARR movement of the revenue ledger (`amount` > 0; the kind gives the sign)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"date": "2026-01-15", "kind": "upsell", "amount": "20000", "currency": "USD"}
            ]
        }
    )

    date: date
    kind: MovementKindIn
    amount: DecimalStr
    currency: str


class CustomerSummary(OutputModel):
    """Everything about one customer as of a date, each figure with its as-of date."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_id": CUSTOMER_ID,
                    "name": "Northwind Support Ltd",
                    "segment": "mid-market",
                    "owner": "jane.doe@vendor.example",
                    "as_of_date": "2026-03-31",
                    "arr": _ROW_EXAMPLE["arr"],
                    "arr_movements": [
                        {
                            "date": "2026-01-15",
                            "kind": "upsell",
                            "amount": "20000",
                            "currency": "USD",
                        }
                    ],
                    "renewal_date": "2026-06-30",
                    "value": [_VALUE],
                    "health": None,
                    "health_undefined_reason": "no_health_profile",
                    "pulse": None,
                    "signals": {
                        "nps": {
                            "value": "40",
                            "as_of_date": "2026-03-31",
                            "missing_reason": None,
                        }
                    },
                }
            ]
        }
    )

    customer_id: uuid.UUID
    name: str
    segment: str | None
    owner: str | None
    as_of_date: date
    arr: ArrOut | None
    arr_movements: list[CustomerArrMovementOut] = Field(description="The 5 latest, latest first.")
    renewal_date: date | None = Field(
        description="The earliest renewal still undecided on the as-of date."
    )
    value: list[ValueOut]
    health: HealthScoreOut | None
    health_undefined_reason: Literal["no_health_profile"] | None
    pulse: PulseOut | None
    signals: dict[str, SignalOut] = Field(
        description="nps, csat, days_since_last_touch, goals_achieved (%), dau_mau (%), "
        "license_utilization (%), days_to_onboard, days_to_first_value."
    )


class StatusCount(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_STATUS]})

    status: PulseStatus | None = Field(description="null: customers without a pulse.")
    customers: int
    arr: list[AmountOut]


class CodeRank(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_CODE_RANK]})

    code: str
    kind: ReasonKind
    customers: int
    arr: list[AmountOut]


class GroupStatuses(OutputModel):
    """One segment's (or owner's) statuses and top 3 reason codes by count."""

    model_config = ConfigDict(json_schema_extra={"examples": [_GROUP]})

    group: str | None
    statuses: list[StatusCount]
    top_risk_by_count: list[CodeRank]
    top_success_by_count: list[CodeRank]


class Disagreement(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_DISAGREEMENT]})

    customer_id: uuid.UUID
    name: str
    pulse: PulseStatus
    band: Band


class PulseBook(OutputModel):
    """Counts and ARR per pulse status, top reason codes, by segment and owner, and the
    customers whose pulse and score disagree (green pulse, red score, or the reverse)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "as_of_date": "2026-03-31",
                    "statuses": [
                        {
                            "status": "red",
                            "customers": 3,
                            "arr": [{"amount": "240000.00", "currency": "USD"}],
                        },
                        {"status": None, "customers": 1, "arr": []},
                    ],
                    "top_risk_by_count": [
                        {
                            "code": "exec-sponsor-left",
                            "kind": "risk",
                            "customers": 2,
                            "arr": [{"amount": "150000.00", "currency": "USD"}],
                        }
                    ],
                    "top_risk_by_arr": [],
                    "top_success_by_count": [],
                    "top_success_by_arr": [],
                    "by_segment": [_GROUP],
                    "by_owner": [{**_GROUP, "group": "jane.doe@vendor.example"}],
                    "disagreements": [
                        {
                            "customer_id": CUSTOMER_ID,
                            "name": "Northwind Support Ltd",
                            "pulse": "green",
                            "band": "red",
                        }
                    ],
                }
            ]
        }
    )

    as_of_date: date
    statuses: list[StatusCount]
    top_risk_by_count: list[CodeRank]
    top_risk_by_arr: list[CodeRank] = Field(
        description="Ranked by ARR in the organization's largest currency."
    )
    top_success_by_count: list[CodeRank]
    top_success_by_arr: list[CodeRank]
    by_segment: list[GroupStatuses]
    by_owner: list[GroupStatuses]
    disagreements: list[Disagreement]
