"""Examples of the revenue read bodies for the contract, computed by the core from SPEC 4's
worked examples (R2's book, R1-like renewals), so they show exactly what the API answers."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from valuecalc_api.revenue import metrics_schemas as out
from valuecalc_api.revenue.record_schemas import LedgerRowResult, LedgerWriteCounts
from valuecalc_core.months import Month, Period
from valuecalc_core.revenue import (
    Customer,
    Granularity,
    Lead,
    LeadStatus,
    Ledger,
    Movement,
    MovementKind,
    Renewal,
    RenewalOutcome,
    RevenuePeriod,
    SplitBy,
    ledger_arr_bridge,
    metric_series,
    summarize_leads,
)

D = Decimal
_DAY = datetime.date


def _book() -> Ledger:
    """R2: A 100, B 200, C 50, D 150 at the start; A +20, B -50, C churns, D +30, E new 80;
    B's renewal loses 50, A's gains 20."""
    customers = tuple(
        Customer(name, f"Customer {name}", "USD", segment, "jane.doe@vendor.example")
        for name, segment in (("A", "smb"), ("B", "smb"), ("C", "ent"), ("D", "ent"), ("E", "smb"))
    )
    renewals = (
        Renewal("rn-A", "A", _DAY(2026, 2, 10), D(100), RenewalOutcome.RENEWED, _DAY(2026, 2, 10)),
        Renewal("rn-B", "B", _DAY(2026, 3, 10), D(200), RenewalOutcome.RENEWED, _DAY(2026, 3, 10)),
    )
    movements = (
        Movement("a0", "A", _DAY(2025, 3, 1), MovementKind.NEW, D(100)),
        Movement("b0", "B", _DAY(2025, 4, 1), MovementKind.NEW, D(200)),
        Movement("c0", "C", _DAY(2025, 5, 1), MovementKind.NEW, D(50)),
        Movement("d0", "D", _DAY(2025, 6, 1), MovementKind.NEW, D(150)),
        Movement("a1", "A", _DAY(2026, 2, 10), MovementKind.UPSELL, D(20), "rn-A"),
        Movement("b1", "B", _DAY(2026, 3, 10), MovementKind.DOWNSELL, D(50), "rn-B"),
        Movement("c1", "C", _DAY(2026, 4, 10), MovementKind.CHURN, D(50)),
        Movement("d1", "D", _DAY(2026, 5, 10), MovementKind.CROSS_SELL, D(30)),
        Movement("e0", "E", _DAY(2026, 6, 10), MovementKind.NEW, D(80)),
    )
    return Ledger(customers, movements, renewals)


def _set(model: type[BaseModel], example: BaseModel | dict[str, Any]) -> None:
    value = example if isinstance(example, dict) else example.model_dump(mode="json")
    model.model_config["json_schema_extra"] = {"examples": [value]}
    model.model_rebuild(force=True)


def attach_examples() -> None:
    """Give every revenue read model its example (called once, where the routes are made)."""
    ledger = _book()
    year = Period(Month.parse("2026-01"), Month.parse("2026-12"))
    quarters = metric_series(ledger, year, Granularity.QUARTER)
    series = out.series_out(quarters)
    split = out.metrics_out(metric_series(ledger, year, Granularity.YEAR, split_by=SplitBy.SEGMENT))
    period = split.total
    _set(out.RevenuePeriodOut, period.period)
    _set(out.RatioOut, period.grr)
    _set(out.QuickRatioOut, period.quick_ratio)
    _set(out.MovementBarOut, period.movements)
    _set(out.RenewalRatesOut, period.renewals)
    _set(out.WaterfallStepOut, period.renewals.waterfall[1])
    _set(out.PeriodMetricsOut, period)
    _set(out.SplitMetricsOut, split.splits[0])
    _set(out.RevenueMetricsOut, split)
    short = out.MetricSeriesOut(
        granularity=series.granularity,
        currency=series.currency,
        split_by=None,
        points=series.points[:1],
        splits=[],
    )
    _set(out.MetricSeriesOut, short)
    _set(out.SplitPointsOut, out.SplitPointsOut(key="smb", points=series.points[:1]))
    whole = RevenuePeriod.of_months(year)
    _set(out.ArrBridgeOut, out.bridge_out(ledger_arr_bridge(ledger, whole)))
    leads = [
        Lead("csql-1", "A", _DAY(2026, 2, 3), LeadStatus.WON, D(24000)),
        Lead("csql-2", "B", _DAY(2026, 3, 3), LeadStatus.LOST),
        Lead("csql-3", "D", _DAY(2026, 4, 3), LeadStatus.OPEN),
    ]
    summary = summarize_leads(leads, ledger.customers, whole)
    figures = out.lead_summary_out(summary, [("jane.doe@vendor.example", summary)])
    _set(out.LeadFiguresOut, figures.owners[0])
    _set(out.LeadSummaryOut, figures)
    customer = out.CustomerArrOut(
        customer_id=uuid.UUID("0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"),
        customer_external_id="crm-0042",
        arr="120000",
        currency="USD",
    )
    _set(out.CustomerArrOut, customer)
    _set(out.ArrAtOut, out.ArrAtOut(at=_DAY(2026, 6, 30), customers=[customer]))
    _set(LedgerWriteCounts, {"created": 1, "updated": 0, "unchanged": 0, "deleted": 0})
    _set(
        LedgerRowResult,
        {
            "row": 0,
            "key": "mv-1001",
            "id": "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4",
            "status": "created",
            "version": 1,
        },
    )
