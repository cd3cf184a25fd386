"""Converted reports: constant-currency metrics and the FX effect on its own line (SPEC 2, 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from valuecalc_core.months import Month, Period
from valuecalc_core.revenue import (
    Customer,
    FxRates,
    Ledger,
    MissingFxRateError,
    Movement,
    MovementKind,
    QuickRatioBand,
    RevenuePeriod,
    ledger_arr_bridge,
    ledger_period_metrics,
)
from valuecalc_core.revenue.fx import InvalidFxRateError

D = Decimal
Q1 = RevenuePeriod.of_months(Period.parse("2026-01", "2026-03"))
RATES = FxRates(
    "USD",
    {
        ("EUR", Month.parse("2026-01")): D("1.10"),
        ("EUR", Month.parse("2026-03")): D("1.20"),
    },
)


def ledger(*extra: Movement) -> Ledger:
    return Ledger(
        (Customer("us", "US Co", "USD"), Customer("eu", "EU GmbH", "EUR")),
        (
            Movement("us0", "us", date(2025, 6, 1), MovementKind.NEW, D(1000)),
            Movement("eu0", "eu", date(2025, 6, 1), MovementKind.NEW, D(1000)),
            *extra,
        ),
    )


def test_fx_change_alone_is_neither_expansion_nor_contraction() -> None:
    metrics = ledger_period_metrics(ledger(), Q1, fx=RATES)
    assert metrics.currency == "USD"
    assert metrics.retention.starting_arr == D("2100.00")
    assert metrics.retention.nrr.value == 1
    assert metrics.retention.grr.value == 1
    assert metrics.quick_ratio.band is QuickRatioBand.UNDEFINED
    bridge = ledger_arr_bridge(ledger(), Q1, fx=RATES)
    assert (bridge.opening_arr, bridge.fx_effect, bridge.closing_arr) == (
        D("2100.00"),
        D("100.00"),
        D("2200.00"),
    )


def test_converted_report_values_movements_at_the_start_rate_and_shows_fx_apart() -> None:
    upsell = Movement("eu1", "eu", date(2026, 2, 10), MovementKind.UPSELL, D(100))
    metrics = ledger_period_metrics(ledger(upsell), Q1, fx=RATES)
    # Constant currency: EU's 1100 EUR at the end is valued at January's 1.10.
    assert metrics.retention.nrr.numerator == D("2210.00")
    assert metrics.retention.nrr.denominator == D("2100.00")
    assert metrics.movements.upsell == D("110.00")
    bridge = ledger_arr_bridge(ledger(upsell), Q1, fx=RATES)
    assert bridge.expansion == D("110.00")
    assert bridge.fx_effect == D("110.00")  # 1100 EUR x (1.20 - 1.10)
    assert bridge.closing_arr == D("2320.00")  # 1000 USD + 1100 EUR x 1.20
    assert (
        bridge.opening_arr
        + bridge.new
        + bridge.expansion
        + bridge.reactivation
        - bridge.contraction
        - bridge.churn
        + bridge.fx_effect
        == bridge.closing_arr
    )


def test_missing_end_month_rate_names_currency_and_month() -> None:
    rates = FxRates("USD", {("EUR", Month.parse("2026-01")): D("1.1")})
    with pytest.raises(MissingFxRateError, match=r"EUR to USD for 2026-03") as error:
        ledger_period_metrics(ledger(), Q1, fx=rates)
    assert error.value.code == "missing_fx_rate"


def test_rates_must_be_positive() -> None:
    with pytest.raises(InvalidFxRateError):
        FxRates("USD", {("EUR", Month.parse("2026-01")): D(0)})
