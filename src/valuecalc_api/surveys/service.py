"""Survey use cases: ingest responses (bulk; a single create is a one-row bulk), scores over
a window by group or as a series, renew-today with ARR, and per-customer NPS for health."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.row_errors import RowError
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.revenue.arr_lookup import arr_by_customer
from valuecalc_api.signals.bulk import SignalOutcome
from valuecalc_api.signals.upserts import Content, Key, TableSpec
from valuecalc_api.signals.windows import Window
from valuecalc_api.signals.writes import Problems, write_customer_rows
from valuecalc_api.surveys import repository
from valuecalc_api.surveys.repository import ScoreCount, ScoreQuery
from valuecalc_api.surveys.schemas import SurveyResponseRow
from valuecalc_core.money import quantize_money, quantize_ratio
from valuecalc_core.signals.surveys import (
    RenewAnswer,
    RenewToday,
    ScoreDefinition,
    SurveyAnswer,
    SurveyKind,
    SurveyScore,
    answer_problems,
    nps_customer_mean,
    renew_today,
    score_from_distribution,
)

SURVEY_RESPONSES = TableSpec(
    "survey_responses",
    keys=(("external_id", "varchar"),),
    content=(
        ("customer_id", "uuid"),
        ("respondent", "varchar"),
        ("answered_on", "date"),
        ("kind", "varchar"),
        ("score", "smallint"),
        ("answer", "varchar"),
        ("comment", "text"),
        ("excluded", "boolean"),
        ("excluded_reason", "varchar"),
    ),
    entity=AuditEntity.survey_response,
    key_field="external_id",
)


def _response(
    row: SurveyResponseRow, customer: uuid.UUID, today: date
) -> tuple[Key, Content, Problems]:
    problems = answer_problems(row.kind, row.score, row.answer, row.answered_on, today)
    content = (
        customer,
        row.respondent,
        row.answered_on,
        row.kind,
        row.score,
        row.answer,
        row.comment,
        row.excluded,
        row.excluded_reason,
    )
    return (row.external_id,), content, problems


async def write_responses(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[SurveyResponseRow | None],
    schema_problems: Sequence[RowError],
) -> SignalOutcome:
    """Apply every row or none; `rows[i]` is None where row i failed its schema."""
    return await write_customer_rows(
        session, principal, SURVEY_RESPONSES, rows, schema_problems, _response
    )


def _scores(
    kind: SurveyKind, definition: ScoreDefinition, counts: Sequence[ScoreCount]
) -> SurveyScore:
    if definition is ScoreDefinition.customer_mean:
        per_customer: dict[uuid.UUID, dict[int, int]] = defaultdict(dict)
        for item in counts:
            per_customer[item.customer_id][item.score] = item.count
        return nps_customer_mean(per_customer)
    pooled: dict[int, int] = defaultdict(int)
    for item in counts:
        pooled[item.score] += item.count
    return score_from_distribution(kind, pooled)


async def grouped_scores(
    session: AsyncSession,
    principal: Principal,
    query: ScoreQuery,
    definition: ScoreDefinition,
) -> list[tuple[date | None, str | None, str | None, SurveyScore]]:
    """(bucket, group key, group label, score) per bucket and group, ordered."""
    counts = await repository.score_counts(session, query, principal.tracker_ids)
    grouped: dict[tuple[date | None, str | None], list[ScoreCount]] = defaultdict(list)
    labels: dict[tuple[date | None, str | None], str | None] = {}
    for item in counts:
        grouped[(item.bucket, item.group_key)].append(item)
        labels[(item.bucket, item.group_key)] = item.group_label
    kind = SurveyKind(query.kind)
    ordered = sorted(grouped, key=lambda k: (k[0] or date.min, k[1] is None, k[1] or ""))
    return [(b, g, labels[(b, g)], _scores(kind, definition, grouped[(b, g)])) for b, g in ordered]


def period_window(bucket: date, interval: str) -> tuple[str, Window]:
    """The label and days of the month or quarter starting at `bucket`."""
    months = 3 if interval == "quarter" else 1
    year, month = divmod(bucket.month - 1 + months, 12)
    last = date(bucket.year + year, month + 1, 1) - timedelta(days=1)
    label = (
        f"{bucket.year}-Q{(bucket.month - 1) // 3 + 1}"
        if interval == "quarter"
        else f"{bucket.year:04d}-{bucket.month:02d}"
    )
    return label, Window(bucket, last)


def empty_score(kind: SurveyKind, definition: ScoreDefinition) -> SurveyScore:
    """The score of no answers (null, with the whole scale at 0)."""
    if definition is ScoreDefinition.customer_mean:
        return nps_customer_mean({})
    return score_from_distribution(kind, {})


def score_figures(score: SurveyScore) -> dict[str, Any]:
    """A score's fields as served: points to 2 decimals (ROUND_HALF_EVEN)."""
    interval = score.interval
    return {
        "score": _points(score.score),
        "response_count": score.response_count,
        "distribution": [{"answer": a, "count": c} for a, c in score.distribution],
        "margin_of_error": None if interval is None else _points(interval.margin_of_error),
        "interval_low": None if interval is None else _points(interval.low),
        "interval_high": None if interval is None else _points(interval.high),
        "customer_count": score.customer_count,
    }


def _points(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


async def renew_today_summary(
    session: AsyncSession, principal: Principal, query: ScoreQuery
) -> RenewToday:
    rows = await repository.counted_renew_answers(session, query, principal.tracker_ids)
    answers = [
        SurveyAnswer(
            external_id=str(row_id),
            customer_id=customer_id,
            respondent=respondent,
            answered_on=answered_on,
            kind=SurveyKind.renew_today,
            answer=RenewAnswer(answer),
            comment=comment,
        )
        for row_id, customer_id, respondent, answered_on, answer, comment in rows
    ]
    arr = await arr_by_customer(session, principal.organization_id, query.last_day)
    return renew_today(answers, arr)


def renew_counts(summary: RenewToday) -> list[dict[str, Any]]:
    behind = {a.answer: a for a in summary.arr or ()}
    currency = summary.currency
    counts = []
    for answer, count in summary.counts:
        held = behind.get(answer)
        counts.append(
            {
                "answer": answer,
                "count": count,
                "arr": None
                if held is None or currency is None
                else quantize_money(held.arr, currency),
                "arr_share": None
                if held is None or held.share is None
                else quantize_ratio(held.share),
            }
        )
    return counts


async def latest_nps_by_customer(
    session: AsyncSession,
    organization_id: uuid.UUID,
    as_of: date,
    window_days: int = 365,
) -> dict[uuid.UUID, SurveyScore]:
    """For health scores: each customer's NPS over the `window_days` days ending `as_of`
    (each respondent's latest answer counts once); customers without answers are absent."""
    query = ScoreQuery(
        organization_id,
        SurveyKind.nps.value,
        as_of - timedelta(days=window_days - 1),
        as_of,
        group_by="customer",
    )
    counts = await repository.score_counts(session, query, None)
    per_customer: dict[uuid.UUID, dict[int, int]] = defaultdict(dict)
    for item in counts:
        per_customer[item.customer_id][item.score] = item.count
    return {
        customer: score_from_distribution(SurveyKind.nps, counts_of)
        for customer, counts_of in per_customer.items()
    }
