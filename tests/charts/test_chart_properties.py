"""Invariants of the chart builders and the renewal pack's story over random trackers
(no database: the report payload is built as the report endpoint builds it).

- A chart's data are the report's figures, digit for digit, and each label writes the
  same number as its figure.
- Every spec validates against the Vega-Lite v5 schema and names no URL.
- The pack's story quotes the report's figures.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.api.chart_checks import rows, schema_errors
from tests.strategies import trackers
from valuecalc_api.charts import value_charts
from valuecalc_api.charts.labels import money_label, percent_label
from valuecalc_api.charts.use_case_charts import use_case_trend
from valuecalc_api.charts.vega import ChartOptions, data_urls
from valuecalc_api.renewal_pack.document import PackCharts, pack_html
from valuecalc_api.renewal_pack.story import pack_story
from valuecalc_api.reports.loading import LoadedTracker
from valuecalc_api.reports.report_payload import portfolio_payload, tracker_report_payload
from valuecalc_core.report import portfolio_report, tracker_report
from valuecalc_core.tracker_model import TrackerSpec

OPTIONS = ChartOptions()
# Validating against the 1.8 MB Vega-Lite schema takes ~0.1 s a spec: fewer examples.
SCHEMA_CHECKED = settings(max_examples=25)


def _loaded(spec: TrackerSpec) -> LoadedTracker:
    keys = {c.id: c.id for u in spec.use_cases for c in u.calculations}
    return LoadedTracker(spec, "c-1", "Customer", keys)


def _report(spec: TrackerSpec) -> dict[str, Any]:
    return tracker_report_payload(tracker_report(spec, spec.period.last), _loaded(spec))


def _label_number(label: str, currency: str) -> Decimal:
    """The number a money label writes ('-$1,500.00' -> -1500.00)."""
    sign = -1 if label.startswith("-") else 1
    digits = label.lstrip("-").lstrip("$€£¥").removeprefix(f"{currency} ").replace(",", "")
    return sign * Decimal(digits)


def _checked(spec: dict[str, Any]) -> None:
    assert schema_errors(spec) == []
    assert data_urls(spec) == []


@given(trackers())
@SCHEMA_CHECKED
def test_money_charts_carry_the_reports_figures(spec: TrackerSpec) -> None:
    report = _report(spec)
    currency = spec.currency
    months = report["months"]
    monthly = report["monthly"]
    charts = [
        (
            value_charts.realized_vs_projected(report, OPTIONS, cumulative=False),
            {"Realized": "realized", "Projected": "projected"},
        ),
        (
            value_charts.realized_vs_projected(report, OPTIONS, cumulative=True),
            {"Realized": "cumulative_realized", "Projected": "cumulative_projected"},
        ),
        (
            value_charts.benefit_vs_cost(report, OPTIONS),
            {"Cumulative benefit": "cumulative_realized", "Cumulative cost": "cumulative_cost"},
        ),
    ]
    for chart, columns in charts:
        _checked(chart)
        for name, column in columns.items():
            drawn = {r["month"]: r["amount"] for r in rows(chart) if r["series"] == name}
            expected = {m: v for m, v in zip(months, monthly[column], strict=True) if v is not None}
            assert drawn == expected
        for row in rows(chart):
            assert _label_number(row["amount_label"], currency) == Decimal(row["amount"])


@given(trackers())
@SCHEMA_CHECKED
def test_metric_trends_carry_each_calculations_values(spec: TrackerSpec) -> None:
    report = _report(spec)
    months = report["months"]
    marks = ([False] * len(months), [True] * len(months))
    for use_case in report["use_cases"]:
        for calculation in use_case["calculations"]:
            chart = value_charts.metric_trend(calculation, months, marks, OPTIONS)
            _checked(chart)
            assert [r["value"] for r in rows(chart)] == calculation["metric_values"]
            assert {r["marked"] for r in rows(chart)} == {"evidence"}
        _checked(use_case_trend(use_case, months, {}, OPTIONS))


@given(st.lists(trackers(currency="EUR"), min_size=1, max_size=3))
@SCHEMA_CHECKED
def test_the_portfolio_chart_adds_each_customers_trackers(specs: list[TrackerSpec]) -> None:
    renamed = [
        TrackerSpec(f"t{i}", s.name, s.currency, s.period, s.fees, s.use_cases, s.missing_months)
        for i, s in enumerate(specs)
    ]
    loaded = [LoadedTracker(s, f"c{i % 2}", f"Customer {i % 2}", {}) for i, s in enumerate(renamed)]
    as_of = max(s.period.last for s in renamed)
    payload = portfolio_payload(portfolio_report(renamed, as_of), loaded, None)
    chart = value_charts.realized_by_customer(payload, "EUR", OPTIONS)
    _checked(chart)
    for row in rows(chart):
        customer = row["customer"]
        total = sum(
            (Decimal(t["realized"]) for t in payload["trackers"] if t["customer_name"] == customer),
            Decimal(0),
        )
        assert Decimal(row["amount"]) == total
        assert row["amount_label"] == money_label(row["amount"], "EUR")


@given(trackers())
def test_the_pack_quotes_the_reports_figures(spec: TrackerSpec) -> None:
    report = _report(spec)
    story = pack_story(report)
    figures = {f.label: f.value for f in story.figures}
    assert figures["Total realized benefit"] == money_label(
        report["totals"]["realized"], spec.currency
    )
    assert figures["Cost"] == money_label(report["totals"]["cost"], spec.currency)
    net_roi = report["totals"]["net_roi"]["value"]
    if net_roi is not None:
        assert figures["Net ROI"] == percent_label(net_roi)
    assert [u.use_case_id for u in story.use_cases] == [
        u["use_case_id"] for u in report["use_cases"] if u["counted"]
    ]
    charts = PackCharts(
        "<svg></svg>", "<svg></svg>", {u.use_case_id: "<svg/>" for u in story.use_cases}
    )
    html = pack_html(story, charts, ([], 0), {})
    assert f'<h1 class="headline">{escape(story.headline)}</h1>' in html
    assert html.count('<section class="use-case"') == len(story.use_cases)


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False))
def test_a_percent_label_writes_its_ratio(ratio: Decimal) -> None:
    text = percent_label(format(ratio, "f"))
    assert Decimal(text.removesuffix(" %")) / 100 == ratio
