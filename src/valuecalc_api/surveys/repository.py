"""Every query of the survey endpoints; always scoped by organization (and, for a
tracker-limited key, by the customers of its trackers).

Scores are aggregated in SQL: each respondent's latest answer in the window (DISTINCT ON
customer, respondent, ordered by day then `external_id`, as `core.signals.surveys`
orders them) is counted per group and score, so a million stored answers come back as a
few rows of counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.signals.repository import customer_filters

# Group keys and labels by `group_by`; fixed SQL fragments, never user text.
GROUP_EXPRESSIONS = {
    "none": ("NULL::text", "NULL::text"),
    "customer": ("cu.id::text", "cu.name"),
    "segment": ("cu.segment", "cu.segment"),
    "owner": ("cu.owner", "cu.owner"),
}
_BUCKETS = {
    None: "NULL::date",
    "month": "date_trunc('month', r.answered_on)::date",
    "quarter": "date_trunc('quarter', r.answered_on)::date",
}


@dataclass(frozen=True, slots=True)
class ScoreQuery:
    organization_id: uuid.UUID
    kind: str
    first_day: date
    last_day: date
    group_by: str = "none"
    customer_id: uuid.UUID | None = None
    bucket: str | None = None  # None, "month" or "quarter"


@dataclass(frozen=True, slots=True)
class ScoreCount:
    bucket: date | None
    group_key: str | None
    group_label: str | None
    customer_id: uuid.UUID
    score: int
    count: int


def _counted_sql(query: ScoreQuery, tracker_ids: Collection[uuid.UUID] | None, columns: str) -> str:
    """Each respondent's latest answer in the window (per bucket): in the order of
    `ix_survey_responses_latest_per_respondent`, so a score needs no sort."""
    bucket = _BUCKETS[query.bucket]
    filters, _ = customer_filters(query.customer_id, tracker_ids, "r.customer_id")
    return f"""
        SELECT DISTINCT ON (r.customer_id, r.respondent, {bucket})
               {bucket} AS bucket, r.customer_id, {columns}
        FROM survey_responses r
        WHERE r.organization_id = :organization_id AND r.kind = :kind
          AND r.answered_on BETWEEN :first_day AND :last_day AND NOT r.excluded{filters}
        ORDER BY r.customer_id, r.respondent, {bucket} DESC, r.answered_on DESC,
                 r.external_id DESC
    """  # noqa: S608 - fixed fragments only; values are bound parameters


def _parameters(query: ScoreQuery, tracker_ids: Collection[uuid.UUID] | None) -> dict[str, Any]:
    _, parameters = customer_filters(query.customer_id, tracker_ids, "r.customer_id")
    return {
        "organization_id": query.organization_id,
        "kind": query.kind,
        "first_day": query.first_day,
        "last_day": query.last_day,
        **parameters,
    }


async def score_counts(
    session: AsyncSession, query: ScoreQuery, tracker_ids: Collection[uuid.UUID] | None
) -> list[ScoreCount]:
    """Counted answers per (bucket, group, customer, score)."""
    key, label = GROUP_EXPRESSIONS[query.group_by]
    sql = f"""
        WITH counted AS ({_counted_sql(query, tracker_ids, "r.score")}),
        per_customer AS (
            SELECT bucket, customer_id, score, count(*) AS n
            FROM counted GROUP BY bucket, customer_id, score
        )
        SELECT c.bucket, {key} AS group_key, {label} AS group_label, c.customer_id, c.score, c.n
        FROM per_customer c JOIN customers cu ON cu.id = c.customer_id
    """  # noqa: S608 - fixed fragments only; values are bound parameters
    rows = await session.execute(text(sql), _parameters(query, tracker_ids))
    return [ScoreCount(*row) for row in rows]


async def counted_renew_answers(
    session: AsyncSession, query: ScoreQuery, tracker_ids: Collection[uuid.UUID] | None
) -> list[Any]:
    """The counted renew-today answers: (id, customer_id, respondent, answered_on, answer,
    comment)."""
    counted = "r.id, r.respondent, r.answered_on, r.answer, r.comment"
    sql = f"""
        SELECT c.id, c.customer_id, c.respondent, c.answered_on, c.answer, c.comment
        FROM ({_counted_sql(query, tracker_ids, counted)}) c
    """  # noqa: S608 - fixed fragments only; values are bound parameters
    return list(await session.execute(text(sql), _parameters(query, tracker_ids)))
