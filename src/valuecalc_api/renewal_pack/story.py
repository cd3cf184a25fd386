"""What the renewal pack says, read off the tracker report's payload.

Every figure is the report's own string (SPEC 2: rounded once); this module only picks
and phrases them, in the seed's words: lead with the trend, celebrate the months above
the projection, be honest about flat or declining metrics and data-quality findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from valuecalc_api.charts.labels import (
    long_month_label,
    money_label,
    month_label,
    multiple_label,
    percent_label,
    plain_number,
)
from valuecalc_api.charts.value_charts import projection_text

Payload = Mapping[str, Any]

# Trends the seed calls concerning (SPEC 3 "Trends and data-quality review").
CONCERNING_TRENDS = {
    "flat": "flat: no improvement over several months (adoption may have stalled)",
    "declining": "declining: the measurements are getting worse (a renewal risk)",
    "volatile": "volatile: wild month-to-month swings (check how it is measured)",
}
GOOD_TRENDS = {
    "steady_climb": "steady climb: improving month over month",
    "accelerating": "accelerating: the improvement is speeding up",
}
FINDING_NAMES = {
    "missing_month": "missing month",
    "spike": "spike",
    "suspected_unit_mistake": "suspected unit mistake",
    "estimate_without_note": "estimate without a note",
    "spike_without_context": "spike without a note or evidence",
    "stalled": "stalled",
    "recent_decline": "recent decline",
}
# Findings that already say what the trend says (a recent stall or decline).
_TREND_FINDINGS = {"stalled", "recent_decline"}


@dataclass(frozen=True, slots=True)
class Figure:
    """One labelled figure of the summary, with how it is defined."""

    label: str
    value: str
    definition: str


@dataclass(frozen=True, slots=True)
class UseCaseStory:
    use_case_id: str
    name: str
    counted: bool
    figures: tuple[Figure, ...]
    wins: tuple[str, ...]
    challenges: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PackStory:
    title: str
    customer: str
    as_of: str
    headline: str
    figures: tuple[Figure, ...]
    use_cases: tuple[UseCaseStory, ...]


def headline(report: Payload) -> str:
    """The seed's sentence for the calculation that realized the most: "Your team's
    tickets handled per day reached 158 tickets/day by March 2026: a 58 % improvement and
    $109,000 in realized benefit." """
    currency = report["tracker"]["currency"]
    by = long_month_label(report["as_of"])
    best: tuple[Decimal, Payload] | None = None
    for use_case in report["use_cases"]:
        if not use_case["counted"]:
            continue
        for calculation in use_case["calculations"]:
            if calculation["summary"]["latest_value"] is None:
                continue
            realized = Decimal(calculation["totals"]["realized"])
            if best is None or realized > best[0]:
                best = (realized, calculation)
    total = money_label(report["totals"]["realized"], currency, whole_if_round=True)
    if best is None:
        return f"No measurements yet by {by}: {total} in realized benefit so far."
    calculation = best[1]
    metric = calculation["metric"]
    summary = calculation["summary"]
    value = f"{plain_number(summary['latest_value'])} {metric['unit']}"
    realized_label = money_label(calculation["totals"]["realized"], currency, whole_if_round=True)
    improvement = summary["latest_improvement"]
    if improvement is None:
        change = "no improvement figure (the baseline is 0)"
    elif Decimal(improvement) > 0:
        change = f"a {percent_label(improvement)} improvement"
    else:
        change = f"a change of {percent_label(improvement)} against the baseline"
    return (
        f"Your team's {metric['name']} reached {value} by {by}: {change} and "
        f"{realized_label} in realized benefit."
    )


def _ratio_figure(figure: Payload, shown: str) -> Figure:
    value = shown if figure["value"] is not None else f"not defined ({figure['reason']})"
    return Figure(figure["label"], value, figure["definition"])


def summary_figures(report: Payload) -> tuple[Figure, ...]:
    """Total realized, realized vs projected, net ROI, value multiple, payback, cost."""
    currency = report["tracker"]["currency"]
    totals = report["totals"]
    definitions = report["definitions"]
    realized = money_label(totals["realized"], currency)
    projected, coverage = projection_text(totals, currency)
    if totals["variance"] is None:
        compared = f"{realized}; no projection to compare with"
    else:
        sign = "+" if Decimal(totals["variance"]) > 0 else ""
        variance = money_label(totals["variance"], currency)
        compared = f"{realized} against {projected} projected ({sign}{variance})"
    net_roi = totals["net_roi"]
    multiple = totals["value_multiple"]
    payback = totals["payback_month"]
    return (
        Figure("Total realized benefit", realized, definitions["realized_benefit"]),
        Figure(
            "Realized vs projected",
            compared,
            definitions["projected_benefit"] + coverage,
        ),
        _ratio_figure(net_roi, "" if net_roi["value"] is None else percent_label(net_roi["value"])),
        _ratio_figure(
            multiple, "" if multiple["value"] is None else multiple_label(multiple["value"])
        ),
        Figure(
            "Payback",
            long_month_label(payback)
            if payback is not None
            else f"not reached by {long_month_label(report['as_of'])}",
            definitions["payback_month"],
        ),
        Figure("Cost", money_label(totals["cost"], currency), definitions["cost"]),
    )


def _months_above(months: Sequence[str], variance: Sequence[str | None], currency: str) -> str:
    above = [
        f"{month_label(month)} (+{money_label(amount, currency)})"
        for month, amount in zip(months, variance, strict=True)
        if amount is not None and Decimal(amount) > 0
    ]
    return ", ".join(above)


def use_case_story(use_case: Payload, months: Sequence[str], currency: str) -> UseCaseStory:
    totals = use_case["totals"]
    wins: list[str] = []
    challenges: list[str] = []
    above = _months_above(months, use_case["monthly"]["variance"], currency)
    if above:
        wins.append(f"Above the projection in {above}.")
    for calculation in use_case["calculations"]:
        name = calculation["metric"]["name"]
        trend = calculation["trend"]
        said = any(f["kind"] in _TREND_FINDINGS for f in calculation["findings"])
        if trend in GOOD_TRENDS:
            wins.append(f"{name}: {GOOD_TRENDS[trend]}.")
        elif trend in CONCERNING_TRENDS and not said:
            challenges.append(f"{name}: {CONCERNING_TRENDS[trend]}.")
        for finding in calculation["findings"]:
            kind = FINDING_NAMES.get(finding["kind"], finding["kind"].replace("_", " "))
            challenges.append(
                f"{name}, {month_label(finding['month'])}: {kind}. {finding['detail']}"
            )
    projected, coverage = projection_text(totals, currency)
    figures = (
        Figure(
            "Realized",
            money_label(totals["realized"], currency),
            "This use case's benefit from the contract's start to the pack's month.",
        ),
        Figure(
            "Projected",
            projected,
            f"The business case for the same months.{coverage}",
        ),
    )
    return UseCaseStory(
        use_case_id=use_case["use_case_id"],
        name=use_case["name"],
        counted=use_case["counted"],
        figures=figures,
        wins=tuple(wins),
        challenges=tuple(challenges),
    )


def pack_story(report: Payload) -> PackStory:
    tracker = report["tracker"]
    return PackStory(
        title=tracker["name"],
        customer=tracker["customer_name"],
        as_of=report["as_of"],
        headline=headline(report),
        figures=summary_figures(report),
        use_cases=tuple(
            use_case_story(use_case, report["months"], tracker["currency"])
            for use_case in report["use_cases"]
            if use_case["counted"]
        ),
    )
