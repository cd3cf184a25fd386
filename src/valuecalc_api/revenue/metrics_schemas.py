"""Response bodies of the revenue reads, built from the core's results (SPEC 4).

Presentation rounding happens here, once: money to the currency's minor unit (half-even),
ratios to 4 decimals. Every ratio carries its exact numerator and denominator and the core's
definition; an undefined ratio has `value` null and its reason.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from valuecalc_api.schema_types import DecimalText, MoneyText, OutputModel, RatioText
from valuecalc_core.money import quantize_money
from valuecalc_core.revenue import (
    ArrBridge,
    LeadSummary,
    MetricSeries,
    PeriodMetrics,
    Ratio,
    RenewalRates,
    RevenuePeriod,
)
from valuecalc_core.revenue.metrics import SplitBy
from valuecalc_core.revenue.quick_ratio import QuickRatioBand
from valuecalc_core.revenue.series import Granularity


def money(amount: Decimal, currency: str) -> str:
    return format(quantize_money(amount, currency), "f")


def plain(value: Decimal) -> str:
    return format(value, "f")


class RevenuePeriodOut(OutputModel):
    start: datetime.date
    end: datetime.date


def period_out(period: RevenuePeriod) -> RevenuePeriodOut:
    return RevenuePeriodOut(start=period.start, end=period.end)


class RatioOut(OutputModel):
    """`value` = numerator / denominator rounded to 4 decimals (a fraction: 0.58 is 58 %)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "value": "0.8000",
                    "numerator": "400",
                    "denominator": "500",
                    "definition": "GRR = ... (SPEC 4)",
                    "undefined_reason": None,
                }
            ]
        }
    )

    value: RatioText | None
    numerator: DecimalText
    denominator: DecimalText
    definition: str
    undefined_reason: str | None


def ratio_out(ratio: Ratio) -> RatioOut:
    rounded = ratio.rounded()
    return RatioOut(
        value=None if rounded is None else plain(rounded),
        numerator=plain(ratio.numerator),
        denominator=plain(ratio.denominator),
        definition=ratio.definition,
        undefined_reason=ratio.undefined_reason,
    )


class QuickRatioOut(OutputModel):
    ratio: RatioOut
    band: QuickRatioBand = Field(
        description="bad (< 2), healthy (2 to 4), strong (> 4), or undefined"
    )


class MovementBarOut(OutputModel):
    """The period's movements as the stacked bars show them: gains +, losses -."""

    new: MoneyText
    expansion: MoneyText
    reactivation: MoneyText
    contraction: MoneyText
    churn: MoneyText
    net: MoneyText


class WaterfallStepOut(OutputModel):
    step: Literal[
        "renewable", "churn", "downsell", "gross_renewed", "upsell", "cross_sell", "net_renewed"
    ]
    amount: MoneyText
    level: MoneyText = Field(description="The level after this step.")
    is_total: bool


class RenewalRatesOut(OutputModel):
    period: RevenuePeriodOut
    currency: str
    renewals_decided: int
    renewals_renewed: int
    renewable_arr: MoneyText
    churn: MoneyText
    downsell: MoneyText
    gross_renewed: MoneyText
    upsell: MoneyText
    cross_sell: MoneyText
    net_renewed: MoneyText
    open_renewals: int = Field(description="Renewals due in the period still open at `as_of`.")
    open_renewable_arr: MoneyText
    gross_renewal_rate: RatioOut
    net_renewal_rate: RatioOut
    logo_renewal_rate: RatioOut
    waterfall: list[WaterfallStepOut]


def renewal_rates_out(rates: RenewalRates) -> RenewalRatesOut:
    c = rates.currency
    assert rates.logo_renewal_rate is not None
    return RenewalRatesOut(
        period=period_out(rates.period),
        currency=c,
        renewals_decided=rates.renewals_decided,
        renewals_renewed=rates.renewals_renewed,
        renewable_arr=money(rates.renewable_arr, c),
        churn=money(rates.churn, c),
        downsell=money(rates.downsell, c),
        gross_renewed=money(rates.gross_renewed, c),
        upsell=money(rates.upsell, c),
        cross_sell=money(rates.cross_sell, c),
        net_renewed=money(rates.net_renewed, c),
        open_renewals=rates.open_renewals,
        open_renewable_arr=money(rates.open_renewable_arr, c),
        gross_renewal_rate=ratio_out(rates.gross_renewal_rate),
        net_renewal_rate=ratio_out(rates.net_renewal_rate),
        logo_renewal_rate=ratio_out(rates.logo_renewal_rate),
        waterfall=[
            WaterfallStepOut(
                step=step.step,
                amount=money(step.amount, c),
                level=money(step.level, c),
                is_total=step.is_total,
            )
            for step in rates.waterfall
        ],
    )


class PeriodMetricsOut(OutputModel):
    period: RevenuePeriodOut
    currency: str
    customers_at_start: int
    customers_at_end: int
    customers_joined: int
    customers_retained: int
    starting_arr: MoneyText
    retained_arr: MoneyText
    cohort_ending_arr: MoneyText
    ending_arr: MoneyText
    grr: RatioOut
    nrr: RatioOut
    logo_retention: RatioOut
    quick_ratio: QuickRatioOut
    movements: MovementBarOut
    renewals: RenewalRatesOut


def period_metrics_out(metrics: PeriodMetrics) -> PeriodMetricsOut:
    c = metrics.currency
    r = metrics.retention
    m = metrics.movements
    return PeriodMetricsOut(
        period=period_out(metrics.period),
        currency=c,
        customers_at_start=r.customers_at_start,
        customers_at_end=r.customers_at_end,
        customers_joined=r.customers_joined,
        customers_retained=r.customers_retained,
        starting_arr=money(r.starting_arr, c),
        retained_arr=money(r.retained_arr, c),
        cohort_ending_arr=money(r.cohort_ending_arr, c),
        ending_arr=money(r.ending_arr, c),
        grr=ratio_out(r.grr),
        nrr=ratio_out(r.nrr),
        logo_retention=ratio_out(r.logo_retention),
        quick_ratio=QuickRatioOut(
            ratio=ratio_out(metrics.quick_ratio.ratio), band=metrics.quick_ratio.band.value
        ),
        movements=MovementBarOut(
            new=money(m.new, c),
            expansion=money(m.expansion, c),
            reactivation=money(m.reactivation, c),
            contraction=money(-m.contraction, c),
            churn=money(-m.churn, c),
            net=money(m.net, c),
        ),
        renewals=renewal_rates_out(metrics.renewals),
    )


class SplitPointsOut(OutputModel):
    key: str | None = Field(description="The segment or owner (null: customers without one).")
    points: list[PeriodMetricsOut]


class MetricSeriesOut(OutputModel):
    """Each metric per period over all visible customers (`points`), and per split."""

    granularity: Granularity
    currency: str
    split_by: SplitBy | None
    points: list[PeriodMetricsOut]
    splits: list[SplitPointsOut]


def series_out(series: MetricSeries) -> MetricSeriesOut:
    return MetricSeriesOut(
        granularity=series.granularity.value,
        currency=series.currency,
        split_by=None if series.split_by is None else series.split_by.value,
        points=[period_metrics_out(p) for p in series.points],
        splits=[
            SplitPointsOut(key=key, points=[period_metrics_out(p) for p in points])
            for key, points in series.splits
        ],
    )


class SplitMetricsOut(OutputModel):
    key: str | None
    metrics: PeriodMetricsOut


class RevenueMetricsOut(OutputModel):
    """The metrics of one period: the total over all visible customers, and per split."""

    currency: str
    split_by: SplitBy | None
    total: PeriodMetricsOut
    splits: list[SplitMetricsOut]


def metrics_out(series: MetricSeries) -> RevenueMetricsOut:
    return RevenueMetricsOut(
        currency=series.currency,
        split_by=None if series.split_by is None else series.split_by.value,
        total=period_metrics_out(series.points[0]),
        splits=[
            SplitMetricsOut(key=key, metrics=period_metrics_out(points[0]))
            for key, points in series.splits
        ],
    )


class ArrBridgeOut(OutputModel):
    """opening + new + expansion + reactivation + contraction + churn + fx_effect = closing
    (contraction and churn negative; each line rounded on its own). Opening and movements at
    start-month rates, closing at end-month rates, the FX change on its own line."""

    period: RevenuePeriodOut
    currency: str
    opening_arr: MoneyText
    new: MoneyText
    expansion: MoneyText
    reactivation: MoneyText
    contraction: MoneyText
    churn: MoneyText
    fx_effect: MoneyText
    closing_arr: MoneyText


def bridge_out(bridge: ArrBridge) -> ArrBridgeOut:
    c = bridge.currency
    return ArrBridgeOut(
        period=period_out(bridge.period),
        currency=c,
        opening_arr=money(bridge.opening_arr, c),
        new=money(bridge.new, c),
        expansion=money(bridge.expansion, c),
        reactivation=money(bridge.reactivation, c),
        contraction=money(-bridge.contraction, c),
        churn=money(-bridge.churn, c),
        fx_effect=money(bridge.fx_effect, c),
        closing_arr=money(bridge.closing_arr, c),
    )


class LeadFiguresOut(OutputModel):
    owner: str | None = None
    raised: int
    open: int
    won: int
    lost: int
    closed_revenue: MoneyText
    win_rate: RatioOut


class LeadSummaryOut(OutputModel):
    """CS-qualified leads raised in the period: over all, and by lead owner."""

    period: RevenuePeriodOut
    currency: str
    total: LeadFiguresOut
    owners: list[LeadFiguresOut]


def lead_figures(summary: LeadSummary, owner: str | None = None) -> LeadFiguresOut:
    return LeadFiguresOut(
        owner=owner,
        raised=summary.raised,
        open=summary.open,
        won=summary.won,
        lost=summary.lost,
        closed_revenue=money(summary.closed_revenue, summary.currency),
        win_rate=ratio_out(summary.win_rate),
    )


def lead_summary_out(
    total: LeadSummary, owners: list[tuple[str | None, LeadSummary]]
) -> LeadSummaryOut:
    return LeadSummaryOut(
        period=period_out(total.period),
        currency=total.currency,
        total=lead_figures(total),
        owners=[lead_figures(summary, owner) for owner, summary in owners],
    )


class CustomerArrOut(OutputModel):
    customer_id: uuid.UUID
    customer_external_id: str | None
    arr: DecimalText
    currency: str


class ArrAtOut(OutputModel):
    """Each visible customer's ARR at the end of `at`, in its own currency (exact)."""

    at: datetime.date
    customers: list[CustomerArrOut]


def as_dicts(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")
