"""Request rows and response bodies of the survey endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictBool

from valuecalc_api.schema_types import LONG_TEXT, DecimalStr, OutputModel
from valuecalc_api.signals.schemas import (
    Code,
    Comment,
    CustomerReference,
    Day,
    ExternalId,
    Line,
    WholeNumber,
    WindowOut,
)
from valuecalc_core.signals.surveys import RenewAnswer, ScoreDefinition, SurveyKind

_CUSTOMER_ID = "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"
SURVEY_ROW_EXAMPLE: dict[str, Any] = {
    "customer_external_id": "crm-0042",
    "external_id": "delighted-88121",
    "respondent": "cfo@northwind.example",
    "answered_on": "2026-03-10",
    "kind": "nps",
    "score": 9,
    "comment": "The ticket dashboards saved us a hire.",
}
SURVEY_ROWS_EXAMPLE: list[dict[str, Any]] = [
    SURVEY_ROW_EXAMPLE,
    {
        "customer_external_id": "crm-0042",
        "external_id": "qbr-2026-q1-renew",
        "respondent": "vp.support@northwind.example",
        "answered_on": "2026-03-12",
        "kind": "renew_today",
        "answer": "unsure",
        "comment": "Depends on the Salesforce integration shipping.",
    },
]
SURVEY_BULK_EXAMPLE = {
    "summary": "An NPS answer and a renew-today answer",
    "value": {"rows": SURVEY_ROWS_EXAMPLE},
}


class SurveyResponseRow(CustomerReference):
    """One answer. `kind` nps (score 0-10), csat (1-5), ces (1-7) take `score`;
    renew_today takes `answer` yes / no / unsure. `external_id` (the survey tool's id) makes
    a resend update the same response instead of adding one."""

    model_config = ConfigDict(json_schema_extra={"examples": [SURVEY_ROW_EXAMPLE]})

    external_id: ExternalId
    respondent: Line = Field(description="Who answered (an email or contact id).")
    answered_on: Day
    kind: Code = Field(
        description="nps, csat, ces or renew_today.",
        json_schema_extra={"enum": [k.value for k in SurveyKind]},
    )
    score: WholeNumber | None = None
    # The enum sits on the text branch, so null stays a valid answer in the contract.
    answer: (
        Annotated[Code, Field(json_schema_extra={"enum": [a.value for a in RenewAnswer]})] | None
    ) = None
    comment: Annotated[Comment | None, LONG_TEXT] = None
    excluded: StrictBool = Field(
        default=False, description="Kept but left out of every score (e.g. a test answer)."
    )
    excluded_reason: Annotated[Comment | None, LONG_TEXT] = Field(default=None, max_length=500)


class SurveyResponseOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                    "customer_id": _CUSTOMER_ID,
                    "external_id": "delighted-88121",
                    "respondent": "cfo@northwind.example",
                    "answered_on": "2026-03-10",
                    "kind": "nps",
                    "score": 9,
                    "answer": None,
                    "comment": "The ticket dashboards saved us a hire.",
                    "excluded": False,
                    "excluded_reason": None,
                    "created_at": "2026-03-10T09:30:00Z",
                    "updated_at": "2026-03-10T09:30:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    customer_id: uuid.UUID
    external_id: str
    respondent: str
    answered_on: date
    kind: SurveyKind
    score: int | None
    answer: RenewAnswer | None
    comment: str | None
    excluded: bool
    excluded_reason: str | None
    created_at: datetime
    updated_at: datetime


class ScoredKind(StrEnum):
    """The survey kinds that have a score (renew_today has its own report)."""

    nps = "nps"
    csat = "csat"
    ces = "ces"


class ScoreGroupBy(StrEnum):
    none = "none"
    customer = "customer"
    segment = "segment"
    owner = "owner"


class SeriesInterval(StrEnum):
    month = "month"
    quarter = "quarter"


class DistributionEntry(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"answer": 9, "count": 3}]})

    answer: int
    count: int


def _nps_example(extra: dict[str, Any]) -> dict[str, Any]:
    return {
        **extra,
        "score": "30.00",
        "response_count": 10,
        "distribution": [
            {"answer": a, "count": c} for a, c in enumerate([0, 0, 0, 1, 0, 0, 1, 2, 1, 3, 2])
        ],
        "margin_of_error": "42.13",
        "interval_low": "-19.05",
        "interval_high": "65.21",
        "customer_count": None,
    }


_SCORE_FIELDS_DOC = (
    "`score` is null when no answer counted. `margin_of_error` is the half-width of the "
    "95 % interval [`interval_low`, `interval_high`] in the score's points (adjusted-Wald "
    "for NPS, Wilson for CSAT/CES); null for the mean of per-customer NPS."
)


class SurveyScoreGroup(OutputModel):
    __doc__ = "One group's score. " + _SCORE_FIELDS_DOC

    model_config = ConfigDict(
        json_schema_extra={"examples": [_nps_example({"key": "mid-market", "label": "mid-market"})]}
    )

    key: str | None = Field(description="The customer id, segment or owner; null for all.")
    label: str | None = Field(description="The customer's name, or the segment or owner.")
    score: DecimalStr | None
    response_count: int
    distribution: list[DistributionEntry]
    margin_of_error: DecimalStr | None
    interval_low: DecimalStr | None
    interval_high: DecimalStr | None
    customer_count: int | None = Field(
        description="Customers averaged (definition customer_mean); null otherwise."
    )


class SurveyScoresOut(OutputModel):
    """A survey score over a window, per group, with its definition and distribution."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "nps",
                    "definition": "every_response",
                    "definition_text": "NPS = % promoters (9-10) - % detractors (0-6) over "
                    "every counted answer; each respondent's latest answer in the window "
                    "counts once; from -100 to 100.",
                    "group_by": "segment",
                    "window": {"first_day": "2026-01-01", "last_day": "2026-03-31"},
                    "groups": [_nps_example({"key": "mid-market", "label": "mid-market"})],
                }
            ]
        }
    )

    kind: SurveyKind
    definition: ScoreDefinition
    definition_text: str
    group_by: ScoreGroupBy
    window: WindowOut
    groups: list[SurveyScoreGroup]


class SurveySeriesPoint(OutputModel):
    __doc__ = "One period's score. " + _SCORE_FIELDS_DOC

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                _nps_example(
                    {
                        "period": "2026-Q1",
                        "window": {"first_day": "2026-01-01", "last_day": "2026-03-31"},
                    }
                )
            ]
        }
    )

    period: str = Field(description="`YYYY-MM` or `YYYY-Qn`.")
    window: WindowOut
    score: DecimalStr | None
    response_count: int
    distribution: list[DistributionEntry]
    margin_of_error: DecimalStr | None
    interval_low: DecimalStr | None
    interval_high: DecimalStr | None
    customer_count: int | None


class SurveySeriesOut(OutputModel):
    """A score per month or quarter; each period counts each respondent's latest answer in
    that period once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "nps",
                    "definition": "every_response",
                    "definition_text": "NPS = % promoters (9-10) - % detractors (0-6) over "
                    "every counted answer; each respondent's latest answer in the window "
                    "counts once; from -100 to 100.",
                    "interval": "quarter",
                    "points": [
                        _nps_example(
                            {
                                "period": "2026-Q1",
                                "window": {"first_day": "2026-01-01", "last_day": "2026-03-31"},
                            }
                        )
                    ],
                }
            ]
        }
    )

    kind: SurveyKind
    definition: ScoreDefinition
    definition_text: str
    interval: SeriesInterval
    points: list[SurveySeriesPoint]


class RenewCount(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"answer": "no", "count": 1, "arr": "50000.00", "arr_share": "0.3333"}]
        }
    )

    answer: RenewAnswer
    count: int
    arr: DecimalStr | None = Field(description="ARR behind this answer; null if unavailable.")
    arr_share: DecimalStr | None = Field(
        description="Its share of the answering customers' ARR (a fraction, 4 decimals)."
    )


class RenewFollowUp(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "response_id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                    "customer_id": _CUSTOMER_ID,
                    "respondent": "vp.support@northwind.example",
                    "answered_on": "2026-03-12",
                    "answer": "unsure",
                    "comment": "Depends on the Salesforce integration shipping.",
                }
            ]
        }
    )

    response_id: uuid.UUID
    customer_id: uuid.UUID
    respondent: str
    answered_on: date
    answer: RenewAnswer
    comment: str | None


class RenewTodayOut(OutputModel):
    """ "If your renewal was today, would you renew?": each respondent's latest answer in
    the window, the ARR behind each answer (revenue ledger at the window's last day), and
    the follow-up comments of the no and unsure answers, newest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "window": {"first_day": "2026-01-01", "last_day": "2026-03-31"},
                    "response_count": 3,
                    "counts": [
                        {"answer": "yes", "count": 1, "arr": "50000.00", "arr_share": "0.3333"},
                        {"answer": "no", "count": 1, "arr": "50000.00", "arr_share": "0.3333"},
                        {"answer": "unsure", "count": 1, "arr": "50000.00", "arr_share": "0.3333"},
                    ],
                    "currency": "USD",
                    "arr_unavailable_reason": None,
                    "customers_without_arr": 0,
                    "follow_ups": [
                        {
                            "response_id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                            "customer_id": _CUSTOMER_ID,
                            "respondent": "vp.support@northwind.example",
                            "answered_on": "2026-03-12",
                            "answer": "unsure",
                            "comment": "Depends on the Salesforce integration shipping.",
                        }
                    ],
                }
            ]
        }
    )

    window: WindowOut
    response_count: int
    counts: list[RenewCount]
    currency: str | None
    arr_unavailable_reason: str | None
    customers_without_arr: int
    follow_ups: list[RenewFollowUp]
