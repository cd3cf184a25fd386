"""Series by month / quarter / year, splits, logo-retention edge cases and the movement bars."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from valuecalc_core.months import Period
from valuecalc_core.revenue import (
    Customer,
    Granularity,
    Ledger,
    Movement,
    MovementKind,
    QuickRatioBand,
    RevenuePeriod,
    SplitBy,
    aggregate_period,
    ledger_period_metrics,
    metric_series,
    metric_series_from_aggregates,
    movement_bars,
    series_periods,
    split_period_metrics,
)

D = Decimal
K = MovementKind


def test_quarters_follow_the_calendar_and_are_clipped_to_the_span() -> None:
    periods = series_periods(Period.parse("2026-02", "2026-08"), Granularity.QUARTER)
    assert [str(p) for p in periods] == [
        "2026-02-01..2026-03-31",
        "2026-04-01..2026-06-30",
        "2026-07-01..2026-08-31",
    ]
    years = series_periods(Period.parse("2025-11", "2026-02"), Granularity.YEAR)
    assert [str(p) for p in years] == ["2025-11-01..2025-12-31", "2026-01-01..2026-02-28"]


def churn_and_return_ledger() -> Ledger:
    """A churns in Feb and returns in Mar (cohort); B churned last year and returns in Feb."""
    customers = (
        Customer("A", "A", "USD", segment="enterprise", owner="ana"),
        Customer("B", "B", "USD", segment="smb", owner="ana"),
        Customer("C", "C", "USD", segment="smb"),
    )
    movements = (
        Movement("a0", "A", date(2025, 3, 1), K.NEW, D(100)),
        Movement("a1", "A", date(2026, 2, 1), K.CHURN, D(100)),
        Movement("a2", "A", date(2026, 3, 1), K.REACTIVATION, D(60)),
        Movement("b0", "B", date(2025, 3, 1), K.NEW, D(40)),
        Movement("b1", "B", date(2025, 6, 1), K.CHURN, D(40)),
        Movement("b2", "B", date(2026, 2, 14), K.REACTIVATION, D(50)),
        Movement("c0", "C", date(2025, 3, 1), K.NEW, D(300)),
        Movement("c1", "C", date(2026, 1, 31), K.DOWNSELL, D(100)),
    )
    return Ledger(customers, movements)


def test_logo_retention_counts_a_cohort_return_as_retained_and_a_reactivation_as_joined() -> None:
    q1 = RevenuePeriod.of_months(Period.parse("2026-01", "2026-03"))
    retention = ledger_period_metrics(churn_and_return_ledger(), q1).retention
    assert retention.customers_at_start == 2  # A and C
    assert retention.customers_at_end == 3
    assert retention.customers_joined == 1  # B reactivated: outside the cohort
    assert retention.logo_retention.value == 1
    # A came back at 60: it counts 60 of its 100, never more than it started with.
    assert (retention.grr.numerator, retention.grr.denominator) == (D(260), D(400))
    assert retention.nrr.numerator == D(260)


def test_monthly_series_and_movement_bars() -> None:
    series = metric_series(churn_and_return_ledger(), Period.parse("2026-01", "2026-03"))
    grr = [p.retention.grr.rounded() for p in series.points]
    assert grr == [D("0.7500"), D("0.6667"), D("1.0000")]
    assert [p.retention.logo_retention.value for p in series.points] == [D(1), D("0.5"), D(1)]
    assert [p.quick_ratio.band for p in series.points] == [
        QuickRatioBand.BAD,
        QuickRatioBand.BAD,
        QuickRatioBand.UNDEFINED,
    ]
    assert series.points[2].quick_ratio.ratio.undefined_reason is not None
    bars = movement_bars(series)
    assert [(b.reactivation, b.contraction, b.churn, b.net) for b in bars] == [
        (D(0), D(-100), D(0), D(-100)),
        (D(50), D(0), D(-100), D(-50)),
        (D(60), D(0), D(0), D(60)),
    ]


def test_split_by_segment_gives_each_segment_and_the_total() -> None:
    q1 = RevenuePeriod.of_months(Period.parse("2026-01", "2026-03"))
    ledger = churn_and_return_ledger()
    split = split_period_metrics(aggregate_period(ledger, q1), SplitBy.SEGMENT)
    assert [key for key, _ in split.splits] == ["enterprise", "smb"]
    smb = split.for_key("smb")
    assert smb is not None
    assert smb.retention.grr.value == D(200) / D(300)
    assert smb.retention.customers_joined == 1
    assert split.total == ledger_period_metrics(ledger, q1)


def test_split_series_raw_and_aggregated_agree_per_owner() -> None:
    ledger = churn_and_return_ledger()
    span = Period.parse("2025-12", "2026-05")
    raw = metric_series(ledger, span, Granularity.QUARTER, split_by=SplitBy.OWNER)
    aggregates = [aggregate_period(ledger, p) for p in series_periods(span, Granularity.QUARTER)]
    assert raw == metric_series_from_aggregates(
        aggregates, Granularity.QUARTER, split_by=SplitBy.OWNER
    )
    assert [key for key, _ in raw.splits] == ["ana", None]
    ana = dict(raw.splits)["ana"]
    assert ana[1].retention.logo_retention.value == D(1)  # A returned within Q1


def test_a_period_with_no_cohort_is_undefined_not_an_error() -> None:
    before = RevenuePeriod(date(2020, 1, 1), date(2020, 12, 31))
    metrics = ledger_period_metrics(churn_and_return_ledger(), before)
    for result in (
        metrics.retention.grr,
        metrics.retention.nrr,
        metrics.retention.logo_retention,
        metrics.quick_ratio.ratio,
        metrics.renewals.gross_renewal_rate,
    ):
        assert result.value is None
        assert result.rounded() is None
        assert result.undefined_reason
