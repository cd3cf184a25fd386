"""What every chart's Vega-Lite spec shares: its options, theme, inline data and marks.

A spec is a plain dict (JSON) built here on the server. Its data is inline
(`data.values`): never a URL, so neither a client drawing it nor our renderer fetches
anything. Figures travel as the report's decimal strings; `data.format.parse` tells the
renderer to read them as numbers for placing marks, and every text shown comes from a
`*_label` field written on the server.

`autosize: fit` makes the whole picture (axes, legend and title included) exactly
`width` x `height` pixels, so a PNG at `scale` s is (width * s) x (height * s).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

import vl_convert

# The Vega-Lite version the specs are written for and rendered with (its v5 schema).
VEGA_LITE_VERSION = "5.20"
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.20.json"

Spec = dict[str, Any]
Row = dict[str, Any]

MIN_WIDTH, MAX_WIDTH, DEFAULT_WIDTH = 200, 2400, 720
MIN_HEIGHT, MAX_HEIGHT, DEFAULT_HEIGHT = 150, 1600, 360
MIN_SCALE, MAX_SCALE, DEFAULT_SCALE = 1, 4, 1
# No rendered side longer than this many pixels (width * scale, height * scale).
MAX_PIXELS_PER_SIDE = 4800
# At most this many months are labelled on a month axis.
MAX_MONTH_LABELS = 12
# At most this many data rows in one chart (a 240-month contract needs a few hundred).
MAX_DATA_ROWS = 20_000


class Theme(StrEnum):
    LIGHT = "light"
    DARK = "dark"


class ChartForm(StrEnum):
    """The three forms of a chart, by their path suffix."""

    VEGA_LITE = "vl.json"
    SVG = "svg"
    PNG = "png"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]


_MEDIA_TYPES = {
    ChartForm.VEGA_LITE: "application/vnd.vegalite.v5+json",
    ChartForm.SVG: "image/svg+xml",
    ChartForm.PNG: "image/png",
}

# Fixed palettes: a series keeps its colour whatever the data (never re-assigned).
REALIZED, PROJECTED, COST = "#2f6fb1", "#9aa5b1", "#c0504d"
POSITIVE, NEGATIVE, ACCENT = "#3a8a4f", "#c0504d", "#d98c1f"


@dataclass(frozen=True, slots=True)
class ChartOptions:
    """Size and look of a chart, already checked against the limits above."""

    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT
    scale: int = DEFAULT_SCALE
    theme: Theme = Theme.LIGHT

    def parameters(self) -> tuple[str, ...]:
        """The options as text, for cache keys and ETags."""
        return (str(self.width), str(self.height), str(self.scale), self.theme.value)


@cache
def _dark_config() -> dict[str, Any]:
    config: dict[str, Any] = dict(vl_convert.get_themes()["dark"])
    return config


def theme_config(theme: Theme) -> dict[str, Any]:
    """The spec's `config`: vl-convert's own `dark` theme, or the light default."""
    base: dict[str, Any] = {
        # The renderer's own embedded font: resolving a list of families (or a system
        # font) costs it several times the render itself.
        "font": "Liberation Sans",
        "axis": {"labelFontSize": 11, "titleFontSize": 12},
        "legend": {"orient": "bottom", "labelFontSize": 11},
        "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12},
    }
    if theme is Theme.DARK:
        dark = _dark_config()
        return {
            **dark,
            **base,
            "axis": {**dark.get("axis", {}), **base["axis"]},
            "legend": {**dark.get("legend", {}), **base["legend"]},
            "title": {**dark.get("title", {}), **base["title"]},
            # Text marks (value labels) are not in vl-convert's dark theme: light on dark.
            "text": {**dark.get("text", {}), "color": "#e8e8e8"},
        }
    return {**base, "background": "white"}


def base_spec(options: ChartOptions, *, title: str, subtitle: str, description: str) -> Spec:
    """The frame of every chart: schema, size, theme, title and the accessible description
    (rendered SVGs carry it as their `aria-label`)."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, "subtitle": subtitle},
        "description": description,
        "width": options.width,
        "height": options.height,
        "autosize": {"type": "fit", "contains": "padding"},
        "padding": 8,
        "config": theme_config(options.theme),
    }


def inline_data(rows: Sequence[Row], numbers: Sequence[str]) -> dict[str, Any]:
    """Inline data: `rows` as they are, with the fields in `numbers` (decimal strings)
    read as numbers by the renderer."""
    if len(rows) > MAX_DATA_ROWS:
        raise ValueError(f"a chart holds at most {MAX_DATA_ROWS} rows")
    return {"values": list(rows), "format": {"parse": dict.fromkeys(numbers, "number")}}


def month_axis(months: Sequence[str], title: str = "Month") -> dict[str, Any]:
    """An x encoding over the months ('YYYY-MM'), in calendar order, labelling at most
    `MAX_MONTH_LABELS` of them (every k-th, from the first): text is most of a render's
    cost, and 36 rotated labels do not fit anyway."""
    step = -(-len(months) // MAX_MONTH_LABELS)
    return {
        "field": "month",
        "type": "ordinal",
        "sort": None,
        "title": title,
        "axis": {"labelAngle": -45, "values": list(months[::step]), "labelOverlap": False},
    }


def fixed_colors(domain: Sequence[str], colors: Sequence[str], title: str | None) -> Any:
    return {
        "field": "series",
        "type": "nominal",
        "title": title,
        "scale": {"domain": list(domain), "range": list(colors)},
    }


def tooltip(*fields: tuple[str, str]) -> list[dict[str, str]]:
    """Tooltips show the server's labels (field, title)."""
    return [{"field": field, "type": "nominal", "title": title} for field, title in fields]


def reference_rule(value: str, label: str, color: str, *, axis: str = "y") -> list[Spec]:
    """A dashed rule at a reference figure (baseline, target, payback month) with its label.

    The rule's position is the figure itself (a decimal string read as a number, or a
    month on the x axis); the text is the server's label."""
    data = inline_data([{"at": value, "label": label}], ["at"] if axis == "y" else [])
    kind = "quantitative" if axis == "y" else "ordinal"
    position: dict[str, Any] = {"field": "at", "type": kind}
    if axis == "x":
        position["sort"] = None
    rule: Spec = {
        "data": data,
        "mark": {"type": "rule", "strokeDash": [6, 4], "color": color, "strokeWidth": 1.5},
        "encoding": {axis: position},
    }
    text_mark: dict[str, Any] = {"type": "text", "color": color, "fontSize": 11}
    if axis == "y":
        text_mark |= {"align": "left", "dx": 4, "dy": -6, "x": 0}
    else:
        text_mark |= {"align": "left", "dx": 4, "y": 4, "baseline": "top"}
    text: Spec = {
        "data": data,
        "mark": text_mark,
        "encoding": {axis: position, "text": {"field": "label"}},
    }
    return [rule, text]


def data_urls(spec: Mapping[str, Any] | Sequence[Any]) -> list[str]:
    """Every `url` found anywhere in a spec (there must be none: data is inline only)."""
    found: list[str] = []
    items = spec.items() if isinstance(spec, Mapping) else enumerate(spec)
    for key, value in items:
        if key == "url" and isinstance(value, str):
            found.append(value)
        elif isinstance(value, Mapping | list):
            found.extend(data_urls(value))
    return found
