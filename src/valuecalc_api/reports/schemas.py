"""Response bodies of the reports, for the OpenAPI contract (SPEC 6).

The routes build these bodies as plain JSON-ready dicts (every decimal already a string)
and serialize them in one pass, because a tracker report holds tens of thousands of
cells; tests validate each body against these models so contract and code agree.
Money strings are rounded to the currency's minor unit, ratios to 4 decimals. Columns
(`list`s) are aligned with the payload's `months`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Money = str
Ratio = str
Exact = str  # a measured value, input or delta, exactly as recorded
Provenance = Literal["measured", "estimate", "carried", "none"]


class ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PeriodOut(ReportModel):
    start_month: str
    end_month: str


class MetricOut(ReportModel):
    name: str
    unit: str
    baseline: Exact
    direction: Literal["higher_is_better", "lower_is_better"]
    target: Exact | None


class InputRowOut(ReportModel):
    key: str
    name: str
    unit: str
    values: list[Exact]


class CalculationRows(ReportModel):
    """A calculation's table rows. `error` (the formula failed that month) or
    `no_benefit_reason` (`no_measurement`, `carried_month_no_benefit`) say why a
    month's `benefit` is null."""

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
    calculation_id: str
    key: str
    name: str
    kind: str
    metric: MetricOut
    formula: str


class UseCaseTableOut(ReportModel):
    """`counted` is false for draft and inactive use cases: shown, not in the totals."""

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
    as_of: str
    months: list[str]


class TrackerTableOut(TableFrame):
    """The measurement tables of all use cases; `benefit` sums the active ones only."""

    use_cases: list[UseCaseTableOut]
    benefit: list[Money]
    cumulative_benefit: list[Money]
    total_benefit: Money


class UseCaseTableResponse(TableFrame):
    use_case: UseCaseTableOut


# --- Measurements tab ----------------------------------------------------------------


class SeriesPoint(ReportModel):
    month: str
    value: Exact | None
    provenance: Provenance


class ViewMetricOut(ReportModel):
    use_case_id: str
    use_case_name: str
    calculation_id: str
    calculation_key: str
    calculation_name: str
    kind: str
    metric: MetricOut
    value: Exact | None
    provenance: Provenance
    measured_in: str | None
    source: str | None
    delta: Exact | None
    improvement: Ratio | None
    benefit: Money | None
    error: str | None
    no_benefit_reason: str | None
    has_note: bool
    has_evidence: bool
    trend: str
    series: list[SeriesPoint]


class TimelineMonth(ReportModel):
    month: str
    measured: int
    metrics: int
    complete: bool
    selected: bool


class MeasurementsViewOut(ReportModel):
    tracker_id: str
    tracker_name: str
    currency: str
    period: PeriodOut
    missing_months: Literal["carry_forward", "no_benefit"]
    month: str
    benefit: Money
    timeline: list[TimelineMonth]
    metrics: list[ViewMetricOut]


# --- tracker report ------------------------------------------------------------------


class RoiFigureOut(ReportModel):
    """A ratio with what it was computed from; `value` null (with `reason`) when undefined."""

    label: str
    definition: str
    value: Ratio | None
    numerator: Money
    denominator: Money
    reason: str | None


class TotalsOut(ReportModel):
    realized: Money
    projected: Money
    variance: Money
    projection_incomplete: list[str]
    cost: Money
    net_roi: RoiFigureOut
    value_multiple: RoiFigureOut
    payback_month: str | None
    payback_reason: str | None


class MonthlyOut(ReportModel):
    realized: list[Money]
    projected: list[Money | None]
    variance: list[Money | None]
    cumulative_realized: list[Money]
    cumulative_projected: list[Money]
    cumulative_variance: list[Money]
    cost: list[Money]
    cumulative_cost: list[Money]


class FindingOut(ReportModel):
    """Something a reviewer must look at before a QBR (SPEC 3 "data-quality review")."""

    kind: str
    use_case_id: str
    calculation_id: str
    calculation_name: str
    month: str
    detail: str
    value: Exact | None
    score: str | None


class RampStepOut(ReportModel):
    from_month: int
    share: Ratio


class TableSummaryOut(ReportModel):
    """Months by provenance up to as_of, months whose formula failed, the latest value."""

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
    metric_values: list[Exact]
    benefit: list[Money | None]
    error: list[str | None]
    total_benefit: Money


class CalculationTotalsOut(ReportModel):
    realized: Money
    projected: Money
    variance: Money
    projection_incomplete: bool


class ReportCalculationOut(ReportModel):
    """One calculation of the report. Per month: the metric in effect and its provenance,
    the inputs in effect, the realized benefit (`benefit_note`: the error code or the
    reason when there is none), the projection and the variance, each with cumulative
    sums. `projection` is null without a target."""

    calculation_id: str
    key: str
    name: str
    kind: str
    metric: MetricOut
    formula: str
    ramp: list[RampStepOut]
    summary: TableSummaryOut
    metric_values: list[Exact | None]
    provenance: list[Provenance]
    inputs: list[InputRowOut]
    realized: list[Money | None]
    benefit_note: list[str | None]
    cumulative_realized: list[Money]
    projection: ProjectionOut | None
    variance: list[Money | None]
    cumulative_projected: list[Money]
    cumulative_variance: list[Money]
    totals: CalculationTotalsOut
    trend: str
    findings: list[FindingOut]


class UseCaseMonthlyOut(ReportModel):
    realized: list[Money]
    projected: list[Money | None]
    variance: list[Money | None]


class ReportUseCaseOut(ReportModel):
    """`totals` compare the use case's benefit with the whole contract's cost."""

    use_case_id: str
    name: str
    status: Literal["draft", "active", "inactive"]
    counted: bool
    totals: TotalsOut
    monthly: UseCaseMonthlyOut
    calculations: list[ReportCalculationOut]


class OneTimeFeeOut(ReportModel):
    month: str
    amount: Money
    description: str


class FeesOut(ReportModel):
    recurring_amount: Money
    recurring_interval: Literal["month", "year"]
    one_time: list[OneTimeFeeOut]


class ReportTrackerOut(ReportModel):
    id: str
    name: str
    customer_id: str
    customer_name: str
    currency: str
    period: PeriodOut
    missing_months: Literal["carry_forward", "no_benefit"]
    fees: FeesOut


class TrackerReportOut(ReportModel):
    """Everything a QBR needs as of `as_of`: totals and ROI of the active use cases, every
    use case and calculation with its table and projection, and the findings to review."""

    tracker: ReportTrackerOut
    as_of: str
    months: list[str]
    definitions: dict[str, str]
    totals: TotalsOut
    monthly: MonthlyOut
    use_cases: list[ReportUseCaseOut]
    findings: list[FindingOut]


# --- portfolio -----------------------------------------------------------------------


class PortfolioTrackerOut(ReportModel):
    tracker_id: str
    name: str
    customer_id: str
    customer_name: str
    currency: str
    period: PeriodOut
    realized: Money
    projected: Money
    projection_incomplete: list[str]
    cost: Money
    net_roi: RoiFigureOut
    value_multiple: RoiFigureOut
    payback_month: str | None
    payback_reason: str | None


class CurrencyTotalsOut(ReportModel):
    """Sums over the trackers of one currency; currencies are never added together."""

    currency: str
    tracker_count: int
    tracker_ids: list[str]
    realized: Money
    projected: Money
    cost: Money
    net_roi: RoiFigureOut
    value_multiple: RoiFigureOut


class PortfolioOut(ReportModel):
    as_of: str | None
    customer_id: str | None
    tracker_count: int
    definitions: dict[str, str]
    currencies: list[CurrencyTotalsOut]
    trackers: list[PortfolioTrackerOut]
