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

from valuecalc_api.fields import MonthText

Money = str
Ratio = str
Exact = str  # a measured value, input or delta, exactly as recorded
Provenance = Literal["measured", "estimate", "carried", "none"]


class ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- examples (SPEC 3, worked example V1: the seed's support tracker as of 2026-03) ----------

_TRACKER_ID = "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
_CUSTOMER_ID = "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"
_USE_CASE_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
_CALCULATION_ID = "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"
_MONTHS = ["2026-01", "2026-02", "2026-03"]
_BENEFIT = ["21000.00", "30000.00", "58000.00"]
_CUMULATIVE = ["21000.00", "51000.00", "109000.00"]
_PERIOD: dict[str, Any] = {"start_month": "2026-01", "end_month": "2026-12"}
_METRIC: dict[str, Any] = {
    "name": "Avg. tickets handled per day",
    "unit": "tickets/day",
    "baseline": "100",
    "direction": "higher_is_better",
    "target": "150",
}
_INPUT_ROW: dict[str, Any] = {
    "key": "reps",
    "name": "# of reps",
    "unit": "reps",
    "values": ["10", "10", "10"],
}
_INPUT_ROWS: list[dict[str, Any]] = [
    _INPUT_ROW,
    {
        "key": "cost_per_rep_month",
        "name": "Cost per rep per month",
        "unit": "USD/month",
        "values": ["10000", "10000", "10000"],
    },
]
_CALCULATION_HEADER: dict[str, Any] = {
    "calculation_id": _CALCULATION_ID,
    "key": "ticket-handling",
    "name": "Support cost savings",
    "kind": "cost_savings",
    "metric": _METRIC,
    "formula": "improvement * reps * cost_per_rep_month",
}
_CALCULATION_TABLE: dict[str, Any] = {
    **_CALCULATION_HEADER,
    "has_note": [False, False, True],
    "has_evidence": [False, False, True],
    "metric_values": ["121", "130", "158"],
    "provenance": ["measured", "measured", "measured"],
    "inputs": _INPUT_ROWS,
    "delta": ["21", "30", "58"],
    "improvement": ["0.2100", "0.3000", "0.5800"],
    "benefit": _BENEFIT,
    "error": [None, None, None],
    "no_benefit_reason": [None, None, None],
    "cumulative_benefit": _CUMULATIVE,
    "total_benefit": "109000.00",
}
_USE_CASE_TABLE: dict[str, Any] = {
    "use_case_id": _USE_CASE_ID,
    "name": "Faster ticket handling",
    "status": "active",
    "counted": True,
    "calculations": [_CALCULATION_TABLE],
    "benefit": _BENEFIT,
    "cumulative_benefit": _CUMULATIVE,
    "total_benefit": "109000.00",
}
_TABLE_FRAME: dict[str, Any] = {
    "tracker_id": _TRACKER_ID,
    "currency": "USD",
    "period": _PERIOD,
    "missing_months": "carry_forward",
    "as_of": "2026-03",
    "months": _MONTHS,
}
_SERIES: list[dict[str, Any]] = [
    {"month": month, "value": value, "provenance": "measured"}
    for month, value in zip(_MONTHS, ["121", "130", "158"], strict=True)
]
_VIEW_METRIC: dict[str, Any] = {
    "use_case_id": _USE_CASE_ID,
    "use_case_name": "Faster ticket handling",
    "calculation_id": _CALCULATION_ID,
    "calculation_key": "ticket-handling",
    "calculation_name": "Support cost savings",
    "kind": "cost_savings",
    "metric": _METRIC,
    "value": "158",
    "provenance": "measured",
    "measured_in": "2026-03",
    "source": "manual",
    "delta": "58",
    "improvement": "0.5800",
    "benefit": "58000.00",
    "error": None,
    "no_benefit_reason": None,
    "has_note": True,
    "has_evidence": False,
    "trend": "accelerating",
    "series": _SERIES,
}
_TIMELINE: list[dict[str, Any]] = [
    {
        "month": f"2026-{number:02d}",
        "measured": 1 if number <= 3 else 0,
        "metrics": 1,
        "complete": number <= 3,
        "selected": number == 3,
    }
    for number in range(1, 13)
]
_NET_ROI: dict[str, Any] = {
    "label": "Net ROI",
    "definition": "(realized benefit - cost) / cost.",
    "value": "5.4118",
    "numerator": "92000.00",
    "denominator": "17000.00",
    "reason": None,
}
_VALUE_MULTIPLE: dict[str, Any] = {
    "label": "Value multiple",
    "definition": "realized benefit / cost (the '2x' figure); not the same as net_roi.",
    "value": "6.4118",
    "numerator": "109000.00",
    "denominator": "17000.00",
    "reason": None,
}
_DEFINITIONS: dict[str, str] = {
    "net_roi": _NET_ROI["definition"],
    "value_multiple": _VALUE_MULTIPLE["definition"],
}
_TOTALS: dict[str, Any] = {
    "realized": "109000.00",
    "projected": "75000.00",
    "variance": "34000.00",
    "projection_incomplete": [],
    "cost": "17000.00",
    "net_roi": _NET_ROI,
    "value_multiple": _VALUE_MULTIPLE,
    "payback_month": "2026-01",
    "payback_reason": None,
}
_PROJECTED = ["25000.00", "25000.00", "25000.00"]
_VARIANCE = ["-4000.00", "5000.00", "33000.00"]
_CUMULATIVE_PROJECTED = ["25000.00", "50000.00", "75000.00"]
_CUMULATIVE_VARIANCE = ["-4000.00", "1000.00", "34000.00"]
_MONTHLY: dict[str, Any] = {
    "realized": _BENEFIT,
    "projected": _PROJECTED,
    "variance": _VARIANCE,
    "cumulative_realized": _CUMULATIVE,
    "cumulative_projected": _CUMULATIVE_PROJECTED,
    "cumulative_variance": _CUMULATIVE_VARIANCE,
    "cost": ["9000.00", "4000.00", "4000.00"],
    "cumulative_cost": ["9000.00", "13000.00", "17000.00"],
}
# From the same tracker with an estimate for 2026-04 and nothing for 2026-05.
_FINDINGS: list[dict[str, Any]] = [
    {
        "kind": "estimate_without_note",
        "use_case_id": _USE_CASE_ID,
        "calculation_id": _CALCULATION_ID,
        "calculation_name": "Support cost savings",
        "month": "2026-04",
        "detail": "2026-04 is an estimate without a note saying how it was estimated.",
        "value": "160",
        "score": None,
    },
    {
        "kind": "missing_month",
        "use_case_id": _USE_CASE_ID,
        "calculation_id": _CALCULATION_ID,
        "calculation_name": "Support cost savings",
        "month": "2026-05",
        "detail": "2026-05 has no measurement of its own.",
        "value": None,
        "score": None,
    },
]
_RAMP: list[dict[str, Any]] = [
    {"from_month": 1, "share": "0.5000"},
    {"from_month": 4, "share": "1.0000"},
]
_SUMMARY: dict[str, Any] = {
    "months": 3,
    "measured": 3,
    "estimated": 0,
    "carried": 0,
    "without_value": 0,
    "failed": 0,
    "latest_value": "158",
    "latest_improvement": "0.5800",
    "total_benefit": "109000.00",
}
_PROJECTION: dict[str, Any] = {
    "metric_values": ["125.0", "125.0", "125.0"],
    "benefit": _PROJECTED,
    "error": [None, None, None],
    "total_benefit": "75000.00",
}
_CALCULATION_TOTALS: dict[str, Any] = {
    "realized": "109000.00",
    "projected": "75000.00",
    "variance": "34000.00",
    "projection_incomplete": False,
}
_REPORT_CALCULATION: dict[str, Any] = {
    **_CALCULATION_HEADER,
    "ramp": _RAMP,
    "summary": _SUMMARY,
    "metric_values": ["121", "130", "158"],
    "provenance": ["measured", "measured", "measured"],
    "inputs": _INPUT_ROWS,
    "realized": _BENEFIT,
    "benefit_note": [None, None, None],
    "cumulative_realized": _CUMULATIVE,
    "projection": _PROJECTION,
    "variance": _VARIANCE,
    "cumulative_projected": _CUMULATIVE_PROJECTED,
    "cumulative_variance": _CUMULATIVE_VARIANCE,
    "totals": _CALCULATION_TOTALS,
    "trend": "accelerating",
    "findings": [],
}
_USE_CASE_MONTHLY: dict[str, Any] = {
    "realized": _BENEFIT,
    "projected": _PROJECTED,
    "variance": _VARIANCE,
}
_REPORT_USE_CASE: dict[str, Any] = {
    "use_case_id": _USE_CASE_ID,
    "name": "Faster ticket handling",
    "status": "active",
    "counted": True,
    "totals": _TOTALS,
    "monthly": _USE_CASE_MONTHLY,
    "calculations": [_REPORT_CALCULATION],
}
_ONE_TIME_FEE: dict[str, Any] = {
    "month": "2026-01",
    "amount": "5000.00",
    "description": "Onboarding",
}
_FEES: dict[str, Any] = {
    "recurring_amount": "4000.00",
    "recurring_interval": "month",
    "one_time": [_ONE_TIME_FEE],
}
_REPORT_TRACKER: dict[str, Any] = {
    "id": _TRACKER_ID,
    "name": "Northwind support automation 2026",
    "customer_id": _CUSTOMER_ID,
    "customer_name": "Northwind Support Ltd",
    "currency": "USD",
    "period": _PERIOD,
    "missing_months": "carry_forward",
    "fees": _FEES,
}
_PORTFOLIO_TRACKER: dict[str, Any] = {
    "tracker_id": _TRACKER_ID,
    "name": "Northwind support automation 2026",
    "customer_id": _CUSTOMER_ID,
    "customer_name": "Northwind Support Ltd",
    "currency": "USD",
    "period": _PERIOD,
    "realized": "109000.00",
    "projected": "75000.00",
    "projection_incomplete": [],
    "cost": "17000.00",
    "net_roi": _NET_ROI,
    "value_multiple": _VALUE_MULTIPLE,
    "payback_month": "2026-01",
    "payback_reason": None,
}
_CURRENCY_TOTALS: dict[str, Any] = {
    "currency": "USD",
    "tracker_count": 1,
    "tracker_ids": [_TRACKER_ID],
    "realized": "109000.00",
    "projected": "75000.00",
    "cost": "17000.00",
    "net_roi": _NET_ROI,
    "value_multiple": _VALUE_MULTIPLE,
}


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [*examples]})


class PeriodOut(ReportModel):
    model_config = _examples(_PERIOD)

    start_month: MonthText
    end_month: MonthText


class MetricOut(ReportModel):
    model_config = _examples(_METRIC)

    name: str
    unit: str
    baseline: Exact
    direction: Literal["higher_is_better", "lower_is_better"]
    target: Exact | None


class InputRowOut(ReportModel):
    model_config = _examples(_INPUT_ROW)

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
    model_config = _examples(_CALCULATION_TABLE)

    calculation_id: str
    key: str
    name: str
    kind: str
    metric: MetricOut
    formula: str


class UseCaseTableOut(ReportModel):
    """`counted` is false for draft and inactive use cases: shown, not in the totals."""

    model_config = _examples(_USE_CASE_TABLE)

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
            **_TABLE_FRAME,
            "use_cases": [_USE_CASE_TABLE],
            "benefit": _BENEFIT,
            "cumulative_benefit": _CUMULATIVE,
            "total_benefit": "109000.00",
        }
    )

    use_cases: list[UseCaseTableOut]
    benefit: list[Money]
    cumulative_benefit: list[Money]
    total_benefit: Money


class UseCaseTableResponse(TableFrame):
    model_config = _examples({**_TABLE_FRAME, "use_case": _USE_CASE_TABLE})

    use_case: UseCaseTableOut


# --- Measurements tab ----------------------------------------------------------------


class SeriesPoint(ReportModel):
    model_config = _examples(_SERIES[-1])

    month: MonthText
    value: Exact | None
    provenance: Provenance


class ViewMetricOut(ReportModel):
    model_config = _examples(_VIEW_METRIC)

    use_case_id: str
    use_case_name: str
    calculation_id: str
    calculation_key: str
    calculation_name: str
    kind: str
    metric: MetricOut
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
    trend: str
    series: list[SeriesPoint]


class TimelineMonth(ReportModel):
    model_config = _examples(_TIMELINE[2])

    month: MonthText
    measured: int
    metrics: int
    complete: bool
    selected: bool


class MeasurementsViewOut(ReportModel):
    model_config = _examples(
        {
            "tracker_id": _TRACKER_ID,
            "tracker_name": "Northwind support automation 2026",
            "currency": "USD",
            "period": _PERIOD,
            "missing_months": "carry_forward",
            "month": "2026-03",
            "benefit": "58000.00",
            "timeline": _TIMELINE,
            "metrics": [_VIEW_METRIC],
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

    model_config = _examples(_NET_ROI, _VALUE_MULTIPLE)

    label: str
    definition: str
    value: Ratio | None
    numerator: Money
    denominator: Money
    reason: str | None


class TotalsOut(ReportModel):
    model_config = _examples(_TOTALS)

    realized: Money
    projected: Money
    variance: Money
    projection_incomplete: list[str]
    cost: Money
    net_roi: RoiFigureOut
    value_multiple: RoiFigureOut
    payback_month: MonthText | None
    payback_reason: str | None


class MonthlyOut(ReportModel):
    model_config = _examples(_MONTHLY)

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

    model_config = _examples(*_FINDINGS)

    kind: str
    use_case_id: str
    calculation_id: str
    calculation_name: str
    month: MonthText
    detail: str
    value: Exact | None
    score: str | None


class RampStepOut(ReportModel):
    model_config = _examples(_RAMP[0])

    from_month: int
    share: Ratio


class TableSummaryOut(ReportModel):
    """Months by provenance up to as_of, months whose formula failed, the latest value."""

    model_config = _examples(_SUMMARY)

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
    model_config = _examples(_PROJECTION)

    metric_values: list[Exact]
    benefit: list[Money | None]
    error: list[str | None]
    total_benefit: Money


class CalculationTotalsOut(ReportModel):
    model_config = _examples(_CALCULATION_TOTALS)

    realized: Money
    projected: Money
    variance: Money
    projection_incomplete: bool


class ReportCalculationOut(ReportModel):
    """One calculation of the report. Per month: the metric in effect and its provenance,
    the inputs in effect, the realized benefit (`benefit_note`: the error code or the
    reason when there is none), the projection and the variance, each with cumulative
    sums. `projection` is null without a target."""

    model_config = _examples(_REPORT_CALCULATION)

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
    model_config = _examples(_USE_CASE_MONTHLY)

    realized: list[Money]
    projected: list[Money | None]
    variance: list[Money | None]


class ReportUseCaseOut(ReportModel):
    """`totals` compare the use case's benefit with the whole contract's cost."""

    model_config = _examples(_REPORT_USE_CASE)

    use_case_id: str
    name: str
    status: Literal["draft", "active", "inactive"]
    counted: bool
    totals: TotalsOut
    monthly: UseCaseMonthlyOut
    calculations: list[ReportCalculationOut]


class OneTimeFeeOut(ReportModel):
    model_config = _examples(_ONE_TIME_FEE)

    month: MonthText
    amount: Money
    description: str


class FeesOut(ReportModel):
    model_config = _examples(_FEES)

    recurring_amount: Money
    recurring_interval: Literal["month", "year"]
    one_time: list[OneTimeFeeOut]


class ReportTrackerOut(ReportModel):
    model_config = _examples(_REPORT_TRACKER)

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

    model_config = _examples(
        {
            "tracker": _REPORT_TRACKER,
            "as_of": "2026-03",
            "months": _MONTHS,
            "definitions": _DEFINITIONS,
            "totals": _TOTALS,
            "monthly": _MONTHLY,
            "use_cases": [_REPORT_USE_CASE],
            "findings": [],
        }
    )

    tracker: ReportTrackerOut
    as_of: MonthText
    months: list[MonthText]
    definitions: dict[str, str]
    totals: TotalsOut
    monthly: MonthlyOut
    use_cases: list[ReportUseCaseOut]
    findings: list[FindingOut]


# --- portfolio -----------------------------------------------------------------------


class PortfolioTrackerOut(ReportModel):
    model_config = _examples(_PORTFOLIO_TRACKER)

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
    payback_month: MonthText | None
    payback_reason: str | None


class CurrencyTotalsOut(ReportModel):
    """Sums over the trackers of one currency; currencies are never added together."""

    model_config = _examples(_CURRENCY_TOTALS)

    currency: str
    tracker_count: int
    tracker_ids: list[str]
    realized: Money
    projected: Money
    cost: Money
    net_roi: RoiFigureOut
    value_multiple: RoiFigureOut


class PortfolioOut(ReportModel):
    model_config = _examples(
        {
            "as_of": "2026-03",
            "customer_id": None,
            "tracker_count": 1,
            "definitions": _DEFINITIONS,
            "currencies": [_CURRENCY_TOTALS],
            "trackers": [_PORTFOLIO_TRACKER],
        }
    )

    as_of: MonthText | None
    customer_id: str | None
    tracker_count: int
    definitions: dict[str, str]
    currencies: list[CurrencyTotalsOut]
    trackers: list[PortfolioTrackerOut]
