"""Invariants of the revenue metrics over generated valid ledgers."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from valuecalc_core.months import Month, Period
from valuecalc_core.revenue import (
    Customer,
    FxRates,
    Granularity,
    Ledger,
    Movement,
    MovementKind,
    PeriodMetrics,
    QuickRatioBand,
    RevenuePeriod,
    SplitBy,
    aggregate_period,
    aggregate_series,
    arr_bridge,
    ledger_period_metrics,
    metric_series,
    metric_series_from_aggregates,
    metric_series_from_sparse,
    movements_from_contracts,
    period_metrics,
    series_periods,
    sparse_from_aggregate,
    sparse_period_metrics,
    sparse_series,
)

from .strategies import (
    MONTHS,
    ORIGIN,
    CustomerPath,
    contract_lines_of,
    ledger_of,
    ledger_paths,
    ledgers,
    month_spans,
    movements_of,
)

DAY = datetime.timedelta(days=1)


@st.composite
def periods(draw: st.DrawFn) -> RevenuePeriod:
    """A period of dates inside (or around) the generated months."""
    first = datetime.date(2025, 12, 1)
    offsets = st.integers(0, 31 * (MONTHS + 2))
    a, b = draw(offsets), draw(offsets)
    return RevenuePeriod(first + min(a, b) * DAY, first + max(a, b) * DAY)


def ratios(metrics: PeriodMetrics) -> tuple[Decimal | None, ...]:
    r = metrics.retention
    return (
        r.grr.value,
        r.nrr.value,
        r.logo_retention.value,
        metrics.quick_ratio.ratio.value,
        metrics.renewals.gross_renewal_rate.value,
        metrics.renewals.net_renewal_rate.value,
    )


@given(ledgers(), periods(), st.none() | periods().map(lambda p: p.end))
def test_ratios_stay_in_their_ranges(
    ledger: Ledger, period: RevenuePeriod, as_of: datetime.date | None
) -> None:
    metrics = ledger_period_metrics(ledger, period, as_of=as_of)
    grr, nrr, logo = (
        metrics.retention.grr.value,
        metrics.retention.nrr.value,
        metrics.retention.logo_retention.value,
    )
    assert (grr is None) == (nrr is None) == (logo is None)
    if grr is not None and nrr is not None and logo is not None:
        assert 0 <= grr <= 1
        assert grr <= nrr
        assert 0 <= logo <= 1
    gross = metrics.renewals.gross_renewal_rate.value
    net = metrics.renewals.net_renewal_rate.value
    if gross is not None and net is not None:
        assert 0 <= gross <= 1
        assert gross <= net
    quick = metrics.quick_ratio
    if quick.ratio.value is None:
        assert quick.band is QuickRatioBand.UNDEFINED
        assert quick.ratio.denominator == 0
    else:
        assert quick.ratio.value >= 0


@given(ledgers(), periods())
def test_retention_matches_the_definition_customer_by_customer(
    ledger: Ledger, period: RevenuePeriod
) -> None:
    """SPEC 4 evaluated literally from each customer's ARR at the two dates."""
    day_before = period.start - DAY
    cohort = [
        (ledger.arr_at(c.id, day_before), ledger.arr_at(c.id, period.end))
        for c in ledger.customers
        if ledger.arr_at(c.id, day_before) > 0
    ]
    retention = ledger_period_metrics(ledger, period).retention
    assert retention.grr.numerator == sum((min(s, e) for s, e in cohort), Decimal(0))
    assert retention.grr.denominator == sum((s for s, _ in cohort), Decimal(0))
    assert retention.nrr.numerator == sum((e for _, e in cohort), Decimal(0))
    assert retention.logo_retention.numerator == sum(1 for _, e in cohort if e > 0)
    assert retention.logo_retention.denominator == len(cohort)


def scaled(ledger: Ledger, factor: Decimal) -> Ledger:
    return Ledger(
        ledger.customers,
        tuple(replace(m, amount=m.amount * factor) for m in ledger.movements),
        tuple(replace(r, renewable_arr=r.renewable_arr * factor) for r in ledger.renewals),
    )


@given(ledgers(), periods(), st.sampled_from([Decimal(3), Decimal("0.5"), Decimal("1000.01")]))
def test_scaling_every_amount_changes_no_ratio(
    ledger: Ledger, period: RevenuePeriod, factor: Decimal
) -> None:
    before = ledger_period_metrics(ledger, period)
    after = ledger_period_metrics(scaled(ledger, factor), period)
    assert ratios(after) == ratios(before)
    assert after.quick_ratio.band is before.quick_ratio.band


@given(ledgers(), periods(), st.randoms(use_true_random=False))
def test_the_order_of_movements_and_customers_changes_nothing(
    ledger: Ledger, period: RevenuePeriod, rng: Random
) -> None:
    movements = list(ledger.movements)
    customers = list(ledger.customers)
    rng.shuffle(movements)
    rng.shuffle(customers)
    shuffled = Ledger(tuple(customers), tuple(movements), tuple(reversed(ledger.renewals)))
    assert ledger_period_metrics(shuffled, period) == ledger_period_metrics(ledger, period)
    span = Period(ORIGIN, ORIGIN + (MONTHS - 1))
    assert metric_series(shuffled, span, split_by=SplitBy.OWNER) == metric_series(
        ledger, span, split_by=SplitBy.OWNER
    )


@given(ledgers(), periods(), st.integers(1, 10**7).map(Decimal))
def test_a_customer_new_in_the_period_changes_no_retention(
    ledger: Ledger, period: RevenuePeriod, amount: Decimal
) -> None:
    newcomer = Customer("newcomer", "Newcomer", "USD")
    joined = Ledger(
        (*ledger.customers, newcomer),
        (*ledger.movements, Movement("n1", "newcomer", period.end, MovementKind.NEW, amount)),
        ledger.renewals,
    )
    before = ledger_period_metrics(ledger, period).retention
    after = ledger_period_metrics(joined, period).retention
    assert (after.grr, after.nrr, after.logo_retention) == (
        before.grr,
        before.nrr,
        before.logo_retention,
    )
    assert after.customers_joined == before.customers_joined + 1


def closed_path(path: CustomerPath) -> CustomerPath:
    """The path with one more month at 0, so a contract's final churn is in range."""
    return replace(
        path,
        levels=(*path.levels, Decimal(0)),
        days=(*path.days, 1),
        cross_sell=(*path.cross_sell, False),
        renewal_month=None,
    )


@given(ledger_paths(), st.booleans())
def test_movements_from_contract_lines_agree_with_hand_written_ones(
    paths: tuple[CustomerPath, ...], split: bool
) -> None:
    closed = [closed_path(path) for path in paths]
    derived = movements_from_contracts(
        [line for path in closed for line in contract_lines_of(path, split=split)]
    )
    hand_written = [m for path in closed for m in movements_of(path, first_of_month=True)]

    def key(m: Movement) -> tuple[str, datetime.date, MovementKind, Decimal]:
        return (m.customer_id, m.date, m.kind, m.amount)

    assert sorted(map(key, derived)) == sorted(map(key, hand_written))


@given(
    ledgers(),
    month_spans,
    st.sampled_from(Granularity),
    st.none() | st.sampled_from(SplitBy),
    st.none() | periods().map(lambda p: p.end),
)
def test_raw_and_pre_aggregated_series_agree(
    ledger: Ledger,
    span: tuple[Month, Month],
    granularity: Granularity,
    split_by: SplitBy | None,
    as_of: datetime.date | None,
) -> None:
    months = Period(*span)
    raw = metric_series(ledger, months, granularity, split_by=split_by, as_of=as_of)
    aggregates = [
        aggregate_period(ledger, p, as_of=as_of) for p in series_periods(months, granularity)
    ]
    assert raw == metric_series_from_aggregates(aggregates, granularity, split_by=split_by)
    assert [p.period for p in raw.points] == [a.period for a in aggregates]
    swept = aggregate_series(ledger, months, granularity, as_of=as_of)
    assert raw == metric_series_from_aggregates(swept, granularity, split_by=split_by)
    sparse = sparse_series(ledger, months, granularity, as_of=as_of)
    assert raw == metric_series_from_sparse(sparse, granularity, split_by=split_by)
    converted = [sparse_from_aggregate(aggregate) for aggregate in aggregates]
    assert raw == metric_series_from_sparse(converted, granularity, split_by=split_by)


@given(ledgers(), periods(), st.none() | periods().map(lambda p: p.end))
def test_the_sparse_form_gives_the_same_numbers_as_the_row_per_customer_form(
    ledger: Ledger, period: RevenuePeriod, as_of: datetime.date | None
) -> None:
    """Any period (not only whole months); repr compares the Decimals' exponents too.

    (`period_metrics(aggregate_period(...))` is the raw path `ledger_period_metrics`.)"""
    aggregate = aggregate_period(ledger, period, as_of=as_of)
    sparse = sparse_from_aggregate(aggregate)
    assert repr(sparse_period_metrics(sparse)) == repr(period_metrics(aggregate))
    # Only customers with movements have a position in the columns.
    moved = sum(1 for row in aggregate.customers if row.movements is not None)
    assert sum(len(group.moved_arr_start) for group in sparse.groups) == moved


@st.composite
def rate_tables(draw: st.DrawFn) -> FxRates:
    rate = st.integers(1, 400_000).map(lambda n: Decimal(n).scaleb(-4))
    return FxRates(
        "USD",
        {(currency, ORIGIN + i): draw(rate) for currency in ("EUR", "JPY") for i in range(MONTHS)},
    )


@given(
    ledger_paths(currencies=("USD", "EUR", "JPY")),
    rate_tables(),
    month_spans,
    st.none() | st.sampled_from(SplitBy),
)
def test_converted_series_agree_and_the_bridge_adds_up(
    paths: tuple[CustomerPath, ...],
    fx: FxRates,
    span: tuple[Month, Month],
    split_by: SplitBy | None,
) -> None:
    ledger = ledger_of(paths)
    months = Period(*span)
    month = Granularity.MONTH
    raw = metric_series(ledger, months, month, split_by=split_by, fx=fx)
    aggregates = [aggregate_period(ledger, p, fx=fx) for p in series_periods(months, month)]
    assert raw == metric_series_from_aggregates(aggregates, month, split_by=split_by)
    swept = aggregate_series(ledger, months, month, fx=fx)
    assert raw == metric_series_from_aggregates(swept, month, split_by=split_by)
    sparse = sparse_series(ledger, months, month, fx=fx)
    assert raw == metric_series_from_sparse(sparse, month, split_by=split_by)
    assert raw == metric_series_from_sparse(
        [sparse_from_aggregate(aggregate) for aggregate in aggregates], month, split_by=split_by
    )
    for aggregate, point in zip(aggregates, raw.points, strict=True):
        bridge = arr_bridge(aggregate)
        gained = bridge.new + bridge.expansion + bridge.reactivation
        assert (
            bridge.opening_arr + gained - bridge.contraction - bridge.churn + bridge.fx_effect
            == (bridge.closing_arr)
        )
        # Constant currency: FX moves no customer's retention.
        assert point.retention.grr.value is None or point.retention.grr.value <= 1
