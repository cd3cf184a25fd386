"""All revenue metrics of one period, from the aggregated form or from a ledger (SPEC 4).

`period_metrics` is the aggregated path the API uses after PostgreSQL has grouped the rows
(`sparse_period_metrics` the same from the sparse form, see `sparse`); `ledger_period_metrics`
is the raw path, which aggregates the movements first, so both give identical results by
construction. Splits by segment or owner give per-split metrics plus the
total over all customers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from valuecalc_core.revenue.aggregate import (
    CustomerPeriodAggregate,
    MovementTotals,
    PeriodAggregate,
    RenewalAggregate,
    aggregate_period,
)
from valuecalc_core.revenue.fx import FxRates
from valuecalc_core.revenue.ledger import Ledger
from valuecalc_core.revenue.period import RevenuePeriod
from valuecalc_core.revenue.quick_ratio import QuickRatio, quick_ratio
from valuecalc_core.revenue.renewals import RenewalRates, renewal_rates
from valuecalc_core.revenue.retention import RetentionMetrics, retention_from_tally
from valuecalc_core.revenue.sparse import SparsePeriodAggregate, tally_groups
from valuecalc_core.revenue.tally import PeriodTally, tally_rows


class SplitBy(StrEnum):
    SEGMENT = "segment"
    OWNER = "owner"


@dataclass(frozen=True, slots=True)
class PeriodMetrics:
    """GRR, NRR, logo retention, quick ratio, movement sums and renewal rates of one period.

    `movements` are the sums of each kind dated in the period over all customers (the bars of
    the seed's stacked chart; see `series.movement_bars`).
    """

    period: RevenuePeriod
    currency: str
    retention: RetentionMetrics
    quick_ratio: QuickRatio
    movements: MovementTotals
    renewals: RenewalRates


@dataclass(frozen=True, slots=True)
class SplitMetrics:
    """Metrics per split key (None: customers without a segment/owner) and over everyone."""

    split_by: SplitBy
    total: PeriodMetrics
    splits: tuple[tuple[str | None, PeriodMetrics], ...]

    def for_key(self, key: str | None) -> PeriodMetrics | None:
        return next((metrics for k, metrics in self.splits if k == key), None)


def metrics_from_tally(
    tally: PeriodTally,
    renewals: Iterable[RenewalAggregate],
    period: RevenuePeriod,
    currency: str,
) -> PeriodMetrics:
    movements = tally.movements
    return PeriodMetrics(
        period=period,
        currency=currency,
        retention=retention_from_tally(tally, period, currency),
        quick_ratio=quick_ratio(movements),
        movements=movements,
        renewals=renewal_rates(renewals, period, currency),
    )


def period_metrics(aggregate: PeriodAggregate) -> PeriodMetrics:
    """Every metric of the aggregate's period, in one pass over its rows."""
    return metrics_from_tally(
        tally_rows(aggregate.customers), aggregate.renewals, aggregate.period, aggregate.currency
    )


def sparse_period_metrics(aggregate: SparsePeriodAggregate) -> PeriodMetrics:
    """Every metric of the period from its sparse form (equal to `period_metrics`)."""
    present = [group for group in aggregate.groups if not group.is_empty]
    return metrics_from_tally(
        tally_groups(present), aggregate.renewals, aggregate.period, aggregate.currency
    )


def split_key(
    split_by: SplitBy,
) -> Callable[[CustomerPeriodAggregate | RenewalAggregate], str | None]:
    if split_by is SplitBy.SEGMENT:
        return lambda row: row.segment
    return lambda row: row.owner


def sorted_keys(keys: Iterable[str | None]) -> list[str | None]:
    """Split keys in a stable order: named keys alphabetically, then None."""
    return sorted(keys, key=lambda key: (key is None, key or ""))


def split_period_metrics(aggregate: PeriodAggregate, split_by: SplitBy) -> SplitMetrics:
    """Metrics per segment or owner, plus the total (which equals the unsplit metrics)."""
    key_of = split_key(split_by)
    rows: dict[str | None, list[CustomerPeriodAggregate]] = defaultdict(list)
    renewals: dict[str | None, list[RenewalAggregate]] = defaultdict(list)
    for row in aggregate.customers:
        rows[key_of(row)].append(row)
    for renewal in aggregate.renewals:
        renewals[key_of(renewal)].append(renewal)
    period, currency = aggregate.period, aggregate.currency
    total = PeriodTally()
    splits = []
    for key in sorted_keys(rows.keys() | renewals.keys()):
        tally = tally_rows(rows.get(key, ()))
        total.merge(tally)
        splits.append((key, metrics_from_tally(tally, renewals.get(key, ()), period, currency)))
    return SplitMetrics(
        split_by,
        metrics_from_tally(total, aggregate.renewals, period, currency),
        tuple(splits),
    )


def ledger_period_metrics(
    ledger: Ledger,
    period: RevenuePeriod,
    *,
    as_of: datetime.date | None = None,
    fx: FxRates | None = None,
) -> PeriodMetrics:
    """The raw path: aggregate the ledger's movements over `period`, then compute."""
    return period_metrics(aggregate_period(ledger, period, as_of=as_of, fx=fx))
