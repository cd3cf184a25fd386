"""The tracker report (QBR / renewal) and the portfolio report across trackers (SPEC 3).

A tracker report puts together, for each calculation, use case and the
tracker: the measurement table, realized vs projected benefit, and the trend
and data-quality findings; and for the tracker the cost schedule and ROI. Each
formula is compiled once per report and every computation runs in
`valuation.exact_context()`. Only active use cases count in the tracker's
totals, comparison, ROI and review; draft and inactive ones are still reported.

A portfolio report sums trackers only within one currency: trackers in
different currencies are grouped per currency and never added together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import add, itemgetter
from typing import TypeVar

from valuecalc_core.comparison import (
    FAILED_MONTHS,
    NO_TARGET,
    ProjectionGap,
    RealizedVsProjected,
    combine_with_realized,
    compare_filled,
)
from valuecalc_core.formula import Formula
from valuecalc_core.frozen import fast_init
from valuecalc_core.measurement_table import (
    CalculationTable,
    TrackerTable,
    UseCaseTable,
    benefit_for_totals,
    compile_tracker,
    report_months,
    tracker_table_and_benefits,
)
from valuecalc_core.money import CurrencyMismatchError, money_quantum
from valuecalc_core.months import Month
from valuecalc_core.projection import Projection, project_calculation, projected_total_in
from valuecalc_core.review import (
    NO_ANNOTATIONS,
    CalculationAnnotations,
    Finding,
    measured_not_counted,
    merge_findings,
    review_measured,
    trend_findings,
)
from valuecalc_core.roi import RoiFigure, RoiSummary, cost_schedule, roi_figures, roi_summary
from valuecalc_core.timeline import Provenance
from valuecalc_core.tracker_model import TrackerSpec, UseCaseStatus
from valuecalc_core.trend import Trend, TrendReading, measured_changes, read_trend
from valuecalc_core.valuation import FormulaCache, compile_calculation, exact_context

_ZERO = Decimal(0)
_T = TypeVar("_T")


@fast_init
@dataclass(frozen=True, slots=True)
class CalculationReport:
    table: CalculationTable
    projection: Projection | None
    comparison: RealizedVsProjected
    trend: TrendReading
    findings: tuple[Finding, ...]


@fast_init
@dataclass(frozen=True, slots=True)
class UseCaseReport:
    table: UseCaseTable
    calculations: tuple[CalculationReport, ...]
    comparison: RealizedVsProjected
    # The use case's benefit alone against the whole contract's cost.
    roi: RoiSummary


@dataclass(frozen=True, slots=True)
class TrackerReport:
    """Everything a QBR needs for one tracker as of `as_of` (active use cases counted)."""

    table: TrackerTable
    use_cases: tuple[UseCaseReport, ...]
    comparison: RealizedVsProjected
    roi: RoiSummary
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class TrackerSummary:
    """One tracker's headline figures in its own currency (active use cases only)."""

    tracker_id: str
    name: str
    currency: str
    realized: Decimal
    projected: Decimal | None
    projection_covered: tuple[str, ...]
    projection_missing: tuple[ProjectionGap, ...]
    calculation_count: int
    roi: RoiSummary

    @property
    def projection_incomplete(self) -> tuple[str, ...]:
        return tuple(gap.calculation_id for gap in self.projection_missing)


@dataclass(frozen=True, slots=True)
class CurrencyTotals:
    """Sums over the trackers of one currency; ratios are computed from the sums."""

    currency: str
    tracker_ids: tuple[str, ...]
    realized: Decimal
    projected: Decimal | None
    projection_covered: tuple[str, ...]
    projection_missing: tuple[ProjectionGap, ...]
    calculation_count: int
    cost: Decimal
    net_roi: RoiFigure
    value_multiple: RoiFigure


@dataclass(frozen=True, slots=True)
class PortfolioReport:
    as_of: Month
    trackers: tuple[TrackerSummary, ...]
    currencies: tuple[CurrencyTotals, ...]

    def single_currency_totals(self) -> CurrencyTotals:
        """The portfolio's totals if all trackers share one currency; raises otherwise."""
        if len(self.currencies) != 1:
            names = ", ".join(c.currency for c in self.currencies) or "none"
            raise CurrencyMismatchError(
                f"The portfolio's trackers are in several currencies ({names}); their amounts "
                "cannot be added without an explicit exchange rate."
            )
        return self.currencies[0]


def tracker_report(
    tracker: TrackerSpec,
    as_of: Month,
    annotations: Mapping[str, CalculationAnnotations] | None = None,
) -> TrackerReport:
    """The tracker's report as of `as_of`; `annotations` by calculation id (notes, evidence)."""
    annotations = annotations or {}
    with exact_context():
        formulas = compile_tracker(tracker)
        table, benefits = tracker_table_and_benefits(tracker, formulas, as_of)
        months = table.months
        cost = cost_schedule(tracker)
        labels = [str(month) for month in months]  # for the findings' sentences
        use_cases: list[UseCaseReport] = []
        for use_case, realized in zip(table.use_cases, benefits, strict=True):
            calculations = [
                _calculation_report(
                    calc_table,
                    formulas[calc_table.calculation.id],
                    use_case,
                    annotations,
                    labels,
                    calc_realized,
                )
                for calc_table, calc_realized in zip(use_case.calculations, realized, strict=True)
            ]
            # The use case's table already holds the realized sum and its running total.
            use_case_comparison = combine_with_realized(
                months,
                [c.comparison for c in calculations],
                use_case.benefit,
                use_case.cumulative_benefit,
            )
            use_cases.append(
                UseCaseReport(
                    table=use_case,
                    calculations=tuple(calculations),
                    comparison=use_case_comparison,
                    roi=roi_summary(months, use_case_comparison.realized, cost),
                )
            )
        comparison = combine_with_realized(
            months,
            [u.comparison for u in use_cases if u.table.counted],
            table.benefit,
            table.cumulative_benefit,
        )
        roi = roi_summary(months, table.benefit, cost)
        return TrackerReport(
            table=table,
            use_cases=tuple(use_cases),
            comparison=comparison,
            roi=roi,
            findings=tuple(f for u in use_cases for c in u.calculations for f in c.findings),
        )


@dataclass(frozen=True, slots=True)
class NotCounted:
    """The benefit of the use cases of one status that count in no total (draft, inactive)."""

    status: UseCaseStatus
    use_case_ids: tuple[str, ...]
    realized: Decimal


def not_counted(table: TrackerTable) -> tuple[NotCounted, ...]:
    """The benefit kept apart from the tracker's totals, per status that is not active
    (SPEC 3: only active use cases count), always listing draft and inactive."""
    result = []
    for status in (UseCaseStatus.DRAFT, UseCaseStatus.INACTIVE):
        use_cases = [u for u in table.use_cases if u.use_case.status is status]
        result.append(
            NotCounted(
                status,
                tuple(u.use_case.id for u in use_cases),
                sum((u.total_benefit for u in use_cases), _ZERO),
            )
        )
    return tuple(result)


def _calculation_report(
    table: CalculationTable,
    formula: Formula,
    use_case: UseCaseTable,
    annotations: Mapping[str, CalculationAnnotations],
    labels: Sequence[str],
    realized: tuple[Decimal, ...],
) -> CalculationReport:
    """Projection, comparison, trend and findings of one calculation, from its table.

    `realized` is the table's benefit with a month without benefit as 0.
    """
    spec = table.calculation
    projection = project_calculation(table, formula)
    # The months with their own value are the timeline's measured months (ascending):
    # trend and review work on them directly instead of re-deriving them from provenance,
    # and share the changes between consecutive values.
    own = table.timeline.measured_at
    values = _pick(own, table.metric)
    changes = measured_changes(values)
    # Month indices differ like the months' ordinals: the trend only uses differences.
    trend = read_trend(spec.metric, values, changes, own)
    findings = (
        measured_not_counted(
            spec.id,
            use_case.use_case.name,
            use_case.use_case.status.value,
            _pick(own, table.months),
        )
        if not use_case.counted
        else review_measured(
            spec.id,
            spec.metric.baseline,
            table.months,
            table.metric,
            table.provenance,
            own,
            values,
            annotations.get(spec.id, NO_ANNOTATIONS),
            labels,
            changes,
        )
    )
    if use_case.counted and trend.since is not None:
        measured_months = _pick(own, table.months)
        stalled = trend.headline is Trend.FLAT
        extra = trend_findings(spec.id, measured_months, trend.since, trend.since_count, stalled)
        findings = merge_findings(findings, extra)
    return CalculationReport(
        table=table,
        projection=projection,
        comparison=compare_filled(table, projection, realized),
        trend=trend,
        findings=findings,
    )


def _pick(indices: Sequence[int], column: Sequence[_T | None]) -> Sequence[_T]:
    """The column's values at `indices` (months that have a value), picked in C."""
    if len(indices) > 1:
        return itemgetter(*indices)(column)  # type: ignore[no-any-return]
    return [column[index] for index in indices]  # type: ignore[misc]  # valued months


def measured_values(table: CalculationTable) -> list[tuple[Month, Decimal]]:
    """The months with their own value (measured or estimate) and that value."""
    return [
        (month, value)
        for month, value, origin in zip(table.months, table.metric, table.provenance, strict=True)
        if value is not None and (origin is Provenance.MEASURED or origin is Provenance.ESTIMATE)
    ]


def tracker_summary(tracker: TrackerSpec, as_of: Month) -> TrackerSummary:
    """Headline figures of one tracker: realized, projected, cost and ROI as of `as_of`."""
    with exact_context():
        return _summary(tracker, as_of)


def _summary(
    tracker: TrackerSpec,
    as_of: Month,
    cache: FormulaCache | None = None,
    month_cache: dict[tuple[int, int], tuple[Month, ...]] | None = None,
) -> TrackerSummary:
    # Only active use cases count (SPEC 3), so the others are not computed at all.
    cache = {} if cache is None else cache
    if month_cache is None:
        months = report_months(tracker, as_of)
    else:
        # Trackers of a portfolio mostly share their contract start: their months
        # through `as_of` are the same tuple, built once.
        key = (tracker.period.first.ordinal, tracker.period.last.ordinal)
        cached = month_cache.get(key)
        if cached is None:
            cached = month_cache[key] = report_months(tracker, as_of)
        months = cached
    count = len(months)
    quantum = money_quantum(tracker.currency)
    # Per-month sum of the calculations' benefits, a missing month as 0: as
    # `sum_columns` adds them, from 0, in the same order.
    benefit: Sequence[Decimal] = (_ZERO,) * count
    projected = _ZERO
    covered: list[str] = []
    missing: list[ProjectionGap] = []
    calculations = 0
    for use_case in tracker.use_cases:
        if use_case.status is not UseCaseStatus.ACTIVE:
            continue
        for spec in use_case.calculations:
            calculations += 1
            formula = compile_calculation(spec, cache)
            filled, timeline = benefit_for_totals(spec, formula, tracker, count, quantum)
            benefit = list(map(add, benefit, filled))
            projection = projected_total_in(spec, formula, timeline, quantum)
            if projection is None:
                missing.append(ProjectionGap(spec.id, NO_TARGET))
                continue
            covered.append(spec.id)
            projected += projection[0]
            if projection[1]:
                missing.append(ProjectionGap(spec.id, FAILED_MONTHS))
    roi = roi_summary(months, benefit, cost_schedule(tracker))
    return TrackerSummary(
        tracker_id=tracker.id,
        name=tracker.name,
        currency=tracker.currency,
        realized=roi.total_benefit,
        projected=projected if covered else None,
        projection_covered=tuple(covered),
        projection_missing=tuple(missing),
        calculation_count=calculations,
        roi=roi,
    )


def portfolio_report(trackers: Iterable[TrackerSpec], as_of: Month) -> PortfolioReport:
    """Per-tracker summaries and per-currency totals; currencies are never added together."""
    with exact_context():
        cache: FormulaCache = {}
        month_cache: dict[tuple[int, int], tuple[Month, ...]] = {}
        summaries = tuple(_summary(t, as_of, cache, month_cache) for t in trackers)
        groups: dict[str, list[TrackerSummary]] = {}
        for summary in summaries:
            groups.setdefault(summary.currency, []).append(summary)
        currencies = tuple(_currency_totals(c, groups[c]) for c in sorted(groups))
    return PortfolioReport(as_of=as_of, trackers=summaries, currencies=currencies)


def _currency_totals(currency: str, summaries: list[TrackerSummary]) -> CurrencyTotals:
    realized = sum((s.realized for s in summaries), _ZERO)
    projections = [s.projected for s in summaries if s.projected is not None]
    projected = sum(projections, _ZERO) if projections else None
    cost = sum((s.roi.total_cost for s in summaries), _ZERO)
    net_roi, multiple = roi_figures(realized, cost)
    return CurrencyTotals(
        currency=currency,
        tracker_ids=tuple(s.tracker_id for s in summaries),
        realized=realized,
        projected=projected,
        projection_covered=tuple(c for s in summaries for c in s.projection_covered),
        projection_missing=tuple(g for s in summaries for g in s.projection_missing),
        calculation_count=sum(s.calculation_count for s in summaries),
        cost=cost,
        net_roi=net_roi,
        value_multiple=multiple,
    )
