"""One customer as of a date: ARR, value realized vs projected and ROI of its trackers,
health with its explanation, pulse and signals, each figure with its as-of date."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customer_health import repository as health_repository
from valuecalc_api.customer_health.indicator_sources import read_indicators
from valuecalc_api.customer_health.score_schemas import HealthScoreOut
from valuecalc_api.customer_health.score_views import score_body
from valuecalc_api.customer_health.scores import score_customers
from valuecalc_api.customer_view.repository import last_movements, renewals_due
from valuecalc_api.customer_view.schemas import CustomerSummary
from valuecalc_api.customers.service import get_customer
from valuecalc_api.onboarding.service import onboarding_by_customer
from valuecalc_api.problems import Problem
from valuecalc_api.pulse.repository import latest_pulses
from valuecalc_api.pulse.service import pulse_out
from valuecalc_api.reports.loading import load_portfolio
from valuecalc_api.revenue.arr_lookup import arr_by_customer
from valuecalc_core.health.profile import IndicatorKind, IndicatorRule
from valuecalc_core.money import quantize_money, quantize_ratio
from valuecalc_core.months import Month
from valuecalc_core.report import tracker_summary
from valuecalc_core.roi import roi_figures

# The signals shown, read as the health indicators of the same kind read them.
SIGNAL_KINDS = (
    IndicatorKind.nps,
    IndicatorKind.csat,
    IndicatorKind.days_since_last_touch,
    IndicatorKind.goals_achieved,
    IndicatorKind.dau_mau,
    IndicatorKind.license_utilization,
)


async def _signals(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID, as_of: date
) -> dict[str, dict[str, Any]]:
    rules = [IndicatorRule(kind, Decimal(1), Decimal(0), Decimal(100)) for kind in SIGNAL_KINDS]
    readings = (
        await read_indicators(
            session, principal.organization_id, [customer_id], as_of, rules, principal.tracker_ids
        )
    )[customer_id]
    signals = {
        kind.value: {
            "value": reading.value,
            "as_of_date": reading.as_of,
            "missing_reason": reading.missing_reason,
        }
        for kind, reading in readings.items()
    }
    onboarding = (await onboarding_by_customer(session, principal.organization_id, as_of)).get(
        customer_id
    )
    for name in ("days_to_onboard", "days_to_first_value"):
        days = None if onboarding is None else getattr(onboarding, name)
        signals[name] = {
            "value": None if days is None else Decimal(days),
            "as_of_date": None if days is None else as_of,
            "missing_reason": None if days is not None else "not_reached",
        }
    return signals


async def _value(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID, as_of: date
) -> list[dict[str, Any]]:
    """Per currency: realized, projected, cost and net ROI through the as-of month (each
    tracker through the end of its contract at most)."""
    try:
        trackers = await load_portfolio(session, principal, customer_id)
    except Problem:
        return []
    month = Month.of(as_of.year, as_of.month)
    realized: dict[str, Decimal] = {}
    projected: dict[str, Decimal | None] = {}
    cost: dict[str, Decimal] = {}
    for tracker in trackers:
        spec = tracker.spec
        if month < spec.period.first:
            continue
        summary = tracker_summary(spec, min(month, spec.period.last))
        currency = spec.currency
        realized[currency] = realized.get(currency, Decimal(0)) + summary.realized
        cost[currency] = cost.get(currency, Decimal(0)) + summary.roi.total_cost
        so_far = projected.get(currency, Decimal(0))
        # A tracker without a projection leaves its currency's projected total unknown.
        projected[currency] = (
            None if so_far is None or summary.projected is None else so_far + summary.projected
        )
    figures = []
    for currency in sorted(realized):
        net_roi = roi_figures(realized[currency], cost[currency])[0].value
        total_projected = projected[currency]
        figures.append(
            {
                "currency": currency,
                "realized": quantize_money(realized[currency], currency),
                "projected": None
                if total_projected is None
                else quantize_money(total_projected, currency),
                "cost": quantize_money(cost[currency], currency),
                "net_roi": None if net_roi is None else quantize_ratio(net_roi),
                "as_of_month": str(month),
            }
        )
    return figures


async def customer_summary(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID, as_of: date
) -> CustomerSummary:
    customer = await get_customer(session, principal, customer_id)
    organization_id = principal.organization_id
    arr = (await arr_by_customer(session, organization_id, as_of)).get(customer.id)
    scored = (
        await score_customers(session, principal, [(customer.id, customer.segment)], as_of, None)
    ).get(customer.id)
    health = None
    if scored is not None:
        overrides = await health_repository.overrides_of(session, organization_id, [customer.id])
        health = HealthScoreOut.model_validate(score_body(customer.id, as_of, scored, overrides))
    pulse = (await latest_pulses(session, organization_id, as_of, [customer.id])).get(customer.id)
    return CustomerSummary.model_validate(
        {
            "customer_id": customer.id,
            "name": customer.name,
            "segment": customer.segment,
            "owner": customer.owner,
            "as_of_date": as_of,
            "arr": None
            if arr is None
            else {"amount": arr[0], "currency": arr[1], "as_of_date": as_of},
            "renewal_date": (
                await renewals_due(session, organization_id, [customer.id], as_of)
            ).get(customer.id),
            "value": await _value(session, principal, customer.id, as_of),
            "health": health,
            "health_undefined_reason": None if health is not None else "no_health_profile",
            "pulse": None if pulse is None else pulse_out(pulse),
            "signals": await _signals(session, principal, customer.id, as_of),
            "arr_movements": [
                {"date": m[0], "kind": m[1], "amount": m[2], "currency": m[3]}
                for m in await last_movements(session, organization_id, customer.id, as_of, 5)
            ],
        }
    )
