"""The pre-aggregated form: what the API hands the core after PostgreSQL's GROUP BY."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from valuecalc_core.months import Period
from valuecalc_core.revenue import (
    CustomerPeriodAggregate,
    InconsistentAggregateError,
    MovementTotals,
    PeriodAggregate,
    QuickRatioBand,
    RenewalAggregate,
    RevenuePeriod,
    period_metrics,
)

D = Decimal
Q1 = RevenuePeriod.of_months(Period.parse("2026-01", "2026-03"))


def r2_rows() -> tuple[CustomerPeriodAggregate, ...]:
    """SPEC 4's R2 as GROUP BY rows."""
    return (
        CustomerPeriodAggregate("A", D(100), D(120), MovementTotals(upsell=D(20))),
        CustomerPeriodAggregate("B", D(200), D(150), MovementTotals(downsell=D(50))),
        CustomerPeriodAggregate("C", D(50), D(0), MovementTotals(churn=D(50))),
        CustomerPeriodAggregate("D", D(150), D(180), MovementTotals(cross_sell=D(30))),
        CustomerPeriodAggregate("E", D(0), D(80), MovementTotals(new=D(80)), joined=True),
        CustomerPeriodAggregate("F", D(70), D(70)),  # no movement in the period
    )


def test_r2_from_group_by_rows() -> None:
    metrics = period_metrics(PeriodAggregate(Q1, "USD", r2_rows()))
    retention = metrics.retention
    assert (retention.grr.numerator, retention.grr.denominator) == (D(470), D(570))
    assert (retention.nrr.numerator, retention.nrr.denominator) == (D(520), D(570))
    assert retention.logo_retention.value == D(4) / D(5)
    assert metrics.quick_ratio.ratio.value == D("1.3")
    assert metrics.quick_ratio.band is QuickRatioBand.BAD
    assert metrics.movements == MovementTotals(D(80), D(20), D(30), D(50), D(50), D(0))


def test_renewal_rows_give_rates_and_open_renewals() -> None:
    renewals = (
        RenewalAggregate("r1", "A", date(2026, 1, 9), D(1000), False, churn=D(100), upsell=D(50)),
        RenewalAggregate("r2", "B", date(2026, 2, 9), D(500), True),
    )
    rates = period_metrics(PeriodAggregate(Q1, "USD", (), renewals)).renewals
    assert rates.gross_renewal_rate.value == D("0.9")
    assert rates.net_renewal_rate.value == D("0.95")
    assert (rates.open_renewals, rates.open_renewable_arr) == (1, D(500))


@pytest.mark.parametrize(
    ("start", "end", "totals", "joined"),
    [
        (D(100), D(90), None, False),
        (D(100), D(130), MovementTotals(upsell=D(20)), False),
        (D(0), D(20), MovementTotals(new=D(20)), False),
        (D(-5), D(-5), None, False),
    ],
    ids=["changed-without-movements", "end-not-start-plus-movements", "joined-flag", "negative"],
)
def test_inconsistent_rows_are_refused(
    start: Decimal, end: Decimal, totals: MovementTotals | None, joined: bool
) -> None:
    with pytest.raises(InconsistentAggregateError) as error:
        CustomerPeriodAggregate("A", start, end, totals, joined)
    assert error.value.code == "inconsistent_aggregate"
    assert "'A'" in str(error.value)


def test_renewal_losses_above_renewable_are_refused() -> None:
    with pytest.raises(InconsistentAggregateError):
        RenewalAggregate("r1", "A", date(2026, 1, 9), D(100), False, churn=D(100), downsell=D(1))


def test_negative_movement_sums_are_refused() -> None:
    with pytest.raises(InconsistentAggregateError, match="below 0"):
        MovementTotals(upsell=D(-1))


def test_logo_renewal_rate_is_renewed_over_decided_with_open_ones_apart() -> None:
    from valuecalc_core.revenue.period import RevenuePeriod
    from valuecalc_core.revenue.renewals import renewal_rates

    rows = [
        RenewalAggregate("r1", "A", date(2026, 1, 9), D(100), False, upsell=D(10)),
        RenewalAggregate("r2", "B", date(2026, 1, 9), D(50), False, churn=D(50), churned=True),
        RenewalAggregate("r3", "C", date(2026, 1, 9), D(70), False, downsell=D(20)),
        RenewalAggregate("r4", "D", date(2026, 1, 9), D(80), True),
    ]
    rates = renewal_rates(rows, RevenuePeriod(date(2026, 1, 1), date(2026, 1, 31)), "USD")
    assert rates.logo_renewal_rate is not None
    assert (rates.renewals_renewed, rates.renewals_decided) == (2, 3)
    assert rates.logo_renewal_rate.rounded() == D("0.6667")
    assert rates.open_renewals == 1
