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
from valuecalc_api.customer_health.score_schemas import HealthScoreOut
from valuecalc_api.customer_health.score_views import score_body
from valuecalc_api.customer_health.scores import score_customers
from valuecalc_api.customer_view.book import SIGNALS_MISSING
from valuecalc_api.customer_view.schemas import CustomerSummary
from valuecalc_api.customers.service import get_customer
from valuecalc_api.problems import Problem
from valuecalc_api.pulse.repository import latest_pulses
from valuecalc_api.pulse.service import pulse_out
from valuecalc_api.reports.service import load_portfolio
from valuecalc_api.revenue.arr_lookup import arr_by_customer
from valuecalc_core.money import quantize_money, quantize_ratio
from valuecalc_core.months import Month
from valuecalc_core.report import tracker_summary
from valuecalc_core.roi import roi_figures

SIGNAL_NAMES = (
    "nps",
    "csat",
    "days_since_last_touch",
    "goals_achieved",
    "onboarding",
    "usage",
)


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
            "renewal_date": None,
            "value": await _value(session, principal, customer.id, as_of),
            "health": health,
            "health_undefined_reason": None if health is not None else "no_health_profile",
            "pulse": None if pulse is None else pulse_out(pulse),
            "signals": dict.fromkeys(SIGNAL_NAMES, SIGNALS_MISSING),
        }
    )
