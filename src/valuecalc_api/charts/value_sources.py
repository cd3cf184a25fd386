"""Where the value-tracking charts get their figures: the tracker report's payload.

Each function is a FastAPI dependency of one chart family: it checks access (another
organization's object, or one outside a tracker-limited key, is a 404), resolves the
as-of month like the report does, and returns a `ChartSource` whose builder computes
the very payload `GET /v1/trackers/{id}/report` serves and draws it.
"""

from __future__ import annotations

import hashlib
import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal, PrincipalDep
from valuecalc_api.calculations.service import get_calculation
from valuecalc_api.charts import value_charts
from valuecalc_api.charts.chart_problems import currency_required, portfolio_empty
from valuecalc_api.charts.service import ChartSource
from valuecalc_api.charts.vega import ChartOptions, Spec
from valuecalc_api.cpu_work import run_cpu
from valuecalc_api.db import SessionDep
from valuecalc_api.problems import not_found
from valuecalc_api.reports import cached_reads
from valuecalc_api.reports import loading as reports
from valuecalc_api.reports.report_payload import (
    default_portfolio_as_of,
    portfolio_payload,
    tracker_report_payload,
)
from valuecalc_api.reports.repository import data_versions
from valuecalc_api.reports.routes import AsOfQuery
from valuecalc_api.reports.tracker_read import report_month
from valuecalc_api.schema_types import MONTH_PARAMETER, month_param
from valuecalc_core.months import Month
from valuecalc_core.report import portfolio_report, tracker_report

Payload = dict[str, Any]


class TrackerChart(StrEnum):
    """The charts of a whole tracker."""

    REALIZED_VS_PROJECTED = "realized-vs-projected"
    CUMULATIVE_REALIZED_VS_PROJECTED = "cumulative-realized-vs-projected"
    BENEFIT_VS_COST = "benefit-vs-cost"


class CalculationChart(StrEnum):
    """The charts of one benefit calculation."""

    METRIC_TREND = "metric-trend"


class PortfolioChart(StrEnum):
    """The charts of the portfolio (every tracker the key can see)."""

    REALIZED_BY_CUSTOMER = "realized-by-customer"


async def report_figures(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID, as_of: str | None
) -> tuple[Payload, Month, dict[str, tuple[list[bool], list[bool]]]]:
    """The tracker report's payload as the report endpoint serves it, its as-of month, and
    per calculation the months with a note and with evidence."""
    loaded = await reports.load_tracker(session, principal, tracker_id)
    month = report_month(as_of, loaded.spec.period)
    annotations = await reports.calculation_annotations(session, principal, tracker_id)

    def work() -> Payload:
        return tracker_report_payload(tracker_report(loaded.spec, month, annotations), loaded)

    payload = await run_cpu(work)
    months = [Month.parse(m) for m in payload["months"]]
    marks = {
        calculation_id: (
            [m in found.note_months for m in months],
            [m in found.evidence_months for m in months],
        )
        for calculation_id, found in annotations.items()
    }
    return payload, month, marks


def _tracker_chart(chart: TrackerChart, report: Payload, options: ChartOptions) -> Spec:
    if chart is TrackerChart.BENEFIT_VS_COST:
        return value_charts.benefit_vs_cost(report, options)
    cumulative = chart is TrackerChart.CUMULATIVE_REALIZED_VS_PROJECTED
    return value_charts.realized_vs_projected(report, options, cumulative=cumulative)


async def tracker_chart(
    tracker_id: uuid.UUID,
    tracker_chart: TrackerChart,
    principal: PrincipalDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
) -> ChartSource:
    chart = tracker_chart
    state = await cached_reads.tracker_state(session, principal, tracker_id)
    asked = report_month(as_of, state.period)

    async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
        report, month, _ = await report_figures(session, principal, tracker_id, as_of)
        return _tracker_chart(chart, report, options), (str(month),)

    return ChartSource(
        kind=f"tracker.{chart.value}",
        organization_id=principal.organization_id,
        tracker_id=tracker_id,
        version=state.version,
        parameters=(str(asked),),
        build=build,
        filename=f"tracker-{tracker_id}-{chart.value}-{asked}",
        query_names=("as_of",),
    )


def calculation_in(report: Payload, calculation_id: str) -> Payload:
    """The calculation's entry in the report (404 if the report does not list it)."""
    for use_case in report["use_cases"]:
        for calculation in use_case["calculations"]:
            if calculation["calculation_id"] == calculation_id:
                found: Payload = calculation
                return found
    raise not_found("calculation")


def metric_trend_of(
    report: Payload,
    calculation_id: str,
    marks: dict[str, tuple[list[bool], list[bool]]],
    options: ChartOptions,
) -> Spec:
    months = report["months"]
    no_marks = ([False] * len(months), [False] * len(months))
    return value_charts.metric_trend(
        calculation_in(report, calculation_id),
        months,
        marks.get(calculation_id, no_marks),
        options,
    )


async def calculation_chart(
    calculation_id: uuid.UUID,
    calculation_chart: CalculationChart,
    principal: PrincipalDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
) -> ChartSource:
    chart = calculation_chart
    _, tracker = await get_calculation(session, principal, calculation_id, with_inputs=False)
    tracker_id = tracker.id  # read now: the snapshot the chart is built in expires the row
    state = await cached_reads.tracker_state(session, principal, tracker_id)
    asked = report_month(as_of, state.period)

    async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
        report, month, marks = await report_figures(session, principal, tracker_id, as_of)
        return metric_trend_of(report, str(calculation_id), marks, options), (str(month),)

    return ChartSource(
        kind=f"calculation.{chart.value}.{calculation_id}",
        organization_id=principal.organization_id,
        tracker_id=tracker_id,
        version=state.version,
        parameters=(str(asked),),
        build=build,
        filename=f"calculation-{calculation_id}-{chart.value}-{asked}",
        query_names=("as_of",),
    )


async def portfolio_chart(
    principal: PrincipalDep,
    session: SessionDep,
    as_of: Annotated[
        str | None,
        Query(
            json_schema_extra=MONTH_PARAMETER,
            description="Last month counted, YYYY-MM (default: the latest contract end among "
            "the trackers); each tracker is clipped to its own period.",
            examples=["2026-03"],
        ),
    ] = None,
    customer_id: Annotated[uuid.UUID | None, Query(description="Only this customer's.")] = None,
    currency: Annotated[
        str | None,
        Query(
            pattern="^[A-Z]{3}$",
            description="The currency drawn (amounts are never added across currencies); "
            "required when the portfolio holds more than one.",
            examples=["USD"],
        ),
    ] = None,
) -> ChartSource:
    chart = PortfolioChart.REALIZED_BY_CUSTOMER  # its only chart: a fixed path
    asked = None if as_of is None else month_param(as_of, "as_of")

    async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
        trackers = await reports.load_portfolio(session, principal, customer_id)
        month = asked or default_portfolio_as_of(trackers)
        if month is None:
            raise portfolio_empty()
        report = await run_cpu(
            lambda: portfolio_payload(
                portfolio_report([t.spec for t in trackers], month), trackers, customer_id
            )
        )
        currencies = [c["currency"] for c in report["currencies"]]
        drawn = currency or (currencies[0] if len(currencies) == 1 else None)
        if drawn is None or drawn not in currencies:
            raise currency_required(currencies)
        spec = value_charts.realized_by_customer(report, drawn, options)
        return spec, (str(month), drawn)

    async def spanning_version() -> str | None:
        versions = await data_versions(
            session,
            principal.organization_id,
            tracker_ids=principal.tracker_ids,
            customer_id=customer_id,
        )
        if any(version is None for _, version in versions):
            return None
        text = ",".join(f"{tracker_id}:{version}" for tracker_id, version in versions)
        return hashlib.sha256(text.encode()).hexdigest()

    return ChartSource(
        kind=f"portfolio.{chart.value}",
        organization_id=principal.organization_id,
        tracker_id=None,
        version=None,
        parameters=(str(asked), str(customer_id), str(currency)),
        build=build,
        filename=f"portfolio-{chart.value}",
        query_names=("as_of", "customer_id", "currency"),
        spanning_version=spanning_version,
    )
