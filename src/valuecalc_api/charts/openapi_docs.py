"""How the chart operations are documented in the OpenAPI contract (with examples)."""

from __future__ import annotations

from typing import Any

from valuecalc_api.charts.vega import ChartForm
from valuecalc_api.problem_refs import CACHED_READ, header_refs, problem_doc

SPEC_EXAMPLE: dict[str, Any] = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.20.json",
    "title": {
        "text": "Cumulative benefit vs cumulative cost",
        "subtitle": "Support automation 2026, Jan 2026 to Mar 2026. Payback in Jan 2026.",
    },
    "description": "Line chart of cumulative realized benefit and cumulative cost in USD, "
    "Jan 2026 to Mar 2026: benefit $109,000.00, cost $30,000.00. Payback in Jan 2026.",
    "width": 720,
    "height": 360,
    "autosize": {"type": "fit", "contains": "padding"},
    "data": {
        "values": [
            {
                "month": "2026-01",
                "series": "Cumulative benefit",
                "amount": "21000.00",
                "amount_label": "$21,000.00",
            },
            {
                "month": "2026-01",
                "series": "Cumulative cost",
                "amount": "10000.00",
                "amount_label": "$10,000.00",
            },
        ],
        "format": {"parse": {"amount": "number"}},
    },
    "layer": [
        {
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "month", "type": "ordinal", "sort": None},
                "y": {"field": "amount", "type": "quantitative"},
                "color": {"field": "series", "type": "nominal"},
            },
        }
    ],
}
SVG_EXAMPLE = (
    '<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="720" height="360" '
    'viewBox="0 0 720 360" role="graphics-document document" aria-roledescription='
    '"visualization" aria-label="Line chart of cumulative realized benefit ...">…</svg>'
)

_CONTENT: dict[ChartForm, dict[str, Any]] = {
    ChartForm.VEGA_LITE: {
        "schema": {
            "type": "object",
            "description": "A Vega-Lite v5 specification with its data inline "
            "(https://vega.github.io/schema/vega-lite/v5.json).",
            "additionalProperties": True,
        },
        "example": SPEC_EXAMPLE,
    },
    ChartForm.SVG: {"schema": {"type": "string"}, "example": SVG_EXAMPLE},
    ChartForm.PNG: {"schema": {"type": "string", "format": "binary"}},
}

_RENDER_FAILED = problem_doc(
    "`chart-render-timeout`: rendering took longer than its time budget; "
    "`chart-too-large`: the rendered chart is over its size budget.",
    "chart-render-timeout",
    headers=("Retry-After",),
)


# The headers of a chart or pack as sent: validators, where it opens, and a policy that
# lets nothing in it run or load.
DOCUMENT_READ: dict[str, Any] = {
    "headers": {
        **CACHED_READ["headers"],
        **header_refs("Content-Disposition"),
        "Content-Security-Policy": {
            "description": "`default-src 'none'; style-src 'unsafe-inline'`: opened in a "
            "browser, nothing in the document may run or load anything.",
            "schema": {"type": "string"},
        },
        "X-Content-Type-Options": {
            "description": "`nosniff`.",
            "schema": {"type": "string"},
        },
    }
}


def _cached(description: str, content: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"description": description, "content": content, **DOCUMENT_READ},
        304: {
            "description": "Not modified: `If-None-Match` names the current `ETag`.",
            **CACHED_READ,
        },
    }


def form_responses(form: ChartForm) -> dict[int | str, dict[str, Any]]:
    responses = _cached("The chart.", {form.media_type: _CONTENT[form]})
    if form is not ChartForm.VEGA_LITE:
        responses[503] = _RENDER_FAILED
    return responses


def alias_responses() -> dict[int | str, dict[str, Any]]:
    """One success media type per operation (the contract's rule for generated clients):
    the alias documents its default, the spec; `format=svg|png` or `Accept: image/svg+xml
    | image/png` answer the bytes of the `.svg` / `.png` operation, documented there."""
    spec = ChartForm.VEGA_LITE
    return {
        **_cached(
            "The chart's Vega-Lite spec; with `format=svg|png` or an Accept header naming "
            "image/svg+xml or image/png, the bytes of the `.svg` or `.png` operation.",
            {spec.media_type: _CONTENT[spec]},
        ),
        406: problem_doc(
            "`not-acceptable`: the Accept header allows none of the chart's forms.",
            "not-acceptable",
        ),
        503: _RENDER_FAILED,
    }


PORTFOLIO_PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: problem_doc("`not-found`: no such customer (`customer_id`).", "customer-not-found"),
    422: problem_doc(
        "`currency-required`: the portfolio holds several currencies, name one with "
        "`currency`; `portfolio-empty`: no tracker to draw; `portfolio-too-large`: more "
        "trackers than one portfolio covers.",
        "currency-required",
        "portfolio-empty",
        "portfolio-too-large",
    ),
}
CUSTOMER_CHART_PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: problem_doc(
        "`not-found`: no such customer in your organization (or outside the trackers of a "
        "tracker-limited key), or no such health profile or version.",
        "customer-not-found",
    ),
    409: problem_doc(
        "`no-health-profile`: no profile applies to the customer (no default, none for its "
        "segment) and none was named.",
        "no-health-profile",
    ),
}
PULSE_ARR_PROBLEMS: dict[int | str, dict[str, Any]] = {
    422: problem_doc(
        "`currency-required`: the book's ARR is in several currencies, name one with `currency`.",
        "currency-required",
    ),
}
SURVEY_CHART_PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: problem_doc(
        "`not-found`: no such customer (`customer_id`) in your organization, or outside the "
        "trackers of a tracker-limited key.",
        "customer-not-found",
    ),
}
