"""One pass over a period's aggregated rows: the sums every period metric is built from.

Both the aggregated path (`tally_rows`) and the incremental raw path (series) fill the same
`PeriodTally`, so they give identical numbers. All sums are exact (`ratio.EXACT`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, localcontext

from valuecalc_core.revenue.aggregate import CustomerPeriodAggregate, MovementTotals
from valuecalc_core.revenue.ratio import EXACT

ZERO = Decimal(0)


class PeriodTally:
    """Mutable accumulator (internal): counts and sums over one period's customers.

    cohort: customers with ARR > 0 at the start; retained: cohort customers with ARR > 0 at
    the end; joined: customers outside the cohort with ARR > 0 at the end; at_end: customers
    with ARR > 0 at the end. start_arr = Σ ARR_s, cohort_end_arr = Σ ARR_e and retained_arr =
    Σ min(ARR_e, ARR_s) over the cohort; end_arr = Σ ARR_e over all customers.
    """

    __slots__ = (
        "at_end",
        "churn",
        "cohort",
        "cohort_end_arr",
        "cross_sell",
        "customers",
        "downsell",
        "end_arr",
        "joined",
        "new",
        "reactivation",
        "retained",
        "retained_arr",
        "start_arr",
        "upsell",
    )

    def __init__(self) -> None:
        self.customers = self.cohort = self.retained = self.joined = self.at_end = 0
        self.start_arr = self.cohort_end_arr = self.retained_arr = self.end_arr = ZERO
        self.new = self.upsell = self.cross_sell = ZERO
        self.downsell = self.churn = self.reactivation = ZERO

    def add_steady(self, count: int, arr: Decimal) -> None:
        """`count` active customers without movements, ARR `arr` in total at start and end."""
        self.customers += count
        self.cohort += count
        self.retained += count
        self.at_end += count
        self.start_arr += arr
        self.cohort_end_arr += arr
        self.retained_arr += arr
        self.end_arr += arr

    def add_changed(
        self,
        start: Decimal,
        end: Decimal,
        new: Decimal,
        upsell: Decimal,
        cross_sell: Decimal,
        downsell: Decimal,
        churn: Decimal,
        reactivation: Decimal,
    ) -> None:
        """A customer with movements in the period (call under `localcontext(EXACT)`)."""
        self.customers += 1
        if start:
            self.cohort += 1
            self.start_arr += start
            self.cohort_end_arr += end
            if end:
                self.retained += 1
                self.retained_arr += end if end < start else start
        elif end:
            self.joined += 1
        if end:
            self.at_end += 1
            self.end_arr += end
        self.new += new
        self.upsell += upsell
        self.cross_sell += cross_sell
        self.downsell += downsell
        self.churn += churn
        self.reactivation += reactivation

    def add_moved(self, start: Decimal, end: Decimal) -> None:
        """A customer with movements in the period, ARR `start` → `end` (kind sums apart)."""
        self.customers += 1
        if start:
            self.cohort += 1
            self.start_arr += start
            if end:
                self.cohort_end_arr += end
                self.retained += 1
                self.retained_arr += end if end < start else start
        elif end:
            self.joined += 1
        if end:
            self.at_end += 1
            self.end_arr += end

    def set_movements(self, sums: list[Decimal]) -> None:
        """Set the kind sums (in `aggregate.KIND_INDEX` order)."""
        (
            self.new,
            self.upsell,
            self.cross_sell,
            self.downsell,
            self.churn,
            self.reactivation,
        ) = sums

    def scaled(self, rate: Decimal) -> PeriodTally:
        """A copy with every amount times `rate` (counts unchanged)."""
        copy = PeriodTally()
        with localcontext(EXACT):
            for name in PeriodTally.__slots__:
                value = getattr(self, name)
                setattr(copy, name, value * rate if isinstance(value, Decimal) else value)
        return copy

    def is_empty(self) -> bool:
        """True until a customer is added (a changed customer always counts)."""
        return self.customers == 0

    def merge(self, other: PeriodTally) -> None:
        with localcontext(EXACT):
            for name in PeriodTally.__slots__:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def movements(self) -> MovementTotals:
        return MovementTotals(
            self.new, self.upsell, self.cross_sell, self.downsell, self.churn, self.reactivation
        )


def tally_rows(rows: Iterable[CustomerPeriodAggregate]) -> PeriodTally:
    """Tally aggregated rows in one pass.

    The same sums as `PeriodTally.add_steady` / `add_changed`, written out with local
    accumulators because this loop runs once per customer and period: rows without movements
    (most rows) only keep their ARR, and zero movement sums are skipped.
    """
    changed = cohort = retained = joined = 0
    start_arr = cohort_end_arr = retained_arr = joined_arr = ZERO
    new = upsell = cross_sell = downsell = churn = reactivation = ZERO
    steady: list[Decimal] = []
    keep_steady = steady.append
    with localcontext(EXACT):
        for row in rows:
            totals = row.movements
            if totals is None:
                keep_steady(row.arr_start)
                continue
            changed += 1
            start = row.arr_start
            end = row.arr_end
            if start:
                cohort += 1
                start_arr += start
                if end:
                    cohort_end_arr += end
                    retained += 1
                    retained_arr += end if end < start else start
            elif end:
                joined += 1
                joined_arr += end
            if amount := totals.new:
                new += amount
            if amount := totals.upsell:
                upsell += amount
            if amount := totals.cross_sell:
                cross_sell += amount
            if amount := totals.downsell:
                downsell += amount
            if amount := totals.churn:
                churn += amount
            if amount := totals.reactivation:
                reactivation += amount
        tally = PeriodTally()
        tally.customers = changed
        tally.cohort, tally.retained, tally.joined = cohort, retained, joined
        tally.at_end = retained + joined
        tally.start_arr, tally.cohort_end_arr = start_arr, cohort_end_arr
        tally.retained_arr, tally.end_arr = retained_arr, cohort_end_arr + joined_arr
        tally.new, tally.upsell, tally.cross_sell = new, upsell, cross_sell
        tally.downsell, tally.churn, tally.reactivation = downsell, churn, reactivation
        tally.add_steady(len(steady) - steady.count(ZERO), sum(steady, ZERO))
    return tally
