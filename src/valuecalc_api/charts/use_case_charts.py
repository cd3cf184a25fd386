"""A use case's trend chart: the metric trend of each of its calculations, one panel
each (their units differ, so each keeps its own axis), in one picture. The renewal pack
shows one per use case; each panel is exactly the calculation's `metric-trend` chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from valuecalc_api.charts.value_charts import metric_trend
from valuecalc_api.charts.vega import ChartOptions, Spec, base_spec

# Room the axes and legend of one panel take beside its plot, in pixels.
_AXIS_ROOM = 90
_PANEL_HEIGHT = 170


def use_case_trend(
    use_case: Mapping[str, Any],
    months: Sequence[str],
    marks: Mapping[str, tuple[Sequence[bool], Sequence[bool]]],
    options: ChartOptions,
) -> Spec:
    no_marks = ([False] * len(months), [False] * len(months))
    panels = [
        metric_trend(
            calculation,
            months,
            marks.get(calculation["calculation_id"], no_marks),
            ChartOptions(options.width, _PANEL_HEIGHT, 1, options.theme),
        )
        for calculation in use_case["calculations"]
    ]
    for panel in panels[1:]:
        _without_legend(panel)
    spec = base_spec(
        options,
        title=f"{use_case['name']}: improvement metrics",
        subtitle=f"{len(panels)} calculation(s); a diamond marks a note or evidence.",
        description=" ".join(panel["description"] for panel in panels),
    )
    # Concatenated views take each panel's plot size (autosize `fit` applies to one view).
    for key in ("autosize", "width", "height"):
        spec.pop(key)
    spec["vconcat"] = [
        {
            "title": panel["title"]["text"],
            "description": panel["description"],
            "width": options.width - _AXIS_ROOM,
            "height": _PANEL_HEIGHT - 70,
            "data": panel["data"],
            "layer": panel["layer"],
        }
        for panel in panels
    ]
    spec["resolve"] = {"scale": {"y": "independent"}}
    return spec


def _without_legend(panel: Spec) -> None:
    """The panels share one legend (the first panel's): fewer texts to draw."""
    for layer in panel["layer"]:
        for channel in ("shape", "color"):
            encoding = layer.get("encoding", {})
            if channel in encoding:
                encoding[channel]["legend"] = None
