"""The sparse pre-aggregated form: rows only for customers with movements, totals for the rest."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from random import Random

import pytest

from valuecalc_core.months import Period
from valuecalc_core.revenue import (
    CustomerPeriodAggregate,
    Granularity,
    InconsistentAggregateError,
    MovementTotals,
    PeriodAggregate,
    QuickRatioBand,
    RevenuePeriod,
    SparseGroup,
    SparsePeriodAggregate,
    SplitBy,
    metric_series_from_aggregates,
    metric_series_from_sparse,
    period_metrics,
    sparse_from_aggregate,
    sparse_period_metrics,
)
from valuecalc_core.revenue.sparse import SLICE

D = Decimal
Q1 = RevenuePeriod.of_months(Period.parse("2026-01", "2026-03"))
Q2 = RevenuePeriod.of_months(Period.parse("2026-04", "2026-06"))


def r2_group(segment: str | None = None) -> SparseGroup:
    """SPEC 4's R2: A, B, C, D move and E joins; nobody is steady."""
    return SparseGroup(
        segment,
        None,
        moved_arr_start=(D(100), D(200), D(50), D(150), D(0)),
        moved_arr_end=(D(120), D(150), D(0), D(180), D(80)),
        movements=MovementTotals(
            new=D(80), upsell=D(20), cross_sell=D(30), downsell=D(50), churn=D(50)
        ),
    )


def test_r2_from_a_sparse_group() -> None:
    metrics = sparse_period_metrics(SparsePeriodAggregate(Q1, "USD", (r2_group(),)))
    retention = metrics.retention
    assert (retention.grr.numerator, retention.grr.denominator) == (D(400), D(500))
    assert retention.grr.rounded() == D("0.8000")
    assert retention.nrr.rounded() == D("0.9000")
    assert (retention.customers_at_start, retention.customers_joined) == (4, 1)
    assert retention.logo_retention.rounded() == D("0.7500")
    assert metrics.quick_ratio.ratio.value == D("1.3")
    assert metrics.quick_ratio.band is QuickRatioBand.BAD


def test_steady_customers_count_fully_in_every_retention() -> None:
    """R2 plus 3 steady customers with 570 in total: each keeps all its ARR."""
    group = r2_group()
    steady = SparseGroup(None, "ana", steady_customers=3, steady_arr=D(570))
    metrics = sparse_period_metrics(SparsePeriodAggregate(Q1, "USD", (group, steady)))
    retention = metrics.retention
    assert (retention.grr.numerator, retention.grr.denominator) == (D(970), D(1070))
    assert retention.nrr.numerator == D(1020)
    assert (retention.logo_retention.numerator, retention.logo_retention.denominator) == (
        D(6),
        D(7),
    )
    assert retention.ending_arr == D(1100)
    assert metrics.movements == group.movements  # steady customers have no movements


def test_splits_by_segment_and_owner_leave_out_groups_with_nobody_in_them() -> None:
    first = SparsePeriodAggregate(
        Q1,
        "USD",
        (
            r2_group("enterprise"),
            SparseGroup("smb", "ben", steady_customers=2, steady_arr=D(300)),
            SparseGroup("mid_market", "ana"),  # nobody in the cohort, no movements
        ),
    )
    second = SparsePeriodAggregate(
        Q2, "USD", (SparseGroup("smb", "ben", steady_customers=2, steady_arr=D(300)),)
    )
    series = metric_series_from_sparse(
        [first, second], Granularity.QUARTER, split_by=SplitBy.SEGMENT
    )
    assert [key for key, _ in series.splits] == ["enterprise", "smb"]
    enterprise = dict(series.splits)["enterprise"]
    assert enterprise[0].retention.grr.value == D("0.8")
    assert enterprise[1].retention.grr.value is None  # no cohort in Q2
    assert series.points[0].retention.starting_arr == D(800)
    by_owner = metric_series_from_sparse(
        [first, second], Granularity.QUARTER, split_by=SplitBy.OWNER
    )
    assert [key for key, _ in by_owner.splits] == ["ben", None]


def test_groups_with_the_same_key_are_added_up() -> None:
    """E.g. one group per (segment, owner, currency) after conversion: it is one group."""
    whole = r2_group("smb")
    halves = (
        SparseGroup(
            "smb",
            None,
            moved_arr_start=(D(100), D(200)),
            moved_arr_end=(D(120), D(150)),
            movements=MovementTotals(upsell=D(20), downsell=D(50)),
        ),
        SparseGroup(
            "smb",
            None,
            moved_arr_start=(D(50), D(150), D(0)),
            moved_arr_end=(D(0), D(180), D(80)),
            movements=MovementTotals(new=D(80), cross_sell=D(30), churn=D(50)),
        ),
    )
    one = SparsePeriodAggregate(Q1, "USD", (whole,))
    two = SparsePeriodAggregate(Q1, "USD", halves)
    for split_by in (None, SplitBy.SEGMENT):
        assert metric_series_from_sparse(
            [two], Granularity.QUARTER, split_by=split_by
        ) == metric_series_from_sparse([one], Granularity.QUARTER, split_by=split_by)


def consistent_rows(count: int, seed: int) -> list[CustomerPeriodAggregate]:
    """Rows of every kind of customer: steady, grown, fell, churned, joined, in and out."""
    rng = Random(seed)
    rows = []
    for n in range(count):
        start = D(rng.choice((0, rng.randrange(1, 10**6)))).scaleb(-rng.choice((0, 2)))
        shape = rng.randrange(6)
        if shape == 0:  # steady
            rows.append(CustomerPeriodAggregate(f"c{n}", start, start, segment="s"))
            continue
        if start == 0:  # joins, or joins and leaves within the period
            end = D(rng.choice((0, rng.randrange(1, 10**6)))).scaleb(-2)
            totals = MovementTotals(new=end) if end else MovementTotals(new=D(7), churn=D(7))
        elif shape == 1:
            totals = MovementTotals(churn=start)
            end = start - start
        elif shape == 2:
            totals = MovementTotals(downsell=start / 2)
            end = start - start / 2
        else:
            totals = MovementTotals(upsell=D(shape), cross_sell=D("0.50"))
            end = start + shape + D("0.50")
        rows.append(
            CustomerPeriodAggregate(f"c{n}", start, end, totals, start == 0 and end > 0, "s")
        )
    return rows


def test_a_group_larger_than_a_slice_gives_the_same_numbers_as_the_rows() -> None:
    rows = consistent_rows(2 * SLICE + 7, seed=5)
    aggregate = PeriodAggregate(Q1, "USD", tuple(rows))
    sparse = sparse_from_aggregate(aggregate)
    assert len(sparse.groups) == 1
    assert len(sparse.groups[0].moved_arr_start) > SLICE
    # repr compares the Decimals' exponents too, not only their values.
    assert repr(sparse_period_metrics(sparse)) == repr(period_metrics(aggregate))


def test_periods_in_different_currencies_are_refused() -> None:
    usd = SparsePeriodAggregate(Q1, "USD", (r2_group(),))
    eur = SparsePeriodAggregate(Q2, "EUR", (r2_group(),))
    with pytest.raises(ValueError, match="different currencies") as error:
        metric_series_from_sparse([usd, eur], Granularity.QUARTER)
    assert getattr(error.value, "code", None) == "currency_mismatch"


def test_the_previous_form_and_the_sparse_form_agree_on_r2() -> None:
    rows = (
        CustomerPeriodAggregate("A", D(100), D(120), MovementTotals(upsell=D(20))),
        CustomerPeriodAggregate("B", D(200), D(150), MovementTotals(downsell=D(50))),
        CustomerPeriodAggregate("C", D(50), D(0), MovementTotals(churn=D(50))),
        CustomerPeriodAggregate("D", D(150), D(180), MovementTotals(cross_sell=D(30))),
        CustomerPeriodAggregate("E", D(0), D(80), MovementTotals(new=D(80)), joined=True),
    )
    aggregate = PeriodAggregate(Q1, "USD", rows)
    sparse = sparse_from_aggregate(aggregate)
    assert sparse == SparsePeriodAggregate(Q1, "USD", (r2_group(),))
    assert metric_series_from_sparse([sparse], Granularity.QUARTER) == (
        metric_series_from_aggregates([aggregate], Granularity.QUARTER)
    )


@pytest.mark.parametrize(
    ("group", "problem"),
    [
        (
            lambda: SparseGroup(None, None, 1, D(0)),
            "steady customers without ARR",
        ),
        (
            lambda: SparseGroup(None, None, 0, D(10)),
            "steady customers without ARR",
        ),
        (lambda: SparseGroup(None, None, -1, D(10)), "below 0"),
        (
            lambda: SparseGroup(None, None, moved_arr_start=(D(1), D(2)), moved_arr_end=(D(1),)),
            "2 ARR values at the start but 1 at the end",
        ),
        (
            lambda: SparseGroup(None, None, moved_arr_start=(D(-1),), moved_arr_end=(D(0),)),
            "an ARR below 0",
        ),
        (
            lambda: SparseGroup(
                "smb",
                "ana",
                moved_arr_start=(D(100),),
                moved_arr_end=(D(130),),
                movements=MovementTotals(upsell=D(20)),
            ),
            "segment 'smb', owner 'ana': ARR of the customers with movements changes by 30 "
            "but their movements add up to 20",
        ),
    ],
    ids=["count-without-arr", "arr-without-count", "negative-count", "lengths", "negative", "sums"],
)
def test_inconsistent_groups_are_refused(group: Callable[[], SparseGroup], problem: str) -> None:
    with pytest.raises(InconsistentAggregateError, match=problem) as error:
        group()
    assert error.value.code == "inconsistent_aggregate"
