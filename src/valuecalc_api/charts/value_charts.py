"""The value-tracking charts (SPEC 3), each one builder over a report payload.

A builder takes the JSON payload the report endpoint serves (`reports.report_payload`:
decimal strings, already rounded once) and returns a Vega-Lite spec whose data values
are those strings, unchanged: the chart and the report agree digit for digit. Running
totals are the report's cumulative columns; nothing is summed by the renderer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from valuecalc_api.charts.labels import money_label, month_label, percent_label, plain_number
from valuecalc_api.charts.vega import (
    ACCENT,
    COST,
    POSITIVE,
    PROJECTED,
    REALIZED,
    ChartOptions,
    Row,
    Spec,
    base_spec,
    fixed_colors,
    inline_data,
    month_axis,
    reference_rule,
    tooltip,
)

Payload = Mapping[str, Any]

# How each provenance of a month's metric is drawn (SPEC 3 "Carry-forward timelines").
PROVENANCE_MARKS = {
    "measured": ("circle", REALIZED, "measured"),
    "estimate": ("triangle-up", ACCENT, "estimated"),
    "carried": ("square", PROJECTED, "carried forward"),
}


def _money_axis(title: str | None = None) -> dict[str, Any]:
    """The amounts' axis. A vertical one has no title (the chart's title names the
    currency): a long rotated title taller than a short plot would push the chart's
    title out of the picture."""
    return {"field": "amount", "type": "quantitative", "title": title}


def _period(months: Sequence[str]) -> str:
    return f"{month_label(months[0])} to {month_label(months[-1])}"


def _marked(has_note: bool, has_evidence: bool) -> str | None:
    if has_note and has_evidence:
        return "note and evidence"
    return "note" if has_note else "evidence" if has_evidence else None


def metric_trend(
    calculation: Payload,
    months: Sequence[str],
    marks: tuple[Sequence[bool], Sequence[bool]],
    options: ChartOptions,
) -> Spec:
    """The improvement metric month by month: measured, estimated and carried months drawn
    differently, baseline and target as rules, months with a note or evidence ringed."""
    metric = calculation["metric"]
    unit = metric["unit"]
    has_note, has_evidence = marks
    rows: list[Row] = []
    for index, month in enumerate(months):
        value = calculation["metric_values"][index]
        provenance = calculation["provenance"][index]
        rows.append(
            {
                "month": month,
                "value": value,
                "value_label": None if value is None else f"{plain_number(value)} {unit}",
                "provenance": PROVENANCE_MARKS.get(provenance, ("", "", provenance))[2],
                "marked": _marked(has_note[index], has_evidence[index]),
            }
        )
        row = rows[-1]
        row["description"] = (
            f"{month_label(month)}: no value"
            if value is None
            else f"{month_label(month)}: {row['value_label']} ({row['provenance']})"
            + ("" if row["marked"] is None else f", {row['marked']} attached")
        )
    data = inline_data(rows, ["value"])
    x = month_axis(months)
    y = {"field": "value", "type": "quantitative", "title": None, "scale": {"zero": False}}
    shown = list(PROVENANCE_MARKS.values())
    layers: list[Spec] = [
        {
            "mark": {"type": "line", "color": REALIZED, "strokeWidth": 2},
            "encoding": {"x": x, "y": y},
        },
        {
            "mark": {"type": "point", "filled": True, "size": 70, "opacity": 1},
            "encoding": {
                "x": x,
                "y": y,
                "shape": {
                    "field": "provenance",
                    "type": "nominal",
                    "title": "Value",
                    "scale": {"domain": [s[2] for s in shown], "range": [s[0] for s in shown]},
                },
                "color": {
                    "field": "provenance",
                    "type": "nominal",
                    "title": "Value",
                    "scale": {"domain": [s[2] for s in shown], "range": [s[1] for s in shown]},
                },
                "description": {"field": "description"},
                "tooltip": tooltip(
                    ("month", "Month"),
                    ("value_label", metric["name"]),
                    ("provenance", "Value"),
                    ("marked", "Attached"),
                ),
            },
        },
        {
            "transform": [{"filter": "datum.marked != null && isValid(datum.value)"}],
            "mark": {
                "type": "point",
                "shape": "diamond",
                "size": 260,
                "filled": False,
                "strokeWidth": 1.5,
                "color": POSITIVE,
            },
            "encoding": {"x": x, "y": y},
        },
        *reference_rule(
            metric["baseline"], f"Baseline {plain_number(metric['baseline'])} {unit}", COST
        ),
    ]
    if metric["target"] is not None:
        layers += reference_rule(
            metric["target"], f"Target {plain_number(metric['target'])} {unit}", POSITIVE
        )
    summary = calculation["summary"]
    latest = summary["latest_value"]
    if latest is None:
        state = "No value in effect yet."
    else:
        improvement = summary["latest_improvement"]
        better = "" if improvement is None else f", {percent_label(improvement)} improvement"
        state = f"{plain_number(latest)} {unit} in {month_label(months[-1])}{better}."
    spec = base_spec(
        options,
        title=f"{metric['name']} ({unit})",
        subtitle=f"{calculation['name']}, {_period(months)}. "
        "A diamond marks a month with a note or evidence.",
        description=(
            f"Line chart of {metric['name']} in {unit} per month, {_period(months)}. {state} "
            f"{summary['measured']} measured, {summary['estimated']} estimated and "
            f"{summary['carried']} carried-forward months. Baseline "
            f"{plain_number(metric['baseline'])}"
            + ("" if metric["target"] is None else f", target {plain_number(metric['target'])}")
            + f"; trend {calculation['trend'].replace('_', ' ')}."
        ),
    )
    return spec | {"data": data, "layer": layers}


def _series_rows(
    months: Sequence[str], columns: Sequence[tuple[str, Sequence[str | None]]], currency: str
) -> list[Row]:
    """One row per month and series with a figure (months without one are left out)."""
    return [
        {
            "month": month,
            "series": series,
            "amount": column[index],
            "amount_label": money_label(column[index] or "0", currency),
            "description": f"{series}, {month_label(month)}: "
            f"{money_label(column[index] or '0', currency)}",
        }
        for series, column in columns
        for index, month in enumerate(months)
        if column[index] is not None
    ]


def projection_text(totals: Payload, currency: str) -> tuple[str, str]:
    """The projected total as a label ("none" without one) and, when the projection does
    not cover every calculation, a sentence saying which part it covers."""
    if totals["projected"] is None:
        return "none", " No calculation has a projection (none has a target)."
    projected = money_label(totals["projected"], currency)
    covers = totals["projection_covers"]
    if covers["complete"]:
        return projected, ""
    return projected, (
        f" The projection covers {covers['count']} of {covers['calculation_count']} "
        "calculations (the others have no target)."
    )


def realized_vs_projected(report: Payload, options: ChartOptions, *, cumulative: bool) -> Spec:
    """Realized against projected benefit per month (bars) or cumulatively (lines)."""
    months = report["months"]
    currency = report["tracker"]["currency"]
    monthly = report["monthly"]
    totals = report["totals"]
    prefix = "cumulative_" if cumulative else ""
    rows = _series_rows(
        months,
        [("Realized", monthly[f"{prefix}realized"]), ("Projected", monthly[f"{prefix}projected"])],
        currency,
    )
    color = fixed_colors(["Realized", "Projected"], [REALIZED, PROJECTED], None)
    tips = tooltip(("month", "Month"), ("series", "Series"), ("amount_label", currency))
    described = {"field": "description"}
    x = month_axis(months)
    y = _money_axis()
    if cumulative:
        layers: list[Spec] = [
            {
                "mark": {"type": "line", "point": True, "strokeWidth": 2},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": color,
                    "tooltip": tips,
                    "description": described,
                },
            }
        ]
    else:
        layers = [
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "x": x,
                    "xOffset": {"field": "series", "sort": ["Realized", "Projected"]},
                    "y": y,
                    "color": color,
                    "tooltip": tips,
                    "description": described,
                },
            }
        ]
    realized = money_label(totals["realized"], currency)
    projected, coverage = projection_text(totals, currency)
    variance = (
        ""
        if totals["variance"] is None
        else f": variance {money_label(totals['variance'], currency)}"
    )
    kind = "cumulative" if cumulative else "monthly"
    spec = base_spec(
        options,
        title=f"Realized vs projected benefit, {kind} ({currency})",
        subtitle=f"{report['tracker']['name']}, {_period(months)}: realized {realized}, "
        f"projected {projected}",
        description=(
            f"{'Line' if cumulative else 'Bar'} chart of {kind} realized and projected benefit "
            f"in {currency}, {_period(months)}. Realized {realized}, projected "
            f"{projected}{variance}.{coverage}"
        ),
    )
    return spec | {"data": inline_data(rows, ["amount"]), "layer": layers}


def benefit_vs_cost(report: Payload, options: ChartOptions) -> Spec:
    """Cumulative realized benefit against cumulative cost, with the payback month marked."""
    months = report["months"]
    currency = report["tracker"]["currency"]
    monthly = report["monthly"]
    totals = report["totals"]
    rows = _series_rows(
        months,
        [
            ("Cumulative benefit", monthly["cumulative_realized"]),
            ("Cumulative cost", monthly["cumulative_cost"]),
        ],
        currency,
    )
    color = fixed_colors(["Cumulative benefit", "Cumulative cost"], [REALIZED, COST], None)
    layers: list[Spec] = [
        {
            "mark": {"type": "line", "point": True, "strokeWidth": 2},
            "encoding": {
                "x": month_axis(months),
                "y": _money_axis(),
                "color": color,
                "description": {"field": "description"},
                "tooltip": tooltip(
                    ("month", "Month"), ("series", "Series"), ("amount_label", currency)
                ),
            },
        }
    ]
    payback = totals["payback_month"]
    if payback is not None:
        layers += reference_rule(payback, f"Payback {month_label(payback)}", POSITIVE, axis="x")
        paid = f"Payback in {month_label(payback)}."
    else:
        paid = f"Payback not reached by {month_label(months[-1])}."
    benefit = money_label(totals["realized"], currency)
    cost = money_label(totals["cost"], currency)
    spec = base_spec(
        options,
        title=f"Cumulative benefit vs cumulative cost ({currency})",
        subtitle=f"{report['tracker']['name']}, {_period(months)}. {paid}",
        description=(
            f"Line chart of cumulative realized benefit and cumulative cost in {currency}, "
            f"{_period(months)}: benefit {benefit}, cost {cost}. {paid}"
        ),
    )
    return spec | {"data": inline_data(rows, ["amount"]), "layer": layers}


def realized_by_customer(portfolio: Payload, currency: str, options: ChartOptions) -> Spec:
    """The portfolio's realized value per customer in one currency (never added across
    currencies): the sum of the customer's trackers' realized figures, in Decimal."""
    by_customer: dict[str, tuple[str, Decimal, int]] = {}
    for tracker in portfolio["trackers"]:
        if tracker["currency"] != currency:
            continue
        name, total, count = by_customer.get(
            tracker["customer_id"], (tracker["customer_name"], Decimal(0), 0)
        )
        by_customer[tracker["customer_id"]] = (
            name,
            total + Decimal(tracker["realized"]),
            count + 1,
        )
    ranked = sorted(by_customer.items(), key=lambda item: (-item[1][1], item[1][0], item[0]))
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for customer_id, (name, amount, count) in ranked:
        # Two customers may share a name: the later ones are told apart by a number.
        seen[name] = seen.get(name, 0) + 1
        rows.append(
            {
                "customer_id": customer_id,
                "customer": name if seen[name] == 1 else f"{name} ({seen[name]})",
                "amount": format(amount, "f"),
                "amount_label": money_label(format(amount, "f"), currency),
                "trackers": count,
                "description": f"{name}: {money_label(format(amount, 'f'), currency)}",
            }
        )
    total = sum((Decimal(row["amount"]) for row in rows), Decimal(0))
    total_label = money_label(format(total, "f"), currency)
    y = {"field": "customer", "type": "nominal", "sort": None, "title": None}
    spec = base_spec(
        options,
        title=f"Realized value by customer ({currency})",
        subtitle=f"As of {month_label(portfolio['as_of'])}: {len(rows)} customers, "
        f"{total_label} in total",
        description=(
            f"Bar chart of realized benefit in {currency} per customer as of "
            f"{month_label(portfolio['as_of'])}, largest first: "
            + "; ".join(f"{row['customer']} {row['amount_label']}" for row in rows[:10])
            + ("" if len(rows) <= 10 else f"; and {len(rows) - 10} more")
            + f". Total {total_label}."
        ),
    )
    bar: Spec = {
        "mark": {"type": "bar", "color": REALIZED},
        "encoding": {
            "y": y,
            "x": _money_axis(f"Realized benefit ({currency})"),
            "description": {"field": "description"},
            "tooltip": tooltip(("customer", "Customer"), ("amount_label", currency)),
        },
    }
    text: Spec = {
        "mark": {"type": "text", "align": "left", "dx": 4},
        "encoding": {
            "y": y,
            "x": {"field": "amount", "type": "quantitative"},
            "text": {"field": "amount_label"},
        },
    }
    return spec | {"data": inline_data(rows, ["amount"]), "layer": [bar, text]}
