"""The sparse pre-aggregated form of a period: only customers with movements get a row (SPEC 4).

In a monthly series most customers have no movement in a given month: their ARR at the end
equals their ARR at the start, so each adds its ARR to Σ ARR_s, Σ ARR_e and Σ min(ARR_e, ARR_s)
and counts once in the cohort and as retained. The sparse form therefore sends, per period and
per (segment, owner) group, what a PostgreSQL `GROUP BY period, segment, owner` returns:

- the number and total ARR of the steady customers (ARR > 0 at the start, no movement);
- ARR at the start and at the end of each customer with a movement, as two columns (arrays);
- the sums of each movement kind dated in the period.

The definitions are unchanged (cohort, GRR, NRR, logo retention, quick ratio: see the package
docstring); only the data shape is. The metrics of a period come from a few C-level passes over
the columns (`map(operator.lt, ...)`, `itertools.compress`, `sum`, `list.count`) instead of a
Python loop over one object per customer, and equal those of the raw and the row-per-customer
paths.

With FX, every amount is at the period's start-month rate (constant currency), as in
`PeriodAggregate` (a query may send one group per segment, owner and currency, converted: groups
with the same key are added up). The form carries no FX effect, so the ARR bridge (`bridge`)
still needs `PeriodAggregate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from itertools import compress
from operator import lt, not_

from valuecalc_core.revenue.aggregate import (
    NO_MOVEMENTS,
    InconsistentAggregateError,
    MovementTotals,
    PeriodAggregate,
    RenewalAggregate,
)
from valuecalc_core.revenue.period import RevenuePeriod
from valuecalc_core.revenue.ratio import EXACT
from valuecalc_core.revenue.tally import PeriodTally

ZERO = Decimal(0)
SLICE = 2048  # positions of the columns tallied at a time (see `tally_groups`)
GroupKey = tuple[str | None, str | None]  # (segment, owner)


@dataclass(frozen=True, slots=True)
class SparseGroup:
    """The customers of one (segment, owner) pair over one period, amounts in one currency.

    `steady_customers` / `steady_arr`: customers with ARR > 0 at the start and no movement in
    the period, and their total ARR (the same at the start and at the end).
    `moved_arr_start` / `moved_arr_end`: ARR at the start and at the end of each customer with
    at least one movement in the period, position by position (one position per customer).
    `movements`: each movement kind's sum over the period and the group's customers.

    Checked on construction, as far as the sums allow: no ARR below 0, both columns of the
    same length, steady customers and steady ARR both zero or both positive, and Σ ARR_e -
    Σ ARR_s over the moved customers = the movements' net. (A row-by-row check needs
    `CustomerPeriodAggregate`; a faulty query whose errors cancel out is not caught here.)
    """

    segment: str | None
    owner: str | None
    steady_customers: int = 0
    steady_arr: Decimal = ZERO
    moved_arr_start: tuple[Decimal, ...] = ()
    moved_arr_end: tuple[Decimal, ...] = ()
    movements: MovementTotals = NO_MOVEMENTS

    def __post_init__(self) -> None:
        starts, ends = self.moved_arr_start, self.moved_arr_end
        problem = ""
        if self.steady_customers < 0 or self.steady_arr < 0:
            problem = "a steady count or ARR below 0"
        elif (self.steady_customers == 0) != (self.steady_arr == 0):
            problem = "steady customers without ARR, or steady ARR without customers"
        elif len(starts) != len(ends):
            problem = (
                f"{len(starts)} ARR values at the start but {len(ends)} at the end "
                "for the customers with movements"
            )
        elif starts and min(min(starts), min(ends)) < 0:
            problem = "an ARR below 0"
        else:
            with localcontext(EXACT):
                change = sum(ends, ZERO) - sum(starts, ZERO)
                if change != self.movements.net:
                    problem = (
                        f"ARR of the customers with movements changes by {change} but their "
                        f"movements add up to {self.movements.net}"
                    )
        if problem:
            raise InconsistentAggregateError(
                f"Sparse aggregate of segment {self.segment!r}, owner {self.owner!r}: {problem}."
            )

    @property
    def is_empty(self) -> bool:
        """No customer in the cohort and none with movements: the group is not in the period."""
        return not self.steady_customers and not self.moved_arr_start


@dataclass(frozen=True, slots=True)
class SparsePeriodAggregate:
    """Everything the metrics of one period need, in the sparse form and one currency.

    Groups with the same (segment, owner) are added up; renewals are per renewal as in
    `PeriodAggregate` (there are few of them).
    """

    period: RevenuePeriod
    currency: str
    groups: tuple[SparseGroup, ...]
    renewals: tuple[RenewalAggregate, ...] = ()


class SparseGroupBuilder:
    """Collects one group's customers (internal; call under `localcontext(EXACT)`)."""

    __slots__ = ("arr", "ends", "key", "starts", "steady", "sums")

    def __init__(self, key: GroupKey) -> None:
        self.key = key
        self.steady = 0
        self.arr = ZERO
        self.starts: list[Decimal] = []
        self.ends: list[Decimal] = []
        self.sums = [ZERO] * 6

    def add_steady(self, arr: Decimal) -> None:
        if arr:
            self.steady += 1
            self.arr += arr

    def add_moved(self, start: Decimal, end: Decimal, kind_sums: Sequence[Decimal]) -> None:
        """A customer with movements; `kind_sums` in `aggregate.KIND_INDEX` order."""
        self.starts.append(start)
        self.ends.append(end)
        sums = self.sums
        for index, amount in enumerate(kind_sums):
            if amount:
                sums[index] += amount

    def build(self) -> SparseGroup:
        return SparseGroup(
            self.key[0],
            self.key[1],
            self.steady,
            self.arr,
            tuple(self.starts),
            tuple(self.ends),
            MovementTotals(*self.sums),
        )


def sparse_from_aggregate(aggregate: PeriodAggregate) -> SparsePeriodAggregate:
    """The sparse form of a row-per-customer aggregate (the FX effect is not carried over)."""
    builders: dict[GroupKey, SparseGroupBuilder] = {}
    with localcontext(EXACT):
        for row in aggregate.customers:
            key = (row.segment, row.owner)
            builder = builders.get(key)
            if builder is None:
                builder = builders[key] = SparseGroupBuilder(key)
            totals = row.movements
            if totals is None:
                builder.add_steady(row.arr_start)
            else:
                builder.add_moved(
                    row.arr_start,
                    row.arr_end,
                    (
                        totals.new,
                        totals.upsell,
                        totals.cross_sell,
                        totals.downsell,
                        totals.churn,
                        totals.reactivation,
                    ),
                )
        groups = tuple(builder.build() for builder in builders.values())
    return SparsePeriodAggregate(aggregate.period, aggregate.currency, groups, aggregate.renewals)


def tally_groups(groups: Sequence[SparseGroup]) -> PeriodTally:
    """The period's tally over `groups`: the same counts and sums as `tally.tally_rows`.

    Over the moved customers: the cohort is ARR_s ≠ 0; min(ARR_e, ARR_s) is ARR_e for those
    whose ARR fell (ARR_e < ARR_s) and ARR_s for the others, so Σ min over the cohort's
    retained customers is Σ of the nonzero such values; churned = fell to 0; retained = cohort
    - churned; joined = active at the end - retained. Zero terms are left out of the sums, as
    in `tally_rows`, so even the exponents of the results are the same.

    Every step is one C-level pass (`map(operator.lt, ...)`, `itertools.compress`, `sum`,
    `list.count`); comparing two Decimals costs most, so each pair is compared once. The
    columns are read in slices of `SLICE` positions so that the passes over a slice find its
    Decimals in the CPU cache.
    """
    moved = cohort = churned = at_end = steady_count = 0
    start_arr = retained_arr = cohort_end_arr = end_arr = steady_arr = ZERO
    kind_sums = [ZERO] * 6
    with localcontext(EXACT):
        for group in groups:
            all_starts, all_ends = group.moved_arr_start, group.moved_arr_end
            size = len(all_starts)
            for first in range(0, size, SLICE):
                if size <= SLICE:
                    starts, ends = all_starts, all_ends
                else:
                    starts = all_starts[first : first + SLICE]
                    ends = all_ends[first : first + SLICE]
                fell = list(map(lt, ends, starts))  # min(ARR_e, ARR_s) is ARR_e
                fell_ends = list(compress(ends, fell))
                kept_starts = list(compress(starts, map(not_, fell)))  # min is ARR_s
                cohort_starts = list(compress(starts, starts))
                cohort_ends = list(compress(ends, starts))
                active_ends = list(compress(ends, ends))
                moved += len(starts)
                cohort += len(cohort_starts)
                churned += fell_ends.count(ZERO)
                at_end += len(active_ends)
                start_arr += sum(cohort_starts, ZERO)
                retained_arr += sum(compress(kept_starts, kept_starts), ZERO) + sum(
                    compress(fell_ends, fell_ends), ZERO
                )
                cohort_end_arr += sum(compress(cohort_ends, cohort_ends), ZERO)
                end_arr += sum(active_ends, ZERO)
            steady_count += group.steady_customers
            steady_arr += group.steady_arr
            totals = group.movements
            if totals is not NO_MOVEMENTS:
                for index, amount in enumerate(
                    (
                        totals.new,
                        totals.upsell,
                        totals.cross_sell,
                        totals.downsell,
                        totals.churn,
                        totals.reactivation,
                    )
                ):
                    if amount:
                        kind_sums[index] += amount
        tally = PeriodTally()
        tally.customers = moved
        tally.cohort, tally.retained, tally.at_end = cohort, cohort - churned, at_end
        tally.joined = at_end - tally.retained
        tally.start_arr, tally.retained_arr = start_arr, retained_arr
        tally.cohort_end_arr, tally.end_arr = cohort_end_arr, end_arr
        tally.set_movements(kind_sums)
        tally.add_steady(steady_count, steady_arr)
    return tally
