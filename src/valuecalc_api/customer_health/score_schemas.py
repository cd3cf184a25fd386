"""Response bodies of a customer's health score, its history, overrides and the backtest."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from valuecalc_api.actors.schemas import AUTHOR_EXAMPLE, AuthorOut
from valuecalc_api.customer_health.days import Day
from valuecalc_api.customer_health.profile_schemas import PROFILE_ID
from valuecalc_api.schema_types import DecimalStr, InputModel, OutputModel
from valuecalc_core.health.history import Every, TrendDirection
from valuecalc_core.health.overrides import OverrideStatus
from valuecalc_core.health.profile import Band, IndicatorKind

# Why an indicator has no value: the indicator sources' answers, or `no_value`.
IndicatorMissingReason = Literal[
    "no_value",
    "no_tracker",
    "no_projected_value",
    "no_arr_at_window_start",
    "no_pulse",
    "no_survey_answer",
    "no_touch",
    "no_goal",
    "no_usage",
]
# Why a score is undefined (core: valuecalc_core.health.scoring.NO_INDICATOR_VALUED).
ScoreUndefinedReason = Literal["no_indicator_has_a_value"]

CUSTOMER_ID = "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"
OVERRIDE_ID = "4d5e6f70-8192-4a3b-9c4d-5e6f708192a3"
SCORE_DEFINITION = (
    "score = sum(points x weight) / sum(weight) over the indicators with a value (the others "
    "are skipped and their weight shared out); points are linear from 0 at zero_at to 100 at "
    "full_at, clamped; the score is shown to 2 decimals (half-even) and each contribution to "
    "2 decimals by largest remainder, so the contributions add up to the score; the band is "
    "judged on the shown score."
)
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]

_PROFILE_REF: dict[str, Any] = {"id": PROFILE_ID, "name": "Standard", "version": 2}
_HISTORY_POINT: dict[str, Any] = {
    "as_of_date": "2026-03-31",
    "score": "65.00",
    "band": "yellow",
    "undefined_reason": None,
    "override_score": "30",
}
_TREND: dict[str, Any] = {
    "current_on": "2026-03-31",
    "current": "65.00",
    "previous_on": "2026-02-28",
    "previous": "58.00",
    "change": "7.00",
    "direction": "up",
    "flat_within": "2",
}
_BAND_OUTCOMES: dict[str, Any] = {
    "band": "red",
    "customers": 20,
    "churned": 6,
    "contracted": 3,
    "churn_rate": "0.3000",
    "contraction_rate": "0.1500",
}
_INDICATORS_OUT: list[Any] = [
    {
        "kind": "pulse",
        "weight": "50",
        "value": "80",
        "value_as_of": "2026-03-12",
        "points": "80.00",
        "weight_share": "0.6250",
        "contribution": "50.00",
        "missing_reason": None,
    },
    {
        "kind": "value_realization",
        "weight": "30",
        "value": "40",
        "value_as_of": "2026-03-31",
        "points": "40.00",
        "weight_share": "0.3750",
        "contribution": "15.00",
        "missing_reason": None,
    },
    {
        "kind": "nps",
        "weight": "20",
        "value": None,
        "value_as_of": None,
        "points": None,
        "weight_share": None,
        "contribution": None,
        "missing_reason": "no_survey_answer",
    },
]
_OVERRIDE_EXAMPLE: dict[str, Any] = {
    "id": OVERRIDE_ID,
    "customer_id": CUSTOMER_ID,
    "score": "30",
    "reason": "Executive sponsor left; renewal at risk whatever the usage says.",
    "starts_on": "2026-03-01",
    "expires_on": "2026-04-30",
    "ended_on": None,
    "status": "in_force",
    "author": AUTHOR_EXAMPLE,
    "ended_by": None,
    "created_at": "2026-03-01T09:00:00Z",
}


class ProfileRef(OutputModel):
    """The profile and the version a score was computed under."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PROFILE_REF]})

    id: uuid.UUID
    name: str
    version: int


class IndicatorScoreOut(OutputModel):
    """One indicator's part: raw value, 0-100 points, weight after reweighting (a fraction)
    and contribution (points x weight share); all null when it had no value."""

    model_config = ConfigDict(json_schema_extra={"examples": [_INDICATORS_OUT[0]]})

    kind: IndicatorKind
    weight: DecimalStr = Field(description="The weight the profile gives it.")
    value: DecimalStr | None
    value_as_of: date | None
    points: DecimalStr | None
    weight_share: DecimalStr | None
    contribution: DecimalStr | None
    missing_reason: IndicatorMissingReason | None = Field(
        description="Why it has no value, e.g. `no_pulse`, `no_tracker`, "
        "`no_survey_answer`, `no_usage`; null when it has one."
    )


class OverrideOut(OutputModel):
    """A CSM's override: in force from `starts_on` through `expires_on` unless ended."""

    model_config = ConfigDict(json_schema_extra={"examples": [_OVERRIDE_EXAMPLE]})

    id: uuid.UUID
    customer_id: uuid.UUID
    score: DecimalStr
    reason: str
    starts_on: date
    expires_on: date
    ended_on: date | None = Field(description="The first day it no longer applied (ended).")
    status: OverrideStatus = Field(description="As of today.")
    author: AuthorOut
    ended_by: AuthorOut | None
    created_at: datetime


class OverrideInForce(OverrideOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_OVERRIDE_EXAMPLE, "band": "red"}]}
    )

    band: Band = Field(description="The override's score judged by the profile's cut-offs.")


class OverrideCreate(InputModel):
    """Override the customer's score until `expires_on` (included); the computed score keeps
    being shown beside it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "score": "30",
                    "reason": _OVERRIDE_EXAMPLE["reason"],
                    "starts_on": "2026-03-01",
                    "expires_on": "2026-04-30",
                }
            ]
        }
    )

    score: DecimalStr
    reason: Reason
    starts_on: Day | None = Field(default=None, description="Default: today (UTC).")
    expires_on: Day


class HealthScoreOut(OutputModel):
    """A customer's score as of a date, with each indicator's part; an override in force is
    shown beside it (`override`), never instead of it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_id": CUSTOMER_ID,
                    "as_of_date": "2026-03-31",
                    "profile": _PROFILE_REF,
                    "score": "65.00",
                    "band": "yellow",
                    "undefined_reason": None,
                    "skipped": ["nps"],
                    "indicators": _INDICATORS_OUT,
                    "override": {**_OVERRIDE_EXAMPLE, "band": "red"},
                    "definition": SCORE_DEFINITION,
                }
            ]
        }
    )

    customer_id: uuid.UUID
    as_of_date: date
    profile: ProfileRef
    score: DecimalStr | None
    band: Band | None
    undefined_reason: ScoreUndefinedReason | None = Field(
        description="`no_indicator_has_a_value` when no indicator has a value (never 0)."
    )
    skipped: list[IndicatorKind] = Field(
        description="Indicators without a value; their weight was shared out."
    )
    indicators: list[IndicatorScoreOut]
    override: OverrideInForce | None
    definition: str


class HistoryPointOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_HISTORY_POINT]})

    as_of_date: date
    score: DecimalStr | None
    band: Band | None
    undefined_reason: ScoreUndefinedReason | None
    override_score: DecimalStr | None


class TrendOut(OutputModel):
    """The last point's score against the score at `previous_on` under the same version."""

    model_config = ConfigDict(json_schema_extra={"examples": [_TREND]})

    current_on: date
    current: DecimalStr | None
    previous_on: date
    previous: DecimalStr | None
    change: DecimalStr | None
    direction: TrendDirection
    flat_within: DecimalStr


class HealthHistoryOut(OutputModel):
    """The score per month or week over a range, all under one profile version."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_id": CUSTOMER_ID,
                    "profile": _PROFILE_REF,
                    "every": "month",
                    "points": [
                        {
                            "as_of_date": "2026-02-28",
                            "score": "58.00",
                            "band": "yellow",
                            "undefined_reason": None,
                            "override_score": None,
                        },
                        {
                            "as_of_date": "2026-03-31",
                            "score": "65.00",
                            "band": "yellow",
                            "undefined_reason": None,
                            "override_score": "30",
                        },
                    ],
                    "trend": {
                        "current_on": "2026-03-31",
                        "current": "65.00",
                        "previous_on": "2026-02-28",
                        "previous": "58.00",
                        "change": "7.00",
                        "direction": "up",
                        "flat_within": "2",
                    },
                }
            ]
        }
    )

    customer_id: uuid.UUID
    profile: ProfileRef
    every: Every
    points: list[HistoryPointOut]
    trend: TrendOut


class BandOutcomesOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_BAND_OUTCOMES]})

    band: Band | None = Field(description="null: customers without a score.")
    customers: int
    churned: int
    contracted: int
    churn_rate: DecimalStr | None
    contraction_rate: DecimalStr | None


class BacktestOut(OutputModel):
    """How the scores of a past date separated the customers that churned or contracted
    within the horizon from the others."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "profile": _PROFILE_REF,
                    "as_of_date": "2025-06-30",
                    "horizon_end": "2025-12-31",
                    "customers": 120,
                    "scored": 117,
                    "lost": 14,
                    "retained": 103,
                    "bands": [
                        {
                            "band": "red",
                            "customers": 20,
                            "churned": 6,
                            "contracted": 3,
                            "churn_rate": "0.3000",
                            "contraction_rate": "0.1500",
                        },
                        {
                            "band": "yellow",
                            "customers": 37,
                            "churned": 2,
                            "contracted": 2,
                            "churn_rate": "0.0541",
                            "contraction_rate": "0.0541",
                        },
                        {
                            "band": "green",
                            "customers": 60,
                            "churned": 0,
                            "contracted": 1,
                            "churn_rate": "0.0000",
                            "contraction_rate": "0.0167",
                        },
                        {
                            "band": None,
                            "customers": 3,
                            "churned": 1,
                            "contracted": 0,
                            "churn_rate": "0.3333",
                            "contraction_rate": "0.0000",
                        },
                    ],
                    "auc": "0.8123",
                    "auc_undefined_reason": None,
                    "definition": "lost = churned (no ARR at the horizon's end) or "
                    "contracted (less ARR); AUC = P(a retained customer scores higher "
                    "than a lost one), ties counting half.",
                }
            ]
        }
    )

    profile: ProfileRef
    as_of_date: date
    horizon_end: date
    customers: int
    scored: int
    lost: int
    retained: int
    bands: list[BandOutcomesOut]
    auc: DecimalStr | None
    auc_undefined_reason: str | None
    definition: str
