"""Example bodies of the report schemas (`reports.schemas`), for the OpenAPI contract.

SPEC 3, worked example V1: the seed's support tracker as of 2026-03. The contract tests
validate every example against its model, so they always show what the API returns.
"""

from __future__ import annotations

from typing import Any

TRACKER_ID = "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
_CUSTOMER_ID = "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"
_USE_CASE_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
_CALCULATION_ID = "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"
MONTHS = ["2026-01", "2026-02", "2026-03"]
BENEFIT = ["21000.00", "30000.00", "58000.00"]
CUMULATIVE = ["21000.00", "51000.00", "109000.00"]
PERIOD: dict[str, Any] = {"start_month": "2026-01", "end_month": "2026-12"}
METRIC: dict[str, Any] = {
    "name": "Avg. tickets handled per day",
    "unit": "tickets/day",
    "baseline": "100",
    "direction": "higher_is_better",
    "target": "150",
}
INPUT_ROW: dict[str, Any] = {
    "key": "reps",
    "name": "# of reps",
    "unit": "reps",
    "values": ["10", "10", "10"],
}
_INPUT_ROWS: list[dict[str, Any]] = [
    INPUT_ROW,
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
    "metric": METRIC,
    "formula": "improvement * reps * cost_per_rep_month",
}
CALCULATION_TABLE: dict[str, Any] = {
    **_CALCULATION_HEADER,
    "has_note": [False, False, True],
    "has_evidence": [False, False, True],
    "metric_values": ["121", "130", "158"],
    "provenance": ["measured", "measured", "measured"],
    "inputs": _INPUT_ROWS,
    "delta": ["21", "30", "58"],
    "improvement": ["0.2100", "0.3000", "0.5800"],
    "benefit": BENEFIT,
    "error": [None, None, None],
    "no_benefit_reason": [None, None, None],
    "cumulative_benefit": CUMULATIVE,
    "total_benefit": "109000.00",
}
USE_CASE_TABLE: dict[str, Any] = {
    "use_case_id": _USE_CASE_ID,
    "name": "Faster ticket handling",
    "status": "active",
    "counted": True,
    "calculations": [CALCULATION_TABLE],
    "benefit": BENEFIT,
    "cumulative_benefit": CUMULATIVE,
    "total_benefit": "109000.00",
}
TABLE_FRAME: dict[str, Any] = {
    "tracker_id": TRACKER_ID,
    "currency": "USD",
    "period": PERIOD,
    "missing_months": "carry_forward",
    "as_of": "2026-03",
    "months": MONTHS,
}
SERIES: list[dict[str, Any]] = [
    {"month": month, "value": value, "provenance": "measured"}
    for month, value in zip(MONTHS, ["121", "130", "158"], strict=True)
]
TREND_DETAIL: dict[str, Any] = {
    "headline": "accelerating",
    "whole_series": "accelerating",
    "recent": "accelerating",
    "recent_months": 3,
    "since": None,
    "since_months": None,
    "summary": "accelerated",
}
VIEW_METRIC: dict[str, Any] = {
    "use_case_id": _USE_CASE_ID,
    "use_case_name": "Faster ticket handling",
    "calculation_id": _CALCULATION_ID,
    "calculation_key": "ticket-handling",
    "calculation_name": "Support cost savings",
    "kind": "cost_savings",
    "metric": METRIC,
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
    "trend_detail": TREND_DETAIL,
    "series": SERIES,
}
TIMELINE: list[dict[str, Any]] = [
    {
        "month": f"2026-{number:02d}",
        "measured": 1 if number <= 3 else 0,
        "metrics": 1,
        "complete": number <= 3,
        "selected": number == 3,
    }
    for number in range(1, 13)
]
NET_ROI: dict[str, Any] = {
    "label": "Net ROI",
    "definition": "(realized benefit - cost) / cost.",
    "value": "5.4118",
    "numerator": "92000.00",
    "denominator": "17000.00",
    "reason": None,
}
VALUE_MULTIPLE: dict[str, Any] = {
    "label": "Value multiple",
    "definition": "realized benefit / cost (the '2x' figure); not the same as net_roi.",
    "value": "6.4118",
    "numerator": "109000.00",
    "denominator": "17000.00",
    "reason": None,
}
DEFINITIONS: dict[str, str] = {
    "net_roi": NET_ROI["definition"],
    "value_multiple": VALUE_MULTIPLE["definition"],
}
PROJECTION_GAP: dict[str, Any] = {"calculation_id": _CALCULATION_ID, "reason": "no_target"}
PROJECTION_COVERS: dict[str, Any] = {
    "calculation_ids": [_CALCULATION_ID],
    "count": 1,
    "calculation_count": 1,
    "complete": True,
    "missing": [],
}
TOTALS: dict[str, Any] = {
    "realized": "109000.00",
    "projected": "75000.00",
    "variance": "34000.00",
    "projection_covers": PROJECTION_COVERS,
    "cost": "17000.00",
    "net_roi": NET_ROI,
    "value_multiple": VALUE_MULTIPLE,
    "payback_month": "2026-01",
    "payback_reason": None,
}
NOT_COUNTED_PART: dict[str, Any] = {"use_case_ids": [], "use_case_count": 0, "realized": "0.00"}
NOT_COUNTED: dict[str, Any] = {"draft": NOT_COUNTED_PART, "inactive": NOT_COUNTED_PART}
_PROJECTED = ["25000.00", "25000.00", "25000.00"]
_VARIANCE = ["-4000.00", "5000.00", "33000.00"]
_CUMULATIVE_PROJECTED = ["25000.00", "50000.00", "75000.00"]
_CUMULATIVE_VARIANCE = ["-4000.00", "1000.00", "34000.00"]
MONTHLY: dict[str, Any] = {
    "realized": BENEFIT,
    "projected": _PROJECTED,
    "variance": _VARIANCE,
    "cumulative_realized": CUMULATIVE,
    "cumulative_projected": _CUMULATIVE_PROJECTED,
    "cumulative_variance": _CUMULATIVE_VARIANCE,
    "cost": ["9000.00", "4000.00", "4000.00"],
    "cumulative_cost": ["9000.00", "13000.00", "17000.00"],
}
# From the same tracker with an estimate for 2026-04 and nothing for 2026-05.
FINDINGS: list[dict[str, Any]] = [
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
RAMP: list[dict[str, Any]] = [
    {"from_month": 1, "share": "0.5000"},
    {"from_month": 4, "share": "1.0000"},
]
SUMMARY: dict[str, Any] = {
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
PROJECTION: dict[str, Any] = {
    "metric_values": ["125.0", "125.0", "125.0"],
    "benefit": _PROJECTED,
    "error": [None, None, None],
    "total_benefit": "75000.00",
}
CALCULATION_TOTALS: dict[str, Any] = {
    "realized": "109000.00",
    "projected": "75000.00",
    "variance": "34000.00",
    "projection_covers": PROJECTION_COVERS,
}
REPORT_CALCULATION: dict[str, Any] = {
    **_CALCULATION_HEADER,
    "ramp": RAMP,
    "summary": SUMMARY,
    "metric_values": ["121", "130", "158"],
    "provenance": ["measured", "measured", "measured"],
    "inputs": _INPUT_ROWS,
    "benefit": BENEFIT,
    "error": [None, None, None],
    "no_benefit_reason": [None, None, None],
    "cumulative_benefit": CUMULATIVE,
    "projection": PROJECTION,
    "variance": _VARIANCE,
    "cumulative_projected": _CUMULATIVE_PROJECTED,
    "cumulative_variance": _CUMULATIVE_VARIANCE,
    "totals": CALCULATION_TOTALS,
    "trend": "accelerating",
    "trend_detail": TREND_DETAIL,
    "findings": [],
}
USE_CASE_MONTHLY: dict[str, Any] = {
    "realized": BENEFIT,
    "projected": _PROJECTED,
    "variance": _VARIANCE,
}
REPORT_USE_CASE: dict[str, Any] = {
    "use_case_id": _USE_CASE_ID,
    "name": "Faster ticket handling",
    "status": "active",
    "counted": True,
    "totals": TOTALS,
    "monthly": USE_CASE_MONTHLY,
    "calculations": [REPORT_CALCULATION],
}
ONE_TIME_FEE: dict[str, Any] = {
    "month": "2026-01",
    "amount": "5000.00",
    "description": "Onboarding",
}
REPORT_TRACKER: dict[str, Any] = {
    "id": TRACKER_ID,
    "name": "Northwind support automation 2026",
    "customer_id": _CUSTOMER_ID,
    "customer_name": "Northwind Support Ltd",
    "currency": "USD",
    "period": PERIOD,
    "missing_months": "carry_forward",
    "recurring_fee_amount": "4000.00",
    "recurring_fee_interval": "month",
    "one_time_fees": [ONE_TIME_FEE],
}
PORTFOLIO_TRACKER: dict[str, Any] = {
    "tracker_id": TRACKER_ID,
    "name": "Northwind support automation 2026",
    "customer_id": _CUSTOMER_ID,
    "customer_name": "Northwind Support Ltd",
    "currency": "USD",
    "period": PERIOD,
    "realized": "109000.00",
    "projected": "75000.00",
    "projection_covers": PROJECTION_COVERS,
    "cost": "17000.00",
    "net_roi": NET_ROI,
    "value_multiple": VALUE_MULTIPLE,
    "payback_month": "2026-01",
    "payback_reason": None,
}
CURRENCY_TOTALS: dict[str, Any] = {
    "currency": "USD",
    "tracker_count": 1,
    "tracker_ids": [TRACKER_ID],
    "realized": "109000.00",
    "projected": "75000.00",
    "projection_covers": PROJECTION_COVERS,
    "cost": "17000.00",
    "net_roi": NET_ROI,
    "value_multiple": VALUE_MULTIPLE,
}
