"""The tracker report (QBR / renewal) and the portfolio report as JSON payloads.

Figures come from `valuecalc_core.report`; this module only writes them (money to the
minor unit, ratios to 4 decimals, as strings) and labels them. Every ROI figure carries
its numerator, denominator and a one-line definition, and each calculation carries the
inputs in effect and the provenance of its metric per month, so any number can be
traced back to what produced it (SPEC 1, 3).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from valuecalc_api.reports.formats import MoneyWriter, plain, plain_column, ratio
from valuecalc_api.reports.loading import LoadedTracker
from valuecalc_api.reports.tables import Payload, calculation_header
from valuecalc_api.reports.trend_payload import trend_detail
from valuecalc_core.comparison import ProjectionGap, RealizedVsProjected
from valuecalc_core.measurement_table import CalculationTable
from valuecalc_core.months import Month
from valuecalc_core.projection import Projection
from valuecalc_core.report import (
    CalculationReport,
    CurrencyTotals,
    PortfolioReport,
    TrackerReport,
    TrackerSummary,
    not_counted,
)
from valuecalc_core.review import Finding
from valuecalc_core.roi import RoiFigure, RoiSummary
from valuecalc_core.timeline import Provenance

# Short definitions shipped with every report (SPEC 3 "Projection, realized value and ROI").
DEFINITIONS: dict[str, str] = {
    "realized_benefit": "Sum of the monthly benefits (each rounded to the minor unit) of the "
    "active use cases, from the contract's first month to as_of.",
    "projected_benefit": "The business case: the same formula applied to the projected metric "
    "(baseline toward target by the ramp), over the same months.",
    "variance": "realized benefit - projected benefit, over the calculations and months the "
    "projection covers (`projection_covers`): a calculation without a target has no "
    "projected benefit and no variance (null), never a variance equal to its benefit.",
    "cost": "The recurring fee spread over the months (a yearly fee / 12, the 12th month of "
    "each contract year takes the remainder) plus one-time fees in their month, from the "
    "contract's first month to as_of.",
    "net_roi": "(realized benefit - cost) / cost.",
    "value_multiple": "realized benefit / cost (the '2x' figure); not the same as net_roi.",
    "payback_month": "The first month whose cumulative realized benefit >= cumulative cost.",
    "not_counted": "The realized benefit of draft and inactive use cases, by status: "
    "reported apart and counted in no total until the use case is active.",
    "use_case_roi": "A use case's ROI figures compare its benefit alone with the whole "
    "contract's cost.",
}
_LABELS = {"net_roi": "Net ROI", "value_multiple": "Value multiple"}


def roi_figure(name: str, figure: RoiFigure, money: MoneyWriter) -> Payload:
    return {
        "label": _LABELS[name],
        "definition": DEFINITIONS[name],
        "value": ratio(figure.value),
        "numerator": money.required(figure.numerator),
        "denominator": money.required(figure.denominator),
        "reason": figure.reason,
    }


def projection_covers(
    covered: Sequence[str], missing: Sequence[ProjectionGap], calculation_count: int
) -> Payload:
    """Which calculations a projected sum covers, so no sum pretends to be complete."""
    return {
        "calculation_ids": list(covered),
        "count": len(covered),
        "calculation_count": calculation_count,
        "complete": not missing,
        "missing": [{"calculation_id": g.calculation_id, "reason": g.reason} for g in missing],
    }


def _covers(comparison: RealizedVsProjected) -> Payload:
    return projection_covers(comparison.covered, comparison.missing, comparison.calculation_count)


def _totals(comparison: RealizedVsProjected, roi: RoiSummary, money: MoneyWriter) -> Payload:
    return {
        "realized": money.required(comparison.total_realized),
        "projected": money.one(comparison.total_projected),
        "variance": money.one(comparison.total_variance),
        "projection_covers": _covers(comparison),
        "cost": money.required(roi.total_cost),
        "net_roi": roi_figure("net_roi", roi.net_roi, money),
        "value_multiple": roi_figure("value_multiple", roi.value_multiple, money),
        "payback_month": None if roi.payback_month is None else str(roi.payback_month),
        "payback_reason": roi.payback_reason,
    }


def _monthly(comparison: RealizedVsProjected, roi: RoiSummary, money: MoneyWriter) -> Payload:
    return {
        "realized": money.column(comparison.realized),
        "projected": money.column(comparison.projected),
        "variance": money.column(comparison.variance),
        "cumulative_realized": money.column(comparison.cumulative_realized),
        "cumulative_projected": money.column(comparison.cumulative_projected),
        "cumulative_variance": money.column(comparison.cumulative_variance),
        "cost": money.column(roi.cost),
        "cumulative_cost": money.column(roi.cumulative_cost),
    }


def finding_payload(finding: Finding, use_case_id: str, calculation_name: str) -> Payload:
    return {
        "kind": finding.kind.value,
        "use_case_id": use_case_id,
        "calculation_id": finding.calculation_id,
        "calculation_name": calculation_name,
        "month": str(finding.month),
        "detail": finding.detail,
        "value": plain(finding.value),
        "score": ratio(finding.score),
    }


def _projection(projection: Projection | None, money: MoneyWriter) -> Payload | None:
    """The business case's projected metric and benefit per month (SPEC 3 "Projection")."""
    if projection is None:
        return None
    return {
        "metric_values": plain_column(projection.metric),
        "benefit": money.column(projection.benefit),
        "error": list(projection.error),
        "total_benefit": money.required(projection.total_benefit),
    }


def _calculation(
    report: CalculationReport, loaded: LoadedTracker, use_case_id: str, money: MoneyWriter
) -> Payload:
    """One calculation: what produced each month's benefit (metric in effect, where it came
    from, inputs in effect), realized vs projected with variance, trend and findings.
    The full table (delta, improvement) is `GET /v1/use-cases/{id}/table`."""
    table = report.table
    spec = table.calculation
    comparison = report.comparison
    return {
        **calculation_header(spec, loaded.calculation_keys[spec.id]),
        "ramp": [{"from_month": step.from_month, "share": ratio(step.share)} for step in spec.ramp],
        "summary": _table_summary(table, money),
        "metric_values": plain_column(table.metric),
        "provenance": list(table.provenance),
        "inputs": [
            {"key": c.key, "name": c.name, "unit": c.unit, "values": plain_column(c.values)}
            for c in table.inputs
        ],
        "benefit": money.column(table.benefit),
        "error": list(table.error),
        "no_benefit_reason": list(table.no_benefit_reason),
        "cumulative_benefit": money.column(table.cumulative_benefit),
        "projection": _projection(report.projection, money),
        "variance": money.column(comparison.variance),
        "cumulative_projected": money.column(comparison.cumulative_projected),
        "cumulative_variance": money.column(comparison.cumulative_variance),
        "totals": {
            "realized": money.required(comparison.total_realized),
            "projected": money.one(comparison.total_projected),
            "variance": money.one(comparison.total_variance),
            "projection_covers": _covers(comparison),
        },
        "trend": report.trend.headline.value,
        "trend_detail": trend_detail(
            report.trend, [table.months[index] for index in table.timeline.measured_at]
        ),
        "findings": [finding_payload(f, use_case_id, spec.name) for f in report.findings],
    }


def _table_summary(table: CalculationTable, money: MoneyWriter) -> Payload:
    """Counts a reviewer reads first: months by provenance, failed months, the latest value."""
    counts = Counter(table.provenance)
    last = len(table.months) - 1
    return {
        "months": len(table.months),
        "measured": counts[Provenance.MEASURED],
        "estimated": counts[Provenance.ESTIMATE],
        "carried": counts[Provenance.CARRIED],
        "without_value": counts[Provenance.NONE],
        "failed": sum(1 for e in table.error if e is not None),
        "latest_value": plain(table.metric[last]),
        "latest_improvement": ratio(table.improvement[last]),
        "total_benefit": money.required(table.total_benefit),
    }


def tracker_header(loaded: LoadedTracker, money: MoneyWriter) -> Payload:
    spec = loaded.spec
    fees = spec.fees
    return {
        "id": spec.id,
        "name": spec.name,
        "customer_id": loaded.customer_id,
        "customer_name": loaded.customer_name,
        "currency": spec.currency,
        "period": {"start_month": str(spec.period.first), "end_month": str(spec.period.last)},
        "missing_months": spec.missing_months.value,
        # The tracker resource's names (POST/PATCH /v1/trackers), money at the minor unit.
        "recurring_fee_amount": money.required(fees.recurring_amount),
        "recurring_fee_interval": fees.recurring_interval.value,
        "one_time_fees": [
            {
                "month": str(fee.month),
                "amount": money.required(fee.amount),
                "description": fee.description,
            }
            for fee in fees.one_time
        ],
    }


def tracker_report_payload(report: TrackerReport, loaded: LoadedTracker) -> Payload:
    money = MoneyWriter(loaded.spec.currency)
    months = report.table.months
    roi = report.roi
    use_cases: list[Payload] = []
    findings: list[Payload] = []
    for use_case in report.use_cases:
        use_case_id = use_case.table.use_case.id
        comparison = use_case.comparison
        calculations = [_calculation(c, loaded, use_case_id, money) for c in use_case.calculations]
        findings += [f for c in calculations for f in c["findings"]]
        use_cases.append(
            {
                "use_case_id": use_case_id,
                "name": use_case.table.use_case.name,
                "status": use_case.table.use_case.status.value,
                "counted": use_case.table.counted,
                "totals": _totals(comparison, use_case.roi, money),
                "monthly": {
                    "realized": money.column(comparison.realized),
                    "projected": money.column(comparison.projected),
                    "variance": money.column(comparison.variance),
                },
                "calculations": calculations,
            }
        )
    return {
        "tracker": tracker_header(loaded, money),
        "as_of": str(months[-1]),
        "months": [str(m) for m in months],
        "definitions": DEFINITIONS,
        "totals": _totals(report.comparison, roi, money),
        "not_counted": {
            part.status.value: {
                "use_case_ids": list(part.use_case_ids),
                "use_case_count": len(part.use_case_ids),
                "realized": money.required(part.realized),
            }
            for part in not_counted(report.table)
        },
        "monthly": _monthly(report.comparison, roi, money),
        "use_cases": use_cases,
        "findings": findings,
    }


# --- portfolio -----------------------------------------------------------------------


def _summary(summary: TrackerSummary, loaded: LoadedTracker) -> Payload:
    money = MoneyWriter(summary.currency)
    roi = summary.roi
    period = loaded.spec.period
    return {
        "tracker_id": summary.tracker_id,
        "name": summary.name,
        "customer_id": loaded.customer_id,
        "customer_name": loaded.customer_name,
        "currency": summary.currency,
        "period": {"start_month": str(period.first), "end_month": str(period.last)},
        "realized": money.required(summary.realized),
        "projected": money.one(summary.projected),
        "projection_covers": projection_covers(
            summary.projection_covered, summary.projection_missing, summary.calculation_count
        ),
        "cost": money.required(roi.total_cost),
        "net_roi": roi_figure("net_roi", roi.net_roi, money),
        "value_multiple": roi_figure("value_multiple", roi.value_multiple, money),
        "payback_month": None if roi.payback_month is None else str(roi.payback_month),
        "payback_reason": roi.payback_reason,
    }


def _currency(totals: CurrencyTotals) -> Payload:
    money = MoneyWriter(totals.currency)
    return {
        "currency": totals.currency,
        "tracker_count": len(totals.tracker_ids),
        "tracker_ids": list(totals.tracker_ids),
        "realized": money.required(totals.realized),
        "projected": money.one(totals.projected),
        "projection_covers": projection_covers(
            totals.projection_covered, totals.projection_missing, totals.calculation_count
        ),
        "cost": money.required(totals.cost),
        "net_roi": roi_figure("net_roi", totals.net_roi, money),
        "value_multiple": roi_figure("value_multiple", totals.value_multiple, money),
    }


def portfolio_payload(
    report: PortfolioReport, trackers: Sequence[LoadedTracker], customer_id: Any
) -> Payload:
    by_id = {t.spec.id: t for t in trackers}
    return {
        "as_of": str(report.as_of),
        "customer_id": None if customer_id is None else str(customer_id),
        "tracker_count": len(report.trackers),
        "definitions": DEFINITIONS,
        "currencies": [_currency(c) for c in report.currencies],
        "trackers": [_summary(s, by_id[s.tracker_id]) for s in report.trackers],
    }


def default_portfolio_as_of(trackers: Sequence[LoadedTracker]) -> Month | None:
    """The latest contract end among the trackers (each tracker's whole period)."""
    return max((t.spec.period.last for t in trackers), default=None)
