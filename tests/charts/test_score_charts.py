"""The score-history and category-bar shapes the health and experience charts use."""

from __future__ import annotations

from tests.api.chart_checks import PNG_SIGNATURE, rows, schema_errors
from valuecalc_api.charts import render
from valuecalc_api.charts.score_charts import Band, Category, Point, category_bars, score_history
from valuecalc_api.charts.vega import NEGATIVE, POSITIVE, PROJECTED, ChartOptions, data_urls

OPTIONS = ChartOptions()


def test_a_score_history_over_its_bands() -> None:
    spec = score_history(
        [Point("2026-01", "62.5"), Point("2026-02", "71"), Point("2026-03", "38.25")],
        [
            Band("poor", "0", "40", NEGATIVE),
            Band("fair", "40", "70", PROJECTED),
            Band("good", "70", "100", POSITIVE),
        ],
        OPTIONS,
        title="Health score",
        subtitle="Northwind, Q1 2026",
    )
    assert schema_errors(spec) == []
    assert data_urls(spec) == []
    assert [r["score"] for r in rows(spec)] == ["62.5", "71", "38.25"]
    assert render.png_bytes(spec, 1).startswith(PNG_SIGNATURE)


def test_category_bars_with_a_margin_of_error() -> None:
    spec = category_bars(
        [
            Category("Detractors", "12", "12 (24 %)"),
            Category("Passives", "18", "18 (36 %)"),
            Category("Promoters", "20", "20 (40 %)"),
            Category("NPS", "16", "+16 ± 21.4", low="-5.4", high="37.4"),
        ],
        OPTIONS,
        title="NPS answers",
        subtitle="50 answers, Q1 2026",
    )
    assert schema_errors(spec) == []
    assert [(r["category"], r["value"], r["low"]) for r in rows(spec)][-1] == (
        "NPS",
        "16",
        "-5.4",
    )
    assert render.svg_text(spec).startswith("<svg")
