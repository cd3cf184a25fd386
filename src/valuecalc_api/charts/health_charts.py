"""The health and experience charts (SPEC 5), each one small builder over its report's
JSON payload as the API serves it, mapped onto the score shapes (`score_charts`):

- a customer's health score history over its profile's bands (`GET .../health/history`);
- a customer's indicator contributions, which add up to the score (`GET .../health`);
- the pulse distribution by customers and by ARR (`GET /v1/pulse-book`);
- the NPS answer distribution with the score's margin of error, and NPS per group with
  its 95 % interval (`GET /v1/survey-scores`).

Every number is the payload's own string; every text a label written here from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valuecalc_api.charts.labels import money_label
from valuecalc_api.charts.score_charts import Band, Category, Point, category_bars, score_history
from valuecalc_api.charts.vega import ChartOptions, Spec

Payload = Mapping[str, Any]

BAND_COLORS = {"red": "#c0504d", "yellow": "#d98c1f", "green": "#3a8a4f"}
NO_PULSE_COLOR = "#9aa5b1"
INDICATOR_NAMES = {
    "value_realization": "Value realization",
    "net_revenue_retention": "NRR",
    "nps": "NPS",
    "csat": "CSAT",
    "dau_mau": "DAU/MAU",
    "license_utilization": "License utilization",
    "days_since_last_touch": "Days since last touch",
    "goals_achieved": "Goals achieved",
    "pulse": "Pulse",
}
PULSE_NAMES = {"red": "Red", "yellow": "Yellow", "green": "Green", None: "No pulse"}
# NPS answers: detractors 0-6, passives 7-8, promoters 9-10.
_DETRACTOR, _PASSIVE, _PROMOTER = "#c0504d", "#9aa5b1", "#3a8a4f"


def indicator_name(kind: str) -> str:
    return INDICATOR_NAMES.get(kind, kind.replace("_", " "))


def trend_text(trend: Payload) -> str:
    """'up 7.00 points since 2026-02-28' (or why there is no trend)."""
    change = trend["change"]
    if change is None:
        return f"no trend: no score to compare on {trend['previous_on']}"
    direction = trend["direction"]
    if direction == "flat":
        return f"flat ({change} points since {trend['previous_on']}, within {trend['flat_within']})"
    return f"{direction} {change.lstrip('-')} points since {trend['previous_on']}"


def score_bands(yellow_from: str, green_from: str) -> list[Band]:
    """The profile's bands on the 0-100 scale: red below `yellow_from`, green from
    `green_from`."""
    return [
        Band("red", "0", yellow_from, BAND_COLORS["red"]),
        Band("yellow", yellow_from, green_from, BAND_COLORS["yellow"]),
        Band("green", green_from, "100", BAND_COLORS["green"]),
    ]


def health_history(
    history: Payload, yellow_from: str, green_from: str, options: ChartOptions
) -> Spec:
    """The score at each point of `GET /v1/customers/{id}/health/history` over the bands of
    the profile version it was computed under (points without a score are left out)."""
    points = history["points"]
    drawn = [Point(p["as_of_date"], p["score"]) for p in points if p["score"] is not None]
    profile = history["profile"]
    span = f"{points[0]['as_of_date']} to {points[-1]['as_of_date']}" if points else "no point"
    return score_history(
        drawn,
        score_bands(yellow_from, green_from),
        options,
        title="Health score history",
        subtitle=f"{span}, {profile['name']} v{profile['version']}: {trend_text(history['trend'])}",
    )


def health_contributions(score: Payload, options: ChartOptions) -> Spec:
    """Each indicator's contribution to the score of `GET /v1/customers/{id}/health` (they
    add up to it); indicators without a value are named in the subtitle."""
    categories = [
        Category(
            indicator_name(i["kind"]),
            i["contribution"],
            f"{i['contribution']} ({i['points']} points x {i['weight_share']})",
        )
        for i in score["indicators"]
        if i["contribution"] is not None
    ]
    profile = score["profile"]
    if score["score"] is None:
        headline = f"No score on {score['as_of_date']} ({score['undefined_reason']})"
    else:
        headline = f"Score {score['score']} ({score['band']}) on {score['as_of_date']}"
    skipped = [
        f"{indicator_name(i['kind'])} ({i['missing_reason']})"
        for i in score["indicators"]
        if i["contribution"] is None
    ]
    return category_bars(
        categories,
        options,
        title="Health score by indicator",
        subtitle=f"{headline}, {profile['name']} v{profile['version']}"
        + (f"; no value: {', '.join(skipped)}" if skipped else ""),
        colors=None,
    )


def pulse_by_customers(book: Payload, options: ChartOptions) -> Spec:
    """Customers per pulse status (`GET /v1/pulse-book`), customers without a pulse last."""
    statuses = book["statuses"]
    return category_bars(
        [
            Category(
                PULSE_NAMES[s["status"]],
                str(s["customers"]),
                f"{s['customers']} customer{'' if s['customers'] == 1 else 's'}",
            )
            for s in statuses
        ],
        options,
        title="Pulse by customers",
        subtitle=f"As of {book['as_of_date']}",
        colors=[BAND_COLORS.get(s["status"], NO_PULSE_COLOR) for s in statuses],
    )


def book_currencies(book: Payload) -> list[str]:
    """The currencies of the ARR in the pulse book, sorted."""
    return sorted({a["currency"] for s in book["statuses"] for a in s["arr"]})


def pulse_by_arr(book: Payload, currency: str | None, options: ChartOptions) -> Spec:
    """ARR per pulse status in one currency (`GET /v1/pulse-book`; amounts in different
    currencies are never added). A status without ARR in it draws 0."""
    statuses = book["statuses"]
    categories = []
    for s in statuses:
        amount = next((a["amount"] for a in s["arr"] if a["currency"] == currency), None)
        shown = amount if amount is not None else "0"
        label = "no ARR" if currency is None else money_label(shown, currency)
        categories.append(Category(PULSE_NAMES[s["status"]], shown, label))
    return category_bars(
        categories,
        options,
        title=f"Pulse by ARR ({currency})" if currency else "Pulse by ARR",
        subtitle=f"As of {book['as_of_date']}"
        + ("" if currency else ": no customer has ARR on that date"),
        colors=[BAND_COLORS.get(s["status"], NO_PULSE_COLOR) for s in statuses],
    )


def _window(scores: Payload) -> str:
    window = scores["window"]
    return f"{window['first_day']} to {window['last_day']}"


def margin_text(group: Payload) -> str:
    """'NPS 30.00 ± 42.13 (95 % interval -19.05 to 65.21), 10 answers'."""
    count = group["response_count"]
    answers = f"{count} answer{'' if count == 1 else 's'}"
    if group["score"] is None:
        return f"no NPS ({answers})"
    if group["margin_of_error"] is None:
        return f"NPS {group['score']}, {answers}"
    return (
        f"NPS {group['score']} ± {group['margin_of_error']} (95 % interval "
        f"{group['interval_low']} to {group['interval_high']}), {answers}"
    )


def nps_distribution(scores: Payload, options: ChartOptions) -> Spec:
    """How many answered each of 0-10 (`GET /v1/survey-scores?kind=nps`, one group):
    detractors, passives and promoters coloured; the score and its margin of error in
    the subtitle."""
    (group,) = scores["groups"]
    entries = group["distribution"]
    colors = [
        _DETRACTOR if e["answer"] <= 6 else _PASSIVE if e["answer"] <= 8 else _PROMOTER
        for e in entries
    ]
    return category_bars(
        [Category(str(e["answer"]), str(e["count"]), str(e["count"])) for e in entries],
        options,
        title="NPS answers",
        subtitle=f"{_window(scores)}: {margin_text(group)}",
        colors=colors,
    )


def nps_by_group(scores: Payload, options: ChartOptions) -> Spec:
    """NPS per group (`GET /v1/survey-scores?kind=nps&group_by=...`) with the 95 % interval
    as an error bar; a group without a score is left out."""
    groups = [g for g in scores["groups"] if g["score"] is not None]
    return category_bars(
        [
            Category(
                g["label"] or g["key"] or "All answers",
                g["score"],
                g["score"]
                if g["margin_of_error"] is None
                else f"{g['score']} ± {g['margin_of_error']}",
                low=g["interval_low"],
                high=g["interval_high"],
            )
            for g in groups
        ],
        options,
        title=f"NPS by {scores['group_by']}",
        subtitle=f"{_window(scores)}: bars at the score, whiskers the 95 % interval",
    )
