"""HTTP endpoints of survey scores: NPS, CSAT, CES over a window, by group or as a series,
and "would you renew today" (SPEC 5). Any key may read; a tracker-limited key sees the
customers of its trackers only."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.problems import invalid
from valuecalc_api.signals.access import check_customer
from valuecalc_api.signals.csv_out import CSV_OK, csv_table
from valuecalc_api.signals.route_parts import CUSTOMER_NOT_FOUND, CustomerQuery, WindowDep
from valuecalc_api.signals.schemas import WindowOut
from valuecalc_api.surveys import service
from valuecalc_api.surveys.repository import ScoreQuery
from valuecalc_api.surveys.schemas import (
    RenewCount,
    RenewFollowUp,
    RenewTodayOut,
    ScoredKind,
    ScoreGroupBy,
    SeriesInterval,
    SurveyScoreGroup,
    SurveyScoresOut,
    SurveySeriesOut,
    SurveySeriesPoint,
)
from valuecalc_core.signals.surveys import DEFINITIONS, ScoreDefinition, SurveyKind

router = APIRouter(tags=["surveys"])

KindQuery = Annotated[ScoredKind, Query(alias="kind", description="nps, csat or ces.")]
DefinitionQuery = Annotated[
    ScoreDefinition,
    Query(description="every_response, or customer_mean (NPS only: mean of per-customer NPS)."),
]


def _check_definition(kind: SurveyKind, definition: ScoreDefinition) -> None:
    if kind is SurveyKind.renew_today or (kind, definition) not in DEFINITIONS:
        raise invalid(
            [
                {
                    "field": "definition" if kind is not SurveyKind.renew_today else "kind",
                    "code": "definition_unknown",
                    "message": "Scores exist for nps (every_response, customer_mean), csat and "
                    "ces (every_response); renew_today has its own report.",
                }
            ]
        )


async def _scores(
    session: SessionDep,
    principal: PrincipalDep,
    window: WindowDep,
    scored: KindQuery,
    definition: DefinitionQuery = ScoreDefinition.every_response,
    group_by: Annotated[
        ScoreGroupBy, Query(description="One score per group.")
    ] = ScoreGroupBy.none,
    customer_id: CustomerQuery = None,
) -> SurveyScoresOut:
    kind = SurveyKind(scored.value)
    _check_definition(kind, definition)
    await check_customer(session, principal, customer_id)
    query = ScoreQuery(
        principal.organization_id,
        kind.value,
        window.start,
        window.end,
        group_by=group_by.value,
        customer_id=customer_id,
    )
    groups = await service.grouped_scores(session, principal, query, definition)
    if group_by is ScoreGroupBy.none and not groups:
        groups = [(None, None, None, service.empty_score(kind, definition))]
    return SurveyScoresOut(
        kind=kind,
        definition=definition,
        definition_text=DEFINITIONS[(kind, definition)],
        group_by=group_by,
        window=WindowOut(first_day=window.start, last_day=window.end),
        groups=[
            SurveyScoreGroup(key=key, label=label, **service.score_figures(score))
            for _, key, label, score in groups
        ],
    )


ScoresDep = Annotated[SurveyScoresOut, Depends(_scores)]


@router.get("/survey-scores", response_model=SurveyScoresOut, responses=CUSTOMER_NOT_FOUND)
async def survey_scores(scores: ScoresDep) -> SurveyScoresOut:
    """NPS, CSAT or CES over a window (`from`/`to`, or `window_days` ending `as_of_day`; default
    the 90 days to today), overall or per customer, segment or owner, each with its
    definition, distribution, response count and 95 % margin of error."""
    return scores


@router.get("/survey-scores.csv", response_class=Response, responses=CSV_OK | CUSTOMER_NOT_FOUND)
async def survey_scores_csv(scores: ScoresDep) -> Response:
    """The same scores as CSV: one line per group, the distribution as `answer_<n>` columns."""
    answers = [entry.answer for entry in scores.groups[0].distribution] if scores.groups else []
    head = [
        "kind",
        "definition",
        "first_day",
        "last_day",
        "group_by",
        "key",
        "label",
        "score",
        "response_count",
        "margin_of_error",
        "interval_low",
        "interval_high",
        "customer_count",
        *(f"answer_{a}" for a in answers),
    ]
    rows = [
        [
            scores.kind.value,
            scores.definition.value,
            scores.window.first_day,
            scores.window.last_day,
            scores.group_by.value,
            g.key,
            g.label,
            g.score,
            g.response_count,
            g.margin_of_error,
            g.interval_low,
            g.interval_high,
            g.customer_count,
            *(entry.count for entry in g.distribution),
        ]
        for g in scores.groups
    ]
    return csv_table(head, rows, f"survey-scores-{scores.kind.value}.csv")


async def _series(
    session: SessionDep,
    principal: PrincipalDep,
    window: WindowDep,
    scored: KindQuery,
    definition: DefinitionQuery = ScoreDefinition.every_response,
    interval: Annotated[
        SeriesInterval, Query(description="month or quarter.")
    ] = SeriesInterval.month,
    customer_id: CustomerQuery = None,
) -> SurveySeriesOut:
    kind = SurveyKind(scored.value)
    _check_definition(kind, definition)
    await check_customer(session, principal, customer_id)
    query = ScoreQuery(
        principal.organization_id,
        kind.value,
        window.start,
        window.end,
        customer_id=customer_id,
        bucket=interval.value,
    )
    groups = await service.grouped_scores(session, principal, query, definition)
    points = []
    for bucket, _, _, score in groups:
        assert bucket is not None
        label, days = service.period_window(bucket, interval.value)
        points.append(
            SurveySeriesPoint(
                period=label,
                window=WindowOut(
                    first_day=max(days.start, window.start), last_day=min(days.end, window.end)
                ),
                **service.score_figures(score),
            )
        )
    return SurveySeriesOut(
        kind=kind,
        definition=definition,
        definition_text=DEFINITIONS[(kind, definition)],
        interval=interval,
        points=points,
    )


SeriesDep = Annotated[SurveySeriesOut, Depends(_series)]


@router.get("/survey-scores/series", response_model=SurveySeriesOut, responses=CUSTOMER_NOT_FOUND)
async def survey_score_series(series: SeriesDep) -> SurveySeriesOut:
    """A score per month or quarter of the window (periods without answers are left out);
    each period counts each respondent's latest answer in it once."""
    return series


@router.get(
    "/survey-scores/series.csv", response_class=Response, responses=CSV_OK | CUSTOMER_NOT_FOUND
)
async def survey_score_series_csv(series: SeriesDep) -> Response:
    """Survey scores as a series by month or quarter, as CSV."""
    head = [
        "kind",
        "definition",
        "period",
        "first_day",
        "last_day",
        "score",
        "response_count",
        "margin_of_error",
        "interval_low",
        "interval_high",
        "customer_count",
    ]
    rows = [
        [
            series.kind.value,
            series.definition.value,
            p.period,
            p.window.first_day,
            p.window.last_day,
            p.score,
            p.response_count,
            p.margin_of_error,
            p.interval_low,
            p.interval_high,
            p.customer_count,
        ]
        for p in series.points
    ]
    return csv_table(head, rows, f"survey-series-{series.kind.value}.csv")


async def _renew_today(
    session: SessionDep,
    principal: PrincipalDep,
    window: WindowDep,
    customer_id: CustomerQuery = None,
) -> RenewTodayOut:
    await check_customer(session, principal, customer_id)
    query = ScoreQuery(
        principal.organization_id,
        SurveyKind.renew_today.value,
        window.start,
        window.end,
        customer_id=customer_id,
    )
    summary = await service.renew_today_summary(session, principal, query)
    return RenewTodayOut(
        window=WindowOut(first_day=window.start, last_day=window.end),
        response_count=summary.response_count,
        counts=[RenewCount(**count) for count in service.renew_counts(summary)],
        currency=summary.currency,
        arr_unavailable_reason=summary.arr_unavailable_reason,
        customers_without_arr=summary.customers_without_arr,
        follow_ups=[
            RenewFollowUp(
                response_id=uuid.UUID(a.external_id),
                customer_id=a.customer_id,
                respondent=a.respondent,
                answered_on=a.answered_on,
                answer=a.answer,
                comment=a.comment,
            )
            for a in summary.follow_ups
            if a.answer is not None
        ],
    )


RenewTodayDep = Annotated[RenewTodayOut, Depends(_renew_today)]


@router.get("/renew-today", response_model=RenewTodayOut, responses=CUSTOMER_NOT_FOUND)
async def renew_today(summary: RenewTodayDep) -> RenewTodayOut:
    """ "If your renewal was today, would you renew?" over a window: counts, the ARR behind
    each answer (unavailable, with the reason, when the revenue ledger has none), and the
    follow-up comments of the no and unsure answers."""
    return summary


@router.get("/renew-today.csv", response_class=Response, responses=CSV_OK | CUSTOMER_NOT_FOUND)
async def renew_today_csv(summary: RenewTodayDep) -> Response:
    """The follow-ups as CSV (one line per no or unsure answer, newest first)."""
    head = ["response_id", "customer_id", "respondent", "answered_on", "answer", "comment"]
    rows = [
        [f.response_id, f.customer_id, f.respondent, f.answered_on, f.answer.value, f.comment]
        for f in summary.follow_ups
    ]
    return csv_table(head, rows, "renew-today-follow-ups.csv")
