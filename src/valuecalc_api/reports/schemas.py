"""Response bodies of the reports, for the OpenAPI contract (SPEC 6).

The routes build these bodies as plain JSON-ready dicts (every decimal already a string)
and serialize them in one pass, because a tracker report holds tens of thousands of
cells; tests validate each body against these models so contract and code agree.
Money strings are rounded to the currency's minor unit, ratios to 4 decimals. Columns
(`list`s) are aligned with the payload's `months`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from valuecalc_api.reports.schema_examples import (
    BENEFIT,
    CALCULATION_TABLE,
    CALCULATION_TOTALS,
    CUMULATIVE,
    CURRENCY_TOTALS,
    DEFINITIONS,
    FINDINGS,
    INPUT_ROW,
    METRIC,
    MONTHLY,
    MONTHS,
    NET_ROI,
    NOT_COUNTED,
    NOT_COUNTED_PART,
    ONE_TIME_FEE,
    PERIOD,
    PORTFOLIO_TRACKER,
    PROJECTION,
    PROJECTION_COVERS,
    PROJECTION_GAP,
    RAMP,
    REPORT_CALCULATION,
    REPORT_TRACKER,
    REPORT_USE_CASE,
    SERIES,
    SUMMARY,
    TABLE_FRAME,
    TIMELINE,
    TOTALS,
    TRACKER_ID,
    TREND_DETAIL,
    USE_CASE_MONTHLY,
    USE_CASE_TABLE,
    VALUE_MULTIPLE,
    VIEW_METRIC,
)
from valuecalc_api.schema_types import DecimalText as Exact
from valuecalc_api.schema_types import MoneyText as Money
from valuecalc_api.schema_types import MonthText
from valuecalc_api.schema_types import RatioText as Ratio
from valuecalc_core.review import FindingKind
from valuecalc_core.tracker_model import BenefitKind

Provenance = Literal["measured", "estimate", "carried", "none"]
TrendClass = Literal[
    "steady_climb", "accelerating", "flat", "declining", "volatile", "insufficient_data"
]


class ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [*examples]})


class PeriodOut(ReportModel):
    model_config = _examples(PERIOD)

    start_month: MonthText
    end_month: MonthText


class ReportMetricOut(ReportModel):
    model_config = _examples(METRIC)

    name: str
    unit: str
    baseline: Exact
    direction: Literal["higher_is_better", "lower_is_better"]
    target: Exact | None


class InputRowOut(ReportModel):
    model_config = _examples(INPUT_ROW)

    key: str
    name: str
    unit: str
    values: list[Exact]


class CalculationRows(ReportModel):
    """A calculation's table rows. `error` (the formula failed that month) or
    `no_benefit_reason` (`no_measurement`, `carried_month_no_benefit`) say why a
    month's `benefit` is null. `has_note` / `has_evidence` mark the months with a note or
    evidence attached."""

    has_note: list[bool]
    has_evidence: list[bool]
    metric_values: list[Exact | None]
    provenance: list[Provenance]
    inputs: list[InputRowOut]
    delta: list[Exact | None]
    improvement: list[Ratio | None]
    benefit: list[Money | None]
    error: list[str | None]
    no_benefit_reason: list[str | None]
    cumulative_benefit: list[Money]
    total_benefit: Money


class CalculationTableOut(CalculationRows):
    model_config = _examples(CALCULATION_TABLE)

    calculation_id: str
    key: str
    name: str
    kind: BenefitKind
    metric: ReportMetricOut
    formula: str


class UseCaseTableOut(ReportModel):
    """`counted` is false for draft and inactive use cases: shown, not in the totals."""

    model_config = _examples(USE_CASE_TABLE)

    use_case_id: str
    name: str
    status: Literal["draft", "active", "inactive"]
    counted: bool
    calculations: list[CalculationTableOut]
    benefit: list[Money]
    cumulative_benefit: list[Money]
    total_benefit: Money


class TableFrame(ReportModel):
    tracker_id: str
    currency: str
    period: PeriodOut
    missing_months: Literal["carry_forward", "no_benefit"]
    as_of: MonthText
    months: list[MonthText]


class TrackerTableOut(TableFrame):
    """The measurement tables of all use cases; `benefit` sums the active ones only."""

    model_config = _examples(
        {
            **TABLE_FRAME,
            "use_cases": [USE_CASE_TABLE],
            "benefit": BENEFIT,
            "cumulative_benefit": CUMULATIVE,
            "total_benefit": "109000.00",
        }
    )

    use_cases: list[UseCaseTableOut]
    benefit: list[Money]
    cumulative_benefit: list[Money]
    total_benefit: Money


class UseCaseTableResponse(TableFrame):
    model_config = _examples({**TABLE_FRAME, "use_case": USE_CASE_TABLE})

    use_case: UseCaseTableOut


# --- Measurements tab ----------------------------------------------------------------


class SeriesPoint(ReportModel):
    model_config = _examples(SERIES[-1])

    month: MonthText
    value: Exact | None
    provenance: Provenance


class TrendDetailOut(ReportModel):
    """A metric's trend over its measured months (SPEC 3; rule in README "Trend").

    `whole_series` classifies every measured month, `recent` the latest `recent_months`
    of them (4, or all when fewer). `headline` (also the parent's `trend`) is the one to
    act on: a recent `flat` or `declining` after gains wins over the whole-series climb,
    and then `since` is the month the improvement stopped (flat) or the peak the decline
    started from, `since_months` the measured months from there to the latest.
    """

    model_config = _examples(TREND_DETAIL)

    headline: TrendClass
    whole_series: TrendClass
    recent: TrendClass
    recent_months: int
    since: MonthText | None
    since_months: int | None
    summary: str


class ViewMetricOut(ReportModel):
    model_config = _examples(VIEW_METRIC)

    use_case_id: str
    use_case_name: str
    calculation_id: str
    calculation_key: str
    calculation_name: str
    kind: BenefitKind
    metric: ReportMetricOut
    value: Exact | None
    provenance: Provenance
    measured_in: MonthText | None
    source: str | None
    delta: Exact | None
    improvement: Ratio | None
    benefit: Money | None
    error: str | None
    no_benefit_reason: str | None
    has_note: bool
    has_evidence: bool
    trend: TrendClass
    trend_detail: TrendDetailOut
    series: list[SeriesPoint]


class TimelineMonth(ReportModel):
    model_config = _examples(TIMELINE[2])

    month: MonthText
    measured: int
    metrics: int
    complete: bool
    selected: bool


class MeasurementsViewOut(ReportModel):
    model_config = _examples(
        {
            "tracker_id": TRACKER_ID,
            "tracker_name": "Northwind support automation 2026",
            "currency": "USD",
            "period": PERIOD,
            "missing_months": "carry_forward",
            "month": "2026-03",
            "benefit": "58000.00",
            "timeline": TIMELINE,
            "metrics": [VIEW_METRIC],
        }
    )

    tracker_id: str
    tracker_name: str
    currency: str
    period: PeriodOut
    missing_months: Literal["carry_forward", "no_benefit"]
    month: MonthText
    benefit: Money
    timeline: list[TimelineMonth]
    metrics: list[ViewMetricOut]


# --- tracker report ------------------------------------------------------------------


class RoiFigureOut(ReportModel):
    """A ratio with what it was computed from; `value` null (with `reason`) when undefined."""

    model_config = _examples(NET_ROI, VALUE_MULTIPLE)

    label: str
    definition: str
    value: Ratio | None
    numerator: Money
    denominator: Money
    reason: str | None


class ProjectionGapOut(ReportModel):
    """A calculation the projection does not fully cover: `no_target` (no business case)
    or `failed_months` (its formula failed in some projected month)."""

    model_config = _examples(PROJECTION_GAP)

    calculation_id: str
    reason: Literal["no_target", "failed_months"]


class ProjectionCoversOut(ReportModel):
    """Which calculations `projected` and `variance` cover: `calculation_ids` (`count` of
    the `calculation_count` compared); `complete` is false when any is `missing`."""

    model_config = _examples(PROJECTION_COVERS)

    calculation_ids: list[str]
    count: int
    calculation_count: int
    complete: bool
    missing: list[ProjectionGapOut]


class TotalsOut(ReportModel):
    """`projected` and `variance` are null when no calculation has a projection (a target)."""

    model_config = _examples(TOTALS)

    realized: Money
    projected: Money | None
    variance: Money | None
    projection_covers: ProjectionCoversOut
    cost: Money
    net_roi: RoiFigureOut
    value_multiple: RoiFigureOut
    payback_month: MonthText | None
    payback_reason: str | None


class NotCountedOut(ReportModel):
    """Use cases of one status that count in no total, and their realized benefit."""

    model_config = _examples(NOT_COUNTED_PART)

    use_case_ids: list[str]
    use_case_count: int
    realized: Money


class NotCountedByStatusOut(ReportModel):
    """Draft and inactive use cases' benefit, kept apart from the tracker's totals."""

    model_config = _examples(NOT_COUNTED)

    draft: NotCountedOut
    inactive: NotCountedOut


class MonthlyOut(ReportModel):
    model_config = _examples(MONTHLY)

    realized: list[Money]
    projected: list[Money | None]
    variance: list[Money | None]
    cumulative_realized: list[Money]
    cumulative_projected: list[Money | None]
    cumulative_variance: list[Money | None]
    cost: list[Money]
    cumulative_cost: list[Money]


class FindingOut(ReportModel):
    """Something a reviewer must look at before a QBR (SPEC 3 "data-quality review")."""

    model_config = _examples(*FINDINGS)

    kind: FindingKind
    use_case_id: str
    calculation_id: str
    calculation_name: str
    month: MonthText
    detail: str
    value: Exact | None
    score: Ratio | None


class ReportRampStepOut(ReportModel):
    model_config = _examples(RAMP[0])

    from_month: int
    share: Ratio


class TableSummaryOut(ReportModel):
    """Months by provenance up to as_of, months whose formula failed, the latest value."""

    model_config = _examples(SUMMARY)

    months: int
    measured: int
    estimated: int
    carried: int
    without_value: int
    failed: int
    latest_value: Exact | None
    latest_improvement: Ratio | None
    total_benefit: Money


class ProjectionOut(ReportModel):
    model_config = _examples(PROJECTION)

    metric_values: list[Exact]
    benefit: list[Money | None]
    error: list[str | None]
    total_benefit: Money


class CalculationTotalsOut(ReportModel):
    """`projected` and `variance` are null without a target (no business case)."""

    model_config = _examples(CALCULATION_TOTALS)

    realized: Money
    projected: Money | None
    variance: Money | None
    projection_covers: ProjectionCoversOut


class ReportCalculationOut(ReportModel):
    """One calculation of the report. Per month: the metric in effect and its provenance,
    the inputs in effect, the realized `benefit` with, when a month has none, its `error`
    code or its `no_benefit_reason` (the same rows as the measurement table), the
    projection and the variance, each with cumulative sums. `projection` is null without
    a target."""

    model_config = _examples(REPORT_CALCULATION)

    calculation_id: str
    key: str
    name: str
    kind: BenefitKind
    metric: ReportMetricOut
    formula: str
    ramp: list[ReportRampStepOut]
    summary: TableSummaryOut
    metric_values: list[Exact | None]
    provenance: list[Provenance]
    inputs: list[InputRowOut]
    benefit: list[Money | None]
    error: list[str | None]
    no_benefit_reason: list[str | None]
    cumulative_benefit: list[Money]
    projection: ProjectionOut | None
    variance: list[Money | None]
    cumulative_projected: list[Money | None]
    cumulative_variance: list[Money | None]
    totals: CalculationTotalsOut
    trend: TrendClass
    trend_detail: TrendDetailOut
    findings: list[FindingOut]


class UseCaseMonthlyOut(ReportModel):
    model_config = _examples(USE_CASE_MONTHLY)

    realized: list[Money]
    projected: list[Money | None]
    variance: list[Money | None]


class ReportUseCaseOut(ReportModel):
    """`totals` compare the use case's benefit with the whole contract's cost."""

    model_config = _examples(REPORT_USE_CASE)

    use_case_id: str
    name: str
    status: Literal["draft", "active", "inactive"]
    counted: bool
    totals: TotalsOut
    monthly: UseCaseMonthlyOut
    calculations: list[ReportCalculationOut]


class ReportOneTimeFeeOut(ReportModel):
    model_config = _examples(ONE_TIME_FEE)

    month: MonthText
    amount: Money
    description: str


class ReportTrackerOut(ReportModel):
    model_config = _examples(REPORT_TRACKER)

    id: str
    name: str
    customer_id: str
    customer_name: str
    currency: str
    period: PeriodOut
    missing_months: Literal["carry_forward", "no_benefit"]
    recurring_fee_amount: Money
    recurring_fee_interval: Literal["month", "year"]
    one_time_fees: list[ReportOneTimeFeeOut]


class TrackerReportOut(ReportModel):
    """Everything a QBR needs as of `as_of`: totals and ROI of the active use cases, every
    use case and calculation with its table and projection, and the findings to review."""

    model_config = _examples(
        {
            "tracker": REPORT_TRACKER,
            "as_of": "2026-03",
            "months": MONTHS,
            "definitions": DEFINITIONS,
            "totals": TOTALS,
            "not_counted": NOT_COUNTED,
            "monthly": MONTHLY,
            "use_cases": [REPORT_USE_CASE],
            "findings": [],
        }
    )

    tracker: ReportTrackerOut
    as_of: MonthText
    months: list[MonthText]
    definitions: dict[str, str]
    totals: TotalsOut
    not_counted: NotCountedByStatusOut
    monthly: MonthlyOut
    use_cases: list[ReportUseCaseOut]
    findings: list[FindingOut]


# --- portfolio -----------------------------------------------------------------------


class PortfolioTrackerOut(ReportModel):
    model_config = _examples(PORTFOLIO_TRACKER)

    tracker_id: str
    name: str
    customer_id: str
    customer_name: str
    currency: str
    period: PeriodOut
    realized: Money
    projected: Money | None
    projection_covers: ProjectionCoversOut
    cost: Money
    net_roi: RoiFigureOut
    value_multiple: RoiFigureOut
    payback_month: MonthText | None
    payback_reason: str | None


class CurrencyTotalsOut(ReportModel):
    """Sums over the trackers of one currency; currencies are never added together."""

    model_config = _examples(CURRENCY_TOTALS)

    currency: str
    tracker_count: int
    tracker_ids: list[str]
    realized: Money
    projected: Money | None
    projection_covers: ProjectionCoversOut
    cost: Money
    net_roi: RoiFigureOut
    value_multiple: RoiFigureOut


class PortfolioOut(ReportModel):
    model_config = _examples(
        {
            "as_of": "2026-03",
            "customer_id": None,
            "tracker_count": 1,
            "definitions": DEFINITIONS,
            "currencies": [CURRENCY_TOTALS],
            "trackers": [PORTFOLIO_TRACKER],
        }
    )

    as_of: MonthText | None
    customer_id: str | None
    tracker_count: int
    definitions: dict[str, str]
    currencies: list[CurrencyTotalsOut]
    trackers: list[PortfolioTrackerOut]
