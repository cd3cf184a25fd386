"""Chart shapes for scores and distributions (SPEC 5): a score history over bands, and
counts or amounts per category with an optional margin of error. Builders of the health
and experience charts map their report's figures onto these; every number stays the
report's decimal string and every text a server-written label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from valuecalc_api.charts.labels import plain_number
from valuecalc_api.charts.vega import (
    MAX_MONTH_LABELS,
    NEGATIVE,
    REALIZED,
    ChartOptions,
    Row,
    Spec,
    base_spec,
    inline_data,
    tooltip,
)


@dataclass(frozen=True, slots=True)
class Band:
    """A labelled range of the score (e.g. `poor` 0-40), drawn behind the line."""

    label: str
    low: str
    high: str
    color: str


@dataclass(frozen=True, slots=True)
class Point:
    at: str  # a date (YYYY-MM-DD) or a month (YYYY-MM)
    value: str


def score_history(
    points: Sequence[Point],
    bands: Sequence[Band],
    options: ChartOptions,
    *,
    title: str,
    subtitle: str,
) -> Spec:
    """A score over time as a line, over coloured bands; x is ordinal (the given
    dates or months, in the given order)."""
    rows: list[Row] = [
        {"at": p.at, "score": p.value, "description": f"{p.at}: {plain_number(p.value)}"}
        for p in points
    ]
    # At most MAX_MONTH_LABELS labels (every k-th point, from the first): 160 weekly
    # points cannot all be read, and text is most of a render's cost.
    step = -(-len(points) // MAX_MONTH_LABELS) or 1
    x = {
        "field": "at",
        "type": "ordinal",
        "sort": None,
        "title": None,
        "axis": {"labelAngle": -45, "values": [p.at for p in points[::step]]},
    }
    band_layer: Spec = {
        "data": inline_data(
            [{"band": b.label, "low": b.low, "high": b.high} for b in bands], ["low", "high"]
        ),
        "mark": {"type": "rect", "opacity": 0.18},
        "encoding": {
            "y": {"field": "low", "type": "quantitative", "title": None},
            "y2": {"field": "high"},
            "color": {
                "field": "band",
                "type": "nominal",
                "title": None,
                "scale": {"domain": [b.label for b in bands], "range": [b.color for b in bands]},
            },
        },
    }
    line: Spec = {
        "mark": {"type": "line", "point": True, "color": REALIZED, "strokeWidth": 2},
        "encoding": {
            "x": x,
            "y": {"field": "score", "type": "quantitative"},
            "description": {"field": "description"},
            "tooltip": tooltip(("at", "When"), ("description", "Score")),
        },
    }
    spec = base_spec(
        options,
        title=title,
        subtitle=subtitle,
        description=f"Line chart of {title} over bands "
        + ", ".join(f"{b.label} {b.low}-{b.high}" for b in bands)
        + ": "
        + "; ".join(str(r["description"]) for r in rows[-12:])
        + ".",
    )
    return spec | {"data": inline_data(rows, ["score"]), "layer": [band_layer, line]}


@dataclass(frozen=True, slots=True)
class Category:
    label: str
    value: str
    value_label: str
    low: str | None = None  # a margin of error's bounds, when the report gives them
    high: str | None = None


def category_bars(
    categories: Sequence[Category],
    options: ChartOptions,
    *,
    title: str,
    subtitle: str,
    colors: Sequence[str] | None = None,
) -> Spec:
    """One bar per category (in the given order), labelled with the report's text; an
    error bar where the category has a margin of error."""
    rows: list[Row] = [
        {
            "category": c.label,
            "value": c.value,
            "value_label": c.value_label,
            "low": c.low,
            "high": c.high,
            "description": f"{c.label}: {c.value_label}",
        }
        for c in categories
    ]
    labels = [c.label for c in categories]
    x = {
        "field": "category",
        "type": "nominal",
        "sort": None,
        "title": None,
        "axis": {"labelAngle": 0},
    }
    color: dict[str, object] = {"field": "category", "type": "nominal", "legend": None}
    if colors is not None:
        color["scale"] = {"domain": labels, "range": list(colors)}
    layers: list[Spec] = [
        {
            "mark": {"type": "bar"},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative", "title": None},
                "color": color,
                "description": {"field": "description"},
                "tooltip": tooltip(("category", "Category"), ("value_label", "Value")),
            },
        },
        {
            "mark": {"type": "text", "dy": -6, "baseline": "bottom"},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative"},
                "text": {"field": "value_label"},
            },
        },
    ]
    if any(c.low is not None and c.high is not None for c in categories):
        layers.append(
            {
                "transform": [{"filter": "isValid(datum.low) && isValid(datum.high)"}],
                "mark": {"type": "errorbar", "ticks": True, "color": NEGATIVE},
                "encoding": {
                    "x": x,
                    "y": {"field": "low", "type": "quantitative"},
                    "y2": {"field": "high"},
                },
            }
        )
    spec = base_spec(
        options,
        title=title,
        subtitle=subtitle,
        description=f"Bar chart of {title}: "
        + "; ".join(str(r["description"]) for r in rows)
        + ".",
    )
    return spec | {"data": inline_data(rows, ["value", "low", "high"]), "layer": layers}
