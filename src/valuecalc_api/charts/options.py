"""The query parameters every chart takes: size, scale, theme, and the form (alias only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from valuecalc_api.charts.vega import (
    DEFAULT_HEIGHT,
    DEFAULT_SCALE,
    DEFAULT_WIDTH,
    MAX_HEIGHT,
    MAX_PIXELS_PER_SIDE,
    MAX_SCALE,
    MAX_WIDTH,
    MIN_HEIGHT,
    MIN_SCALE,
    MIN_WIDTH,
    ChartForm,
    ChartOptions,
    Theme,
)
from valuecalc_api.problems import Problem, invalid
from valuecalc_api.reports.formats import accept_quality


def chart_options(
    width: Annotated[
        int,
        Query(ge=MIN_WIDTH, le=MAX_WIDTH, description="Width of the whole chart in CSS pixels."),
    ] = DEFAULT_WIDTH,
    height: Annotated[
        int,
        Query(ge=MIN_HEIGHT, le=MAX_HEIGHT, description="Height of the whole chart in CSS pixels."),
    ] = DEFAULT_HEIGHT,
    scale: Annotated[
        int,
        Query(
            ge=MIN_SCALE,
            le=MAX_SCALE,
            description="Device pixels per CSS pixel of a PNG (a PNG is width x scale by "
            f"height x scale pixels, at most {MAX_PIXELS_PER_SIDE} a side).",
        ),
    ] = DEFAULT_SCALE,
    theme: Annotated[Theme, Query(description="`light` (default) or `dark`.")] = Theme.LIGHT,
) -> ChartOptions:
    errors = [
        {
            "field": f"query.{name}",
            "code": "too_many_pixels",
            "message": f"{name} x scale is {side * scale} pixels; at most "
            f"{MAX_PIXELS_PER_SIDE} a side.",
        }
        for name, side in (("width", width), ("height", height))
        if side * scale > MAX_PIXELS_PER_SIDE
    ]
    if errors:
        raise invalid(errors)
    return ChartOptions(width=width, height=height, scale=scale, theme=theme)


ChartOptionsDep = Annotated[ChartOptions, Depends(chart_options)]

FormQuery = Annotated[
    ChartForm | None,
    Query(
        alias="format",
        # An alias kept for scripts, not documented: each form is its own operation
        # (`.vl.json`, `.svg`, `.png`), so every documented operation has one media type.
        include_in_schema=False,
    ),
]

_ACCEPTED = {
    "application/vnd.vegalite.v5+json": ChartForm.VEGA_LITE,
    "application/json": ChartForm.VEGA_LITE,
    "application/*": ChartForm.VEGA_LITE,
    "*/*": ChartForm.VEGA_LITE,
    "image/svg+xml": ChartForm.SVG,
    "image/png": ChartForm.PNG,
    "image/*": ChartForm.SVG,
}


def negotiated_form(format_query: ChartForm | None, accept: str | None) -> ChartForm:
    """`?format=` if given, else the best `Accept` match (the spec when Accept is absent);
    406 when Accept allows none of the three forms."""
    if format_query is not None:
        return format_query
    if not accept or not accept.strip():
        return ChartForm.VEGA_LITE
    best: tuple[float, int, ChartForm] | None = None
    for position, item in enumerate(accept.split(",")):
        media, _, params = item.strip().partition(";")
        chosen = _ACCEPTED.get(media.strip().lower())
        quality = accept_quality(params)
        if chosen is None or quality <= 0:
            continue
        if best is None or (quality, -position) > best[:2]:
            best = (quality, -position, chosen)
    if best is None:
        raise Problem(
            406,
            "not-acceptable",
            "This chart is available as application/vnd.vegalite.v5+json, image/svg+xml or "
            f"image/png; the Accept header allows none ({accept.strip()[:100]!r}).",
        )
    return best[2]
