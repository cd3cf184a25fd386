"""Rendering once per spec: the render cache keeps a chart's output by the digest of the
exact spec, so an unchanged chart is not drawn again, and any change of figure, form or
scale is drawn anew."""

from __future__ import annotations

import copy

from tests.api.chart_checks import PNG_SIGNATURE, png_size
from valuecalc_api.charts import render
from valuecalc_api.charts.score_charts import Category, category_bars
from valuecalc_api.charts.vega import ChartOptions


def _spec(value: str) -> dict[str, object]:
    return category_bars(
        [Category("Red", value, value), Category("Green", "3", "3")],
        ChartOptions(width=300, height=200),
        title="Pulse by customers",
        subtitle="As of 2026-03-31",
    )


def test_an_unchanged_spec_is_rendered_once_and_a_changed_one_again() -> None:
    render.RENDERS.clear()
    first = render.svg_text(_spec("1"))
    assert len(render.RENDERS._entries) == 1
    assert render.svg_text(copy.deepcopy(_spec("1"))) == first
    assert len(render.RENDERS._entries) == 1
    changed = render.svg_text(_spec("2"))
    assert changed != first
    assert len(render.RENDERS._entries) == 2
    png = render.png_bytes(_spec("1"), 2)
    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png) == (600, 400)
    assert png_size(render.png_bytes(_spec("1"), 1)) == (300, 200)
    assert len(render.RENDERS._entries) == 4


def test_the_cache_keeps_at_most_its_limit_least_recently_used_out_first() -> None:
    cache = render.RenderCache(10)
    cache.put("a", b"1234")
    cache.put("b", b"5678")
    assert cache.get("a") == b"1234"  # now the most recently used
    cache.put("c", b"90ab")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"1234", None, b"90ab")
    cache.put("huge", b"x" * 11)
    assert cache.get("huge") is None
