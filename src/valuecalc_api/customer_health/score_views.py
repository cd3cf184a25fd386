"""A customer's score with its explanation, its history with the trend, and the backtest."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customer_health import repository
from valuecalc_api.customer_health.overrides import core_override, override_out
from valuecalc_api.customer_health.score_schemas import (
    SCORE_DEFINITION,
    BacktestOut,
    HealthHistoryOut,
    HealthScoreOut,
    OverrideInForce,
)
from valuecalc_api.customer_health.scores import (
    AppliedProfile,
    ScoredCustomer,
    score_customers,
    score_one,
)
from valuecalc_api.customers.service import get_customer
from valuecalc_api.models.health import HealthOverride
from valuecalc_api.problems import Problem, invalid
from valuecalc_api.pulse.service import today
from valuecalc_api.revenue.arr_lookup import arr_by_customer
from valuecalc_core.health.backtest import BacktestCustomer, backtest, outcome
from valuecalc_core.health.history import Every, history_dates, score_trend
from valuecalc_core.health.overrides import override_in_force
from valuecalc_core.money import quantize_ratio

MAX_HISTORY_POINTS = 160
BACKTEST_DEFINITION = (
    "Customers with ARR > 0 at as_of (the key's customers); lost = churned (no ARR at the "
    "horizon's end) or contracted (less ARR, same currency); rates are fractions; AUC = the "
    "chance that a retained customer scores higher than a lost one, ties counting half "
    "(Mann-Whitney)."
)


def default_start(end: date) -> date:
    """The first day of the month 11 months before `end`'s: a year of monthly points."""
    months = end.year * 12 + end.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1)


def _profile_ref(applied: AppliedProfile) -> dict[str, Any]:
    return {
        "id": applied.profile.id,
        "name": applied.profile.name,
        "version": applied.version.version,
    }


def score_body(
    customer_id: uuid.UUID,
    as_of: date,
    scored: ScoredCustomer,
    overrides: Sequence[HealthOverride],
) -> dict[str, Any]:
    """The `HealthScoreOut` body of a scored customer (also a row of the book)."""
    score = scored.score
    in_force = override_in_force([core_override(row) for row in overrides], as_of)
    override: dict[str, Any] | None = None
    if in_force is not None:
        row = next(r for r in overrides if str(r.id) == in_force.id)
        override = {
            **override_out(row).model_dump(),
            "band": scored.applied.definition.bands.band(row.score),
        }
    return {
        "customer_id": customer_id,
        "as_of_date": as_of,
        "profile": _profile_ref(scored.applied),
        "score": score.score,
        "band": score.band,
        "undefined_reason": score.undefined_reason,
        "skipped": list(score.skipped),
        "indicators": [
            {
                "kind": e.kind,
                "weight": e.weight,
                "value": e.value,
                "value_as_of": e.as_of,
                "points": e.points,
                "weight_share": e.weight_share,
                "contribution": e.contribution,
                "missing_reason": e.missing_reason,
            }
            for e in score.indicators
        ],
        "override": None if override is None else OverrideInForce.model_validate(override),
        "definition": SCORE_DEFINITION,
    }


async def customer_score(
    session: AsyncSession,
    principal: Principal,
    customer_id: uuid.UUID,
    as_of: date,
    chosen: AppliedProfile | None,
) -> HealthScoreOut:
    customer = await get_customer(session, principal, customer_id)
    scored = await score_one(session, principal, customer.id, customer.segment, as_of, chosen)
    overrides = await repository.overrides_of(session, principal.organization_id, [customer.id])
    return HealthScoreOut.model_validate(score_body(customer.id, as_of, scored, overrides))


async def customer_history(
    session: AsyncSession,
    principal: Principal,
    customer_id: uuid.UUID,
    *,
    start: date,
    end: date,
    every: Every,
    compare_with: date | None,
    flat_within: Decimal,
    chosen: AppliedProfile | None,
) -> HealthHistoryOut:
    """The score at each date of the range, all under the version that applies at `end`
    (or the one named), so a change of the profile never shows as a change of the customer."""
    if end < start:
        raise invalid(
            [{"field": "from", "code": "range_reversed", "message": "from must be <= to."}]
        )
    dates = history_dates(start, end, every)
    if len(dates) > MAX_HISTORY_POINTS:
        raise invalid(
            [
                {
                    "field": "from",
                    "code": "too_many_points",
                    "message": f"The range has {len(dates)} points; at most {MAX_HISTORY_POINTS}.",
                }
            ]
        )
    customer = await get_customer(session, principal, customer_id)
    latest = await score_one(session, principal, customer.id, customer.segment, end, chosen)
    applied = latest.applied
    overrides = [
        core_override(row)
        for row in await repository.overrides_of(session, principal.organization_id, [customer.id])
    ]
    previous_on = compare_with or (dates[-2] if len(dates) > 1 else start)
    wanted = sorted(set(dates) | {previous_on})
    scores = {end: latest}
    for day in wanted:
        if day not in scores:
            scores[day] = await score_one(
                session, principal, customer.id, customer.segment, day, applied
            )
    points = []
    for day in dates:
        in_force = override_in_force(overrides, day)
        points.append(
            {
                "as_of_date": day,
                "score": scores[day].score.score,
                "band": scores[day].score.band,
                "undefined_reason": scores[day].score.undefined_reason,
                "override_score": None if in_force is None else in_force.score,
            }
        )
    trend = score_trend(
        end, latest.score.score, previous_on, scores[previous_on].score.score, flat_within
    )
    return HealthHistoryOut.model_validate(
        {
            "customer_id": customer.id,
            "profile": _profile_ref(applied),
            "every": every,
            "points": points,
            "trend": {
                "current_on": trend.current_on,
                "current": trend.current,
                "previous_on": trend.previous_on,
                "previous": trend.previous,
                "change": trend.change,
                "direction": trend.direction,
                "flat_within": flat_within,
            },
        }
    )


async def run_backtest(
    session: AsyncSession,
    principal: Principal,
    applied: AppliedProfile,
    as_of: date,
    horizon_days: int,
    visible: Sequence[tuple[uuid.UUID, str | None]],
) -> BacktestOut:
    """Scores of `as_of` against what the ledger shows `horizon_days` later."""
    horizon_end = as_of + timedelta(days=horizon_days)
    if horizon_end > today():
        raise Problem(
            422,
            "horizon-not-over",
            f"The horizon ends on {horizon_end}, after today: the outcomes are not known yet.",
            errors=[
                {
                    "field": "horizon_days",
                    "code": "horizon_not_over",
                    "message": "as_of + horizon_days must not be after today.",
                }
            ],
        )
    start_arr = await arr_by_customer(session, principal.organization_id, as_of)
    end_arr = await arr_by_customer(session, principal.organization_id, horizon_end)
    book = [(c, s) for c, s in visible if c in start_arr and start_arr[c][0] > 0]
    scored = await score_customers(session, principal, book, as_of, applied)
    rows = []
    for customer_id, _ in book:
        amount, currency = start_arr[customer_id]
        after = end_arr.get(customer_id)
        if after is not None and after[1] != currency:
            continue  # a change of currency is no outcome we can judge
        score = scored[customer_id].score
        rows.append(BacktestCustomer(score.score, score.band, outcome(amount, after and after[0])))
    result = backtest(rows)
    return BacktestOut.model_validate(
        {
            "profile": _profile_ref(applied),
            "as_of_date": as_of,
            "horizon_end": horizon_end,
            "customers": len(rows),
            "scored": result.scored,
            "lost": result.lost,
            "retained": result.retained,
            "bands": [
                {
                    "band": b.band,
                    "customers": b.customers,
                    "churned": b.churned,
                    "contracted": b.contracted,
                    "churn_rate": None if b.churn_rate is None else quantize_ratio(b.churn_rate),
                    "contraction_rate": None
                    if b.contraction_rate is None
                    else quantize_ratio(b.contraction_rate),
                }
                for b in result.bands
            ],
            "auc": None if result.auc is None else quantize_ratio(result.auc),
            "auc_undefined_reason": result.auc_undefined_reason,
            "definition": BACKTEST_DEFINITION,
        }
    )
