"""The revenue charts (SPEC 4), each one small builder over its report's JSON payload as
`GET /v1/revenue/...` serves it, mapped onto the ledger shapes (`ledger_charts`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valuecalc_api.charts.labels import month_label
from valuecalc_api.charts.ledger_charts import (
    StepKind,
    WaterfallStep,
    movement_bars,
    ratio_series,
    waterfall,
)
from valuecalc_api.charts.vega import ChartOptions, Spec

Payload = Mapping[str, Any]

_STEP_NAMES = {"cross_sell": "Cross-sell"}


def _period(payload: Payload) -> str:
    period = payload["period"]
    return f"{month_label(period['start'][:7])} to {month_label(period['end'][:7])}"


def renewal_waterfall(renewals: Payload, options: ChartOptions) -> Spec:
    """Renewable, -churn, -downsell, gross renewed, +upsell, +cross-sell, net renewed
    (`GET /v1/revenue/renewal-rates`): the report's steps, totals checked."""
    steps = [
        WaterfallStep(
            _STEP_NAMES.get(step["step"], step["step"].replace("_", " ").capitalize()),
            step["amount"],
            StepKind.CHANGE
            if not step["is_total"]
            else StepKind.START
            if index == 0
            else StepKind.SUBTOTAL,
        )
        for index, step in enumerate(renewals["waterfall"])
    ]
    gross = renewals["gross_renewal_rate"]["value"]
    net = renewals["net_renewal_rate"]["value"]
    rates = (
        "no renewal decided"
        if gross is None or net is None
        else f"gross renewal rate {gross}, net {net}"
    )
    return waterfall(
        steps,
        renewals["currency"],
        options,
        title="Renewal waterfall",
        subtitle=f"Renewals due {_period(renewals)}: {renewals['renewals_decided']} decided, "
        f"{renewals['open_renewals']} open; {rates}",
    )


def _months(series: Payload) -> list[str]:
    return [point["period"]["start"][:7] for point in series["points"]]


def movements(series: Payload, options: ChartOptions) -> Spec:
    """New, expansion and reactivation above zero, contraction and churn below, per
    period, with the quick ratio written over each (`GET /v1/revenue/metrics/series`)."""
    points = series["points"]
    names = {
        "new": "New",
        "expansion": "Expansion",
        "reactivation": "Reactivation",
        "contraction": "Contraction",
        "churn": "Churn",
    }
    return movement_bars(
        _months(series),
        {label: [p["movements"][key] for p in points] for key, label in names.items()},
        series["currency"],
        options,
        title="ARR movements",
        ratio=("QR", [p["quick_ratio"]["ratio"]["value"] for p in points]),
    )


def retention(series: Payload, options: ChartOptions) -> Spec:
    """GRR, NRR and logo retention per period (`GET /v1/revenue/metrics/series`)."""
    points = series["points"]
    return ratio_series(
        _months(series),
        {
            "GRR": [p["grr"]["value"] for p in points],
            "NRR": [p["nrr"]["value"] for p in points],
            "Logo retention": [p["logo_retention"]["value"] for p in points],
        },
        options,
        title=f"Retention by {series['granularity']}",
    )
