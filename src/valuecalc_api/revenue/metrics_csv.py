"""The revenue reads as CSV (SPEC 6): one row per period (and split), one column per figure.

Figures are the same strings as in the JSON answers; user text (segment, owner) is made safe
for spreadsheets.
"""

from __future__ import annotations

from valuecalc_api.reports.csv_export import Cell, render, text_cell
from valuecalc_api.revenue.metrics_schemas import (
    ArrAtOut,
    ArrBridgeOut,
    LeadSummaryOut,
    MetricSeriesOut,
    PeriodMetricsOut,
    RenewalRatesOut,
    RevenueMetricsOut,
)

_METRIC_HEAD: list[Cell] = [
    "split",
    "start",
    "end",
    "currency",
    "grr",
    "nrr",
    "logo_retention",
    "quick_ratio",
    "quick_ratio_band",
    "starting_arr",
    "retained_arr",
    "cohort_ending_arr",
    "ending_arr",
    "customers_at_start",
    "customers_at_end",
    "customers_joined",
    "new",
    "expansion",
    "reactivation",
    "contraction",
    "churn",
    "net",
    "gross_renewal_rate",
    "net_renewal_rate",
    "logo_renewal_rate",
    "open_renewals",
]


def _key(key: str | None) -> Cell:
    return None if key is None else text_cell(key)


def _metric_row(split: Cell, p: PeriodMetricsOut) -> list[Cell]:
    m, r = p.movements, p.renewals
    return [
        split,
        p.period.start.isoformat(),
        p.period.end.isoformat(),
        p.currency,
        p.grr.value,
        p.nrr.value,
        p.logo_retention.value,
        p.quick_ratio.ratio.value,
        p.quick_ratio.band,
        p.starting_arr,
        p.retained_arr,
        p.cohort_ending_arr,
        p.ending_arr,
        str(p.customers_at_start),
        str(p.customers_at_end),
        str(p.customers_joined),
        m.new,
        m.expansion,
        m.reactivation,
        m.contraction,
        m.churn,
        m.net,
        r.gross_renewal_rate.value,
        r.net_renewal_rate.value,
        r.logo_renewal_rate.value,
        str(r.open_renewals),
    ]


def series_csv(series: MetricSeriesOut) -> str:
    rows: list[list[Cell]] = [list(_METRIC_HEAD)]
    rows += [_metric_row("total", p) for p in series.points]
    for split in series.splits:
        rows += [_metric_row(_key(split.key), p) for p in split.points]
    return render(rows)


def metrics_csv(metrics: RevenueMetricsOut) -> str:
    rows: list[list[Cell]] = [list(_METRIC_HEAD), _metric_row("total", metrics.total)]
    rows += [_metric_row(_key(split.key), split.metrics) for split in metrics.splits]
    return render(rows)


def bridge_csv(bridge: ArrBridgeOut) -> str:
    lines = [
        ("opening_arr", bridge.opening_arr),
        ("new", bridge.new),
        ("expansion", bridge.expansion),
        ("reactivation", bridge.reactivation),
        ("contraction", bridge.contraction),
        ("churn", bridge.churn),
        ("fx_effect", bridge.fx_effect),
        ("closing_arr", bridge.closing_arr),
    ]
    rows: list[list[Cell]] = [["line", "amount", "currency"]]
    rows += [[name, amount, bridge.currency] for name, amount in lines]
    return render(rows)


def renewal_rates_csv(rates: RenewalRatesOut) -> str:
    rows: list[list[Cell]] = [["step", "amount", "level", "currency"]]
    rows += [[s.step, s.amount, s.level, rates.currency] for s in rates.waterfall]
    rows += [
        ["gross_renewal_rate", rates.gross_renewal_rate.value, None, None],
        ["net_renewal_rate", rates.net_renewal_rate.value, None, None],
        ["logo_renewal_rate", rates.logo_renewal_rate.value, None, None],
        ["open_renewals", str(rates.open_renewals), rates.open_renewable_arr, rates.currency],
    ]
    return render(rows)


def lead_summary_csv(summary: LeadSummaryOut) -> str:
    head: list[Cell] = ["owner", "raised", "open", "won", "lost", "closed_revenue", "win_rate"]
    rows: list[list[Cell]] = [head]
    for figures in [summary.total, *summary.owners]:
        owner = "total" if figures is summary.total else _key(figures.owner)
        rows.append(
            [
                owner,
                str(figures.raised),
                str(figures.open),
                str(figures.won),
                str(figures.lost),
                figures.closed_revenue,
                figures.win_rate.value,
            ]
        )
    return render(rows)


def arr_csv(arr: ArrAtOut) -> str:
    rows: list[list[Cell]] = [["customer_id", "customer_external_id", "arr", "currency"]]
    rows += [
        [str(c.customer_id), _key(c.customer_external_id), c.arr, c.currency] for c in arr.customers
    ]
    return render(rows)
