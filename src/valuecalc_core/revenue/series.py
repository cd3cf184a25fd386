"""Metric series by month, quarter or year, optionally split by segment or owner (SPEC 4).

The raw path (`metric_series`) sweeps the ledger once (see `sweep`); the aggregated path
(`metric_series_from_aggregates`) tallies each period's pre-aggregated rows, and the sparse path
(`metric_series_from_sparse`) each period's sparse groups (see `sparse`). All feed the same
tallies into the same assembly, and give identical results (checked by property tests and by
the benchmark). `aggregate_series` and `sparse_series` derive the pre-aggregated forms of every
period in one sweep.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum

from valuecalc_core.errors import CoreError
from valuecalc_core.months import Month, Period
from valuecalc_core.revenue.aggregate import (
    CustomerPeriodAggregate,
    PeriodAggregate,
    RenewalAggregate,
)
from valuecalc_core.revenue.fx import FxRates, reporting_currency
from valuecalc_core.revenue.ledger import Ledger
from valuecalc_core.revenue.metrics import (
    PeriodMetrics,
    SplitBy,
    metrics_from_tally,
    sorted_keys,
    split_key,
)
from valuecalc_core.revenue.period import RevenuePeriod, first_day, last_day
from valuecalc_core.revenue.ratio import EXACT
from valuecalc_core.revenue.sparse import SparseGroup, SparsePeriodAggregate, tally_groups
from valuecalc_core.revenue.sweep import Bucket, SplitKey, Sweep
from valuecalc_core.revenue.tally import PeriodTally, tally_rows

ZERO = Decimal(0)
ONE = Decimal(1)
_MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class SeriesError(CoreError):
    code = "invalid_series"


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """`points`: metrics over all customers per period; `splits`: the same per split key."""

    granularity: Granularity
    currency: str
    points: tuple[PeriodMetrics, ...]
    split_by: SplitBy | None = None
    splits: tuple[tuple[SplitKey, tuple[PeriodMetrics, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class MovementBar:
    """One bar of the movements chart: gains positive, losses negative (seed's stacked bars)."""

    period: RevenuePeriod
    new: Decimal
    expansion: Decimal
    reactivation: Decimal
    contraction: Decimal
    churn: Decimal
    net: Decimal


def series_periods(span: Period, granularity: Granularity) -> tuple[RevenuePeriod, ...]:
    """Calendar months, quarters or years covering `span`, the first and last clipped to it."""
    size = _MONTHS_PER[granularity.value]
    periods = []
    first = span.first
    while first <= span.last:
        bucket_end = Month(first.ordinal - first.ordinal % size + size - 1)
        last = min(bucket_end, span.last)
        periods.append(RevenuePeriod(first_day(first), last_day(last)))
        first = last + 1
    return tuple(periods)


def movement_bars(series: MetricSeries) -> tuple[MovementBar, ...]:
    with localcontext(EXACT):
        return tuple(
            MovementBar(
                p.period,
                p.movements.new,
                p.movements.expansion,
                p.movements.reactivation,
                -p.movements.contraction,
                -p.movements.churn,
                p.movements.net,
            )
            for p in series.points
        )


def _assemble(
    granularity: Granularity, currency: str, split_by: SplitBy | None, buckets: list[Bucket]
) -> MetricSeries:
    keys = sorted_keys(
        {key for _, tallies, renewals in buckets for key in tallies.keys() | renewals.keys()}
    )
    points = []
    per_key: dict[SplitKey, list[PeriodMetrics]] = {key: [] for key in keys}
    for period, tallies, renewals in buckets:
        total = PeriodTally()
        for key in keys:
            tally = tallies.get(key) or PeriodTally()
            total.merge(tally)
            if split_by is not None:
                per_key[key].append(
                    metrics_from_tally(tally, renewals.get(key, ()), period, currency)
                )
        every_renewal = [r for key in keys for r in renewals.get(key, ())]
        points.append(metrics_from_tally(total, every_renewal, period, currency))
    splits = tuple((key, tuple(per_key[key])) for key in keys) if split_by is not None else ()
    return MetricSeries(granularity, currency, tuple(points), split_by, splits)


def metric_series_from_aggregates(
    aggregates: Sequence[PeriodAggregate],
    granularity: Granularity,
    *,
    split_by: SplitBy | None = None,
) -> MetricSeries:
    """The series from pre-aggregated periods (one `PeriodAggregate` per period, in order)."""
    currency = _single_currency({aggregate.currency for aggregate in aggregates})
    key_of = split_key(split_by) if split_by is not None else None
    buckets: list[Bucket] = []
    for aggregate in aggregates:
        renewals: dict[SplitKey, list[RenewalAggregate]] = defaultdict(list)
        tallies: dict[SplitKey, PeriodTally]
        if key_of is None:
            tallies = {None: tally_rows(aggregate.customers)}
            if aggregate.renewals:
                renewals[None].extend(aggregate.renewals)
        else:
            grouped: dict[SplitKey, list[CustomerPeriodAggregate]] = defaultdict(list)
            for row in aggregate.customers:
                grouped[key_of(row)].append(row)
            tallies = {key: tally_rows(rows) for key, rows in grouped.items()}
            for renewal in aggregate.renewals:
                renewals[key_of(renewal)].append(renewal)
        buckets.append((aggregate.period, tallies, renewals))
    return _assemble(granularity, currency, split_by, buckets)


def metric_series_from_sparse(
    aggregates: Sequence[SparsePeriodAggregate],
    granularity: Granularity,
    *,
    split_by: SplitBy | None = None,
) -> MetricSeries:
    """The series from sparse pre-aggregated periods (one per period, in order; see `sparse`).

    Equal to `metric_series_from_aggregates` and `metric_series`; groups without any customer
    in the cohort or with movements are left out, as the raw path leaves such customers out.
    """
    currency = _single_currency({aggregate.currency for aggregate in aggregates})
    buckets: list[Bucket] = []
    for aggregate in aggregates:
        present = [group for group in aggregate.groups if not group.is_empty]
        renewals: dict[SplitKey, list[RenewalAggregate]] = defaultdict(list)
        tallies: dict[SplitKey, PeriodTally]
        if split_by is None:
            tallies = {None: tally_groups(present)}
            if aggregate.renewals:
                renewals[None].extend(aggregate.renewals)
        else:
            by_segment = split_by is SplitBy.SEGMENT
            grouped: dict[SplitKey, list[SparseGroup]] = defaultdict(list)
            for group in present:
                grouped[group.segment if by_segment else group.owner].append(group)
            tallies = {key: tally_groups(groups) for key, groups in grouped.items()}
            for renewal in aggregate.renewals:
                renewals[renewal.segment if by_segment else renewal.owner].append(renewal)
        buckets.append((aggregate.period, tallies, renewals))
    return _assemble(granularity, currency, split_by, buckets)


def _single_currency(currencies: set[str]) -> str:
    if len(currencies) > 1:
        raise SeriesError(
            f"The periods are in different currencies ({', '.join(sorted(currencies))}).",
            code="currency_mismatch",
        )
    return currencies.pop() if currencies else ""


def metric_series(
    ledger: Ledger,
    span: Period,
    granularity: Granularity = Granularity.MONTH,
    *,
    split_by: SplitBy | None = None,
    as_of: datetime.date | None = None,
    fx: FxRates | None = None,
) -> MetricSeries:
    """The series from raw movements, swept once (see the module docstring)."""
    currency = reporting_currency(ledger.currencies, fx)
    periods = series_periods(span, granularity)
    sweep = Sweep(ledger, periods, split_by, as_of, fx)
    with localcontext(EXACT):
        buckets = sweep.tally_periods()
    return _assemble(granularity, currency, split_by, buckets)


def aggregate_series(
    ledger: Ledger,
    span: Period,
    granularity: Granularity = Granularity.MONTH,
    *,
    as_of: datetime.date | None = None,
    fx: FxRates | None = None,
) -> tuple[PeriodAggregate, ...]:
    """The pre-aggregated form of every period of the series, from one sweep of the ledger.

    Equal to `aggregate_period` for each period (up to row order), in O(movements + periods x
    active customers) instead of O(periods x movements).
    """
    currency = reporting_currency(ledger.currencies, fx)
    periods = series_periods(span, granularity)
    sweep = Sweep(ledger, periods, None, as_of, fx)
    with localcontext(EXACT):
        sweep.bucket_movements()
        return tuple(sweep.aggregate(index, currency) for index in range(len(periods)))


def sparse_series(
    ledger: Ledger,
    span: Period,
    granularity: Granularity = Granularity.MONTH,
    *,
    as_of: datetime.date | None = None,
    fx: FxRates | None = None,
) -> tuple[SparsePeriodAggregate, ...]:
    """The sparse form of every period of the series, from one sweep of the ledger.

    Equal (as metrics) to `sparse_from_aggregate` of each `aggregate_series` period; with `fx`,
    amounts at each period's start-month rate.
    """
    currency = reporting_currency(ledger.currencies, fx)
    periods = series_periods(span, granularity)
    sweep = Sweep(ledger, periods, None, as_of, fx)
    with localcontext(EXACT):
        sweep.bucket_movements()
        return tuple(sweep.sparse(index, currency) for index in range(len(periods)))
