"""SPEC 4's worked examples R1 and R2, which must hold exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from valuecalc_core.months import Period
from valuecalc_core.revenue import (
    Customer,
    Ledger,
    Movement,
    MovementKind,
    QuickRatioBand,
    Renewal,
    RenewalOutcome,
    RevenuePeriod,
    aggregate_period,
    ledger_period_metrics,
    period_metrics,
)

Q1_2026 = RevenuePeriod.of_months(Period.parse("2026-01", "2026-03"))
D = Decimal


def r1_ledger() -> Ledger:
    """Renewable 349.3k (three renewals decided in Q1), one more renewal still open."""
    customers = tuple(Customer(c, c, "USD") for c in ("X", "Y", "Z", "W"))
    start = date(2025, 1, 15)
    movements = (
        Movement("x0", "X", start, MovementKind.NEW, D("149300")),
        Movement("y0", "Y", start, MovementKind.NEW, D("40000")),
        Movement("z0", "Z", start, MovementKind.NEW, D("160000")),
        Movement("w0", "W", start, MovementKind.NEW, D("50000")),
        Movement("x1", "X", date(2026, 1, 15), MovementKind.UPSELL, D("63200"), "rx"),
        Movement("y1", "Y", date(2026, 2, 15), MovementKind.CHURN, D("40000"), "ry"),
        Movement("z1", "Z", date(2026, 3, 15), MovementKind.DOWNSELL, D("25300"), "rz"),
    )
    renewals = (
        Renewal(
            "rx", "X", date(2026, 1, 15), D("149300"), RenewalOutcome.RENEWED, date(2026, 1, 15)
        ),
        Renewal(
            "ry", "Y", date(2026, 2, 15), D("40000"), RenewalOutcome.CHURNED, date(2026, 2, 15)
        ),
        Renewal(
            "rz", "Z", date(2026, 3, 15), D("160000"), RenewalOutcome.RENEWED, date(2026, 3, 20)
        ),
        Renewal("rw", "W", date(2026, 3, 30), D("50000")),
    )
    return Ledger(customers, movements, renewals)


def test_r1_renewal_rates_and_waterfall() -> None:
    renewals = ledger_period_metrics(r1_ledger(), Q1_2026, as_of=date(2026, 3, 31)).renewals

    assert renewals.renewable_arr == D("349300")
    assert renewals.gross_renewed == D("284000")
    assert renewals.net_renewed == D("347200")
    assert renewals.gross_renewal_rate.rounded() == D("0.8131")
    assert renewals.net_renewal_rate.rounded() == D("0.9940")
    assert [(s.step, s.amount, s.level) for s in renewals.waterfall] == [
        ("renewable", D("349300"), D("349300")),
        ("churn", D("-40000"), D("309300")),
        ("downsell", D("-25300"), D("284000")),
        ("gross_renewed", D("284000"), D("284000")),
        ("upsell", D("63200"), D("347200")),
        ("cross_sell", D("0"), D("347200")),
        ("net_renewed", D("347200"), D("347200")),
    ]
    # The renewal still open at as_of is reported on its own, never as churn.
    assert (renewals.open_renewals, renewals.open_renewable_arr) == (1, D("50000"))
    assert renewals.renewals_decided == 3


def test_r1_renewal_decided_after_as_of_is_still_open() -> None:
    renewals = ledger_period_metrics(r1_ledger(), Q1_2026, as_of=date(2026, 3, 18)).renewals

    # Z's renewal closed on 2026-03-20: at 2026-03-18 it is open, and its downsell not counted.
    assert renewals.open_renewals == 2
    assert renewals.open_renewable_arr == D("210000")
    assert renewals.renewable_arr == D("189300")
    assert renewals.gross_renewed == D("149300")
    assert renewals.net_renewed == D("212500")


def r2_ledger() -> Ledger:
    customers = tuple(Customer(c, c, "USD") for c in "ABCDE")
    before = date(2025, 12, 31)
    movements = (
        Movement("a0", "A", before, MovementKind.NEW, D(100)),
        Movement("b0", "B", before, MovementKind.NEW, D(200)),
        Movement("c0", "C", before, MovementKind.NEW, D(50)),
        Movement("d0", "D", before, MovementKind.NEW, D(150)),
        Movement("a1", "A", date(2026, 1, 1), MovementKind.UPSELL, D(20)),
        Movement("b1", "B", date(2026, 2, 10), MovementKind.DOWNSELL, D(50)),
        Movement("c1", "C", date(2026, 3, 5), MovementKind.CHURN, D(50)),
        Movement("d1", "D", date(2026, 3, 31), MovementKind.CROSS_SELL, D(30)),
        Movement("e1", "E", date(2026, 2, 1), MovementKind.NEW, D(80)),
    )
    return Ledger(customers, movements)


def test_r2_retention_and_quick_ratio() -> None:
    metrics = ledger_period_metrics(r2_ledger(), Q1_2026)
    retention = metrics.retention

    assert (retention.grr.numerator, retention.grr.denominator) == (D(400), D(500))
    assert retention.grr.rounded() == D("0.8000")
    assert (retention.nrr.numerator, retention.nrr.denominator) == (D(450), D(500))
    assert retention.nrr.rounded() == D("0.9000")
    assert retention.logo_retention.value == D("0.75")
    assert (retention.customers_at_end, retention.customers_joined) == (4, 1)
    assert retention.customers_at_start == 4
    quick = metrics.quick_ratio
    assert (quick.ratio.numerator, quick.ratio.denominator) == (D(130), D(100))
    assert quick.ratio.rounded() == D("1.3000")
    assert quick.band is QuickRatioBand.BAD


def test_r2_from_the_aggregated_form_is_identical() -> None:
    ledger = r2_ledger()
    assert period_metrics(aggregate_period(ledger, Q1_2026)) == ledger_period_metrics(
        ledger, Q1_2026
    )


def test_every_result_names_its_definition() -> None:
    metrics = ledger_period_metrics(r2_ledger(), Q1_2026)
    assert metrics.retention.grr.definition.startswith("GRR = sum over the cohort of min(")
    assert metrics.retention.nrr.definition.startswith("NRR = ")
    assert metrics.retention.logo_retention.definition.startswith("logo retention = ")
    assert metrics.quick_ratio.ratio.definition.startswith("quick ratio = ")
    assert metrics.renewals.gross_renewal_rate.definition.startswith("gross renewal rate = ")
