"""Chart shapes for figures that move a total: a waterfall and signed movement bars, and
series of ratios (retention). Builders of the revenue charts (SPEC 4) map their report's
figures onto these; the shapes take decimal strings and compute nothing in floats.

A waterfall's steps are placed from a running total computed here in `Decimal`, and
every subtotal the report states is checked against it: a chart whose bars would not
add up to the report's own figure is refused (ValueError), never drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from valuecalc_api.charts.labels import money_label, month_label, percent_label
from valuecalc_api.charts.vega import (
    ACCENT,
    NEGATIVE,
    POSITIVE,
    PROJECTED,
    REALIZED,
    ChartOptions,
    Row,
    Spec,
    base_spec,
    inline_data,
    month_axis,
    tooltip,
)


class StepKind(StrEnum):
    START = "start"  # the opening total (e.g. the renewable ARR)
    CHANGE = "change"  # added to the running total (negative for churn, downsell)
    SUBTOTAL = "subtotal"  # the report's own total at this point (gross, net)


@dataclass(frozen=True, slots=True)
class WaterfallStep:
    label: str
    amount: str  # the report's decimal string
    kind: StepKind


def waterfall(
    steps: Sequence[WaterfallStep],
    currency: str,
    options: ChartOptions,
    *,
    title: str,
    subtitle: str,
) -> Spec:
    """Bars from `start` to `end` of the running total, coloured by the step's sign."""
    rows: list[Row] = []
    running = Decimal(0)
    for order, step in enumerate(steps):
        amount = Decimal(step.amount)
        if step.kind is StepKind.CHANGE:
            start, end = running, running + amount
            sign = "increase" if amount >= 0 else "decrease"
        else:
            if step.kind is StepKind.SUBTOTAL and amount != running:
                raise ValueError(
                    f"{step.label}: the steps add up to {running}, the report says {amount}"
                )
            start, end = Decimal(0), amount
            sign = "total"
        running = end
        rows.append(
            {
                "order": order,
                "step": step.label,
                "start": format(start, "f"),
                "end": format(end, "f"),
                "top": format(max(start, end), "f"),
                "amount": step.amount,
                "amount_label": money_label(step.amount, currency),
                "kind": sign,
                "description": f"{step.label}: {money_label(step.amount, currency)}",
            }
        )
    x = {"field": "step", "type": "nominal", "sort": None, "title": None, "axis": {"labelAngle": 0}}
    bars: Spec = {
        "mark": {"type": "bar", "size": 36},
        "encoding": {
            "x": x,
            "y": {"field": "start", "type": "quantitative", "title": None},
            "y2": {"field": "end"},
            "color": {
                "field": "kind",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": ["total", "increase", "decrease"],
                    "range": [REALIZED, POSITIVE, NEGATIVE],
                },
            },
            "description": {"field": "description"},
            "tooltip": tooltip(("step", "Step"), ("amount_label", currency)),
        },
    }
    labels: Spec = {
        "mark": {"type": "text", "dy": -6, "baseline": "bottom"},
        "encoding": {
            "x": x,
            "y": {"field": "top", "type": "quantitative"},
            "text": {"field": "amount_label"},
        },
    }
    spec = base_spec(
        options,
        title=f"{title} ({currency})",
        subtitle=subtitle,
        description=f"Waterfall chart in {currency}: "
        + "; ".join(str(row["description"]) for row in rows)
        + ".",
    )
    return spec | {
        "data": inline_data(rows, ["start", "end", "top", "amount"]),
        "layer": [bars, labels],
    }


def movement_bars(
    months: Sequence[str],
    movements: Mapping[str, Sequence[str | None]],
    currency: str,
    options: ChartOptions,
    *,
    title: str,
    ratio: tuple[str, Sequence[str | None]] | None = None,
) -> Spec:
    """Movements per month as the report signs them (gains positive, stacked above zero;
    losses negative, below it); optionally a ratio per month (e.g. the quick ratio)
    written above the bars as the report writes it."""
    rows: list[Row] = []
    for index, month in enumerate(months):
        for series, column in movements.items():
            amount = column[index]
            if amount is None:
                continue
            label = money_label(amount, currency)
            rows.append(
                {
                    "month": month,
                    "series": series,
                    "amount": amount,
                    "amount_label": label,
                    "description": f"{series}, {month_label(month)}: {label}",
                }
            )
    series_names = list(movements)
    palette = [POSITIVE, REALIZED, ACCENT, NEGATIVE, PROJECTED, "#7a4e9e"]
    layers: list[Spec] = [
        {
            "mark": {"type": "bar"},
            "encoding": {
                "x": month_axis(months),
                "y": {"field": "amount", "type": "quantitative", "title": None},
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": series_names, "range": palette[: len(series_names)]},
                },
                "description": {"field": "description"},
                "tooltip": tooltip(
                    ("month", "Month"), ("series", "Movement"), ("amount_label", currency)
                ),
            },
        },
        {"mark": {"type": "rule", "color": "#5b6675"}, "encoding": {"y": {"datum": 0}}},
    ]
    if ratio is not None:
        name, values = ratio
        layers.append(
            {
                "data": inline_data(
                    [
                        {"month": month, "ratio_label": f"{name} {value}"}
                        for month, value in zip(months, values, strict=True)
                        if value is not None
                    ],
                    [],
                ),
                "mark": {"type": "text", "y": 0, "baseline": "top", "dy": 2, "fontSize": 10},
                "encoding": {"x": month_axis(months), "text": {"field": "ratio_label"}},
            }
        )
    spec = base_spec(
        options,
        title=f"{title} ({currency})",
        subtitle=f"{month_label(months[0])} to {month_label(months[-1])}: gains above zero, "
        "losses below",
        description=f"Bar chart of {', '.join(series_names)} per month in {currency}, "
        f"{month_label(months[0])} to {month_label(months[-1])}.",
    )
    return spec | {"data": inline_data(rows, ["amount"]), "layer": layers}


def ratio_series(
    months: Sequence[str],
    series: Mapping[str, Sequence[str | None]],
    options: ChartOptions,
    *,
    title: str,
) -> Spec:
    """Ratios (fractions, e.g. GRR, NRR, logo retention) per month as lines, labelled in
    percent."""
    rows: list[Row] = [
        {
            "month": month,
            "series": name,
            "ratio": column[index],
            "ratio_label": percent_label(column[index] or "0"),
            "description": f"{name}, {month_label(month)}: {percent_label(column[index] or '0')}",
        }
        for name, column in series.items()
        for index, month in enumerate(months)
        if column[index] is not None
    ]
    spec = base_spec(
        options,
        title=title,
        subtitle=f"{month_label(months[0])} to {month_label(months[-1])}",
        description=f"Line chart of {', '.join(series)} per month, "
        f"{month_label(months[0])} to {month_label(months[-1])}.",
    )
    return spec | {
        "data": inline_data(rows, ["ratio"]),
        "mark": {"type": "line", "point": True, "strokeWidth": 2},
        "encoding": {
            "x": month_axis(months),
            "y": {
                "field": "ratio",
                "type": "quantitative",
                "title": None,
                "axis": {"format": ".0%"},
                "scale": {"zero": False},
            },
            "color": {"field": "series", "type": "nominal", "title": None},
            "description": {"field": "description"},
            "tooltip": tooltip(("month", "Month"), ("series", "Ratio"), ("ratio_label", "Value")),
        },
    }
