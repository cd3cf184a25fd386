"""The waterfall, movement bars and ratio series shapes that revenue charts will use:
running totals in Decimal, report subtotals checked, the schema, no URL."""

from __future__ import annotations

import pytest

from tests.api.chart_checks import PNG_SIGNATURE, rows, schema_errors
from valuecalc_api.charts import render
from valuecalc_api.charts.ledger_charts import (
    StepKind,
    WaterfallStep,
    movement_bars,
    ratio_series,
    waterfall,
)
from valuecalc_api.charts.vega import ChartOptions, data_urls

OPTIONS = ChartOptions()

# SPEC 4, R1: the seed's renewal waterfall.
R1 = [
    WaterfallStep("Renewable", "349300.00", StepKind.START),
    WaterfallStep("Churn", "-40000.00", StepKind.CHANGE),
    WaterfallStep("Downsell", "-25300.00", StepKind.CHANGE),
    WaterfallStep("Gross renewed", "284000.00", StepKind.SUBTOTAL),
    WaterfallStep("Upsell", "63200.00", StepKind.CHANGE),
    WaterfallStep("Cross-sell", "0.00", StepKind.CHANGE),
    WaterfallStep("Net renewed", "347200.00", StepKind.SUBTOTAL),
]


def test_the_seeds_waterfall_steps_from_a_decimal_running_total() -> None:
    spec = waterfall(R1, "USD", OPTIONS, title="Renewals", subtitle="Q1 2026")
    assert schema_errors(spec) == []
    assert data_urls(spec) == []
    assert render.png_bytes(spec, 1).startswith(PNG_SIGNATURE)
    steps = [(r["step"], r["start"], r["end"], r["amount_label"], r["kind"]) for r in rows(spec)]
    assert steps == [
        ("Renewable", "0", "349300.00", "$349,300.00", "total"),
        ("Churn", "349300.00", "309300.00", "-$40,000.00", "decrease"),
        ("Downsell", "309300.00", "284000.00", "-$25,300.00", "decrease"),
        ("Gross renewed", "0", "284000.00", "$284,000.00", "total"),
        ("Upsell", "284000.00", "347200.00", "$63,200.00", "increase"),
        ("Cross-sell", "347200.00", "347200.00", "$0.00", "increase"),
        ("Net renewed", "0", "347200.00", "$347,200.00", "total"),
    ]


def test_a_subtotal_the_steps_do_not_add_up_to_is_refused() -> None:
    wrong = [*R1[:3], WaterfallStep("Gross renewed", "284000.01", StepKind.SUBTOTAL)]
    with pytest.raises(ValueError, match=r"add up to 284000\.00, the report says 284000\.01"):
        waterfall(wrong, "USD", OPTIONS, title="Renewals", subtitle="")


def test_movement_bars_carry_the_reports_signed_amounts_and_the_quick_ratio() -> None:
    months = ["2026-01", "2026-02"]
    spec = movement_bars(
        months,
        {
            "New": ["80.00", None],
            "Expansion": ["50.00", "10.00"],
            "Churn": ["-50.00", "0.00"],
            "Contraction": ["-50.00", None],
        },
        "USD",
        OPTIONS,
        title="ARR movements",
        ratio=("Quick ratio", ["1.30", None]),
    )
    assert schema_errors(spec) == []
    drawn = {(r["month"], r["series"]): r["amount"] for r in rows(spec)}
    assert drawn == {
        ("2026-01", "New"): "80.00",
        ("2026-01", "Expansion"): "50.00",
        ("2026-01", "Churn"): "-50.00",
        ("2026-01", "Contraction"): "-50.00",
        ("2026-02", "Expansion"): "10.00",
        ("2026-02", "Churn"): "0.00",
    }
    ratio_layer = spec["layer"][-1]
    assert [r["ratio_label"] for r in ratio_layer["data"]["values"]] == ["Quick ratio 1.30"]


def test_ratio_series_carry_the_ratios_and_write_percents() -> None:
    spec = ratio_series(
        ["2026-01", "2026-02"],
        {"GRR": ["0.8000", "0.8131"], "NRR": ["0.9000", None]},
        OPTIONS,
        title="Retention",
    )
    assert schema_errors(spec) == []
    assert [(r["series"], r["ratio"], r["ratio_label"]) for r in rows(spec)] == [
        ("GRR", "0.8000", "80 %"),
        ("GRR", "0.8131", "81.31 %"),
        ("NRR", "0.9000", "90 %"),
    ]
