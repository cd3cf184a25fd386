"""The raw path's single sweep over a ledger for a series of consecutive periods.

Movements are bucketed by period in one pass, customer by customer (the ledger keeps each
customer's movements in date order); then periods are visited in order keeping each customer's
running ARR, so only customers with movements in a period are looked at individually. The
others are "steady" (ARR at the end = ARR at the start) and enter through running totals per
book (split key and currency). Cost: O(movements + customers with movements per period).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from valuecalc_core.revenue.aggregate import (
    KIND_INDEX,
    PeriodAggregate,
    RenewalAggregate,
    converted_period,
    customer_row,
    renewal_row,
)
from valuecalc_core.revenue.fx import FxRates
from valuecalc_core.revenue.ledger import INCREASES, Ledger
from valuecalc_core.revenue.metrics import SplitBy
from valuecalc_core.revenue.period import RevenuePeriod
from valuecalc_core.revenue.sparse import GroupKey, SparseGroupBuilder, SparsePeriodAggregate
from valuecalc_core.revenue.tally import PeriodTally

ZERO = Decimal(0)
ONE = Decimal(1)

SplitKey = str | None
# One period's tallies and renewal rows per split key.
Bucket = tuple[RevenuePeriod, dict[SplitKey, PeriodTally], dict[SplitKey, list[RenewalAggregate]]]

_BEFORE = -1  # bucket index of a date before the first period
_AFTER = -2  # ... after the last period


class Sweep:
    """State of the raw sweep: running ARR per customer, active totals per book.

    A book is a (split key, currency) pair, numbered so the per-customer work is list indexing.
    """

    def __init__(
        self,
        ledger: Ledger,
        periods: tuple[RevenuePeriod, ...],
        split_by: SplitBy | None,
        as_of: datetime.date | None,
        fx: FxRates | None,
    ) -> None:
        self.ledger = ledger
        self.periods = periods
        self.as_of = as_of
        self.fx = fx
        self.books: list[tuple[SplitKey, str]] = []
        self.book_of: dict[str, int] = {}
        number: dict[tuple[SplitKey, str], int] = {}
        for customer in ledger.customers:
            key: SplitKey = None
            if split_by is SplitBy.SEGMENT:
                key = customer.segment
            elif split_by is SplitBy.OWNER:
                key = customer.owner
            book = (key, customer.currency)
            if book not in number:
                number[book] = len(self.books)
                self.books.append(book)
            self.book_of[customer.id] = number[book]
        self.renewal_by_id = {renewal.id: renewal for renewal in ledger.renewals}
        self.arr: dict[str, Decimal] = {}
        self.changes: list[dict[str, list[Decimal]]] = [{} for _ in periods]
        self.renewal_sums: dict[str, list[Decimal]] = {}
        self.renewals_due: list[list[str]] = [[] for _ in periods]
        # For `tally_periods`: active customers (ARR > 0) per book at the start of the next
        # period to close, local currency.
        self.active_count = [0] * len(self.books)
        self.active_arr = [ZERO] * len(self.books)

    def _index_of(self, date: datetime.date) -> int:
        if date < self.periods[0].start:
            return _BEFORE
        for index, period in enumerate(self.periods):
            if date <= period.end:
                return index
        return _AFTER

    def tally_periods(self) -> list[Bucket]:
        """Every period's tallies in one walk over each customer's movements (date order).

        Walking a customer's movements we know its ARR when each period starts and ends, so
        each (period, book) accumulates, in local currency, the customers with movements
        (`add_moved`) and the kind sums; steady customers follow from the running active
        totals, and a book's amounts convert at the period's start-month rate at the end:
        a sum of amounts times one rate equals the sum of the converted amounts exactly.
        """
        count = len(self.periods)
        moved = [[PeriodTally() for _ in self.books] for _ in range(count)]
        kind_sums = [[[ZERO] * 6 for _ in self.books] for _ in range(count)]
        renewal_sums = self._index_renewals()
        index_of_date: dict[datetime.date, int] = {}
        as_of = self.as_of
        book_of = self.book_of
        increases = INCREASES
        for cid, own in self.ledger.movements_by_customer.items():
            book = book_of[cid]
            arr = ZERO
            current = _BEFORE
            start = ZERO
            sums = kind_sums[0][book]
            for m in own:
                date = m.date
                index = index_of_date.get(date)
                if index is None:
                    index = index_of_date[date] = self._index_of(date)
                kind, amount = m.kind, m.amount
                if index != current:
                    if current >= 0:
                        moved[current][book].add_moved(start, arr)
                    elif arr:  # leaving the time before the first period with ARR
                        self.active_count[book] += 1
                        self.active_arr[book] += arr
                    current = index
                    start = arr
                    if index >= 0:
                        sums = kind_sums[index][book]
                if index >= 0:
                    sums[KIND_INDEX[kind]] += amount
                arr += amount if kind in increases else -amount
                rid = m.renewal_id
                if rid is not None and rid in renewal_sums and (as_of is None or date <= as_of):
                    renewal_sums[rid][KIND_INDEX[kind]] += amount
            if current >= 0:
                moved[current][book].add_moved(start, arr)
            elif current == _BEFORE and arr:
                self.active_count[book] += 1
                self.active_arr[book] += arr
        self.renewal_sums = renewal_sums
        return [self._close_period(i, moved[i], kind_sums[i]) for i in range(count)]

    def _close_period(
        self, index: int, moved: list[PeriodTally], kind_sums: list[list[Decimal]]
    ) -> Bucket:
        """Steady customers by difference, conversion, merge by split key; advance the totals."""
        period = self.periods[index]
        by_key: dict[SplitKey, PeriodTally] = {}
        for book, tally in enumerate(moved):
            steady_count = self.active_count[book] - tally.cohort
            steady_arr = self.active_arr[book] - tally.start_arr
            self.active_count[book] = steady_count + tally.at_end
            self.active_arr[book] = steady_arr + tally.end_arr
            if not steady_count and tally.is_empty():
                continue  # no customer of this book has a row in this period
            tally.add_steady(steady_count, steady_arr)
            tally.set_movements(kind_sums[book])
            rate = self._rates(self.books[book][1], period)[0]
            converted = tally if rate == ONE else tally.scaled(rate)
            key = self.books[book][0]
            if key in by_key:
                by_key[key].merge(converted)
            else:
                by_key[key] = converted
        renewals: dict[SplitKey, list[RenewalAggregate]] = defaultdict(list)
        for renewal in self._renewal_rows(index):
            renewals[self.books[self.book_of[renewal.customer_id]][0]].append(renewal)
        return period, by_key, dict(renewals)

    def bucket_movements(self) -> None:
        """For `aggregate` and `sparse`: one pass, customer by customer (movements in date
        order), giving ARR before the first period and each kind's sum per period and customer."""
        arr = self.arr
        changes = self.changes
        index_of_date: dict[datetime.date, int] = {}
        renewal_sums = self._index_renewals()
        as_of = self.as_of
        for cid, own in self.ledger.movements_by_customer.items():
            before = ZERO
            current = _BEFORE
            sums: list[Decimal] = []
            for m in own:
                date = m.date
                index = index_of_date.get(date)
                if index is None:
                    index = index_of_date[date] = self._index_of(date)
                if index >= 0:
                    if index != current:
                        current = index
                        sums = changes[index][cid] = [ZERO] * 6
                    sums[KIND_INDEX[m.kind]] += m.amount
                elif index == _BEFORE:
                    before += m.amount if m.kind in INCREASES else -m.amount
                rid = m.renewal_id
                if rid is not None and rid in renewal_sums and (as_of is None or date <= as_of):
                    renewal_sums[rid][KIND_INDEX[m.kind]] += m.amount
            if before:
                arr[cid] = before
        self.renewal_sums = renewal_sums

    def _index_renewals(self) -> dict[str, list[Decimal]]:
        sums: dict[str, list[Decimal]] = {}
        for renewal in self.ledger.renewals:
            index = self._index_of(renewal.due_date)
            if index >= 0:
                self.renewals_due[index].append(renewal.id)
                sums[renewal.id] = [ZERO] * 6
        return sums

    def _rates(self, currency: str, period: RevenuePeriod) -> tuple[Decimal, Decimal]:
        if self.fx is None:
            return ONE, ONE
        return self.fx.rate(currency, period.start_month), self.fx.rate(currency, period.end_month)

    def _renewal_rows(self, index: int) -> list[RenewalAggregate]:
        period = self.periods[index]
        renewal_by_id = self.renewal_by_id
        customers = self.ledger.customer_by_id
        rows = []
        for rid in sorted(self.renewals_due[index], key=lambda r: (renewal_by_id[r].due_date, r)):
            renewal = renewal_by_id[rid]
            customer = customers[renewal.customer_id]
            rows.append(
                renewal_row(renewal, customer, self.renewal_sums[rid], period, self.as_of, self.fx)
            )
        return rows

    def aggregate(self, index: int, currency: str) -> PeriodAggregate:
        """The aggregated rows of period `index`; moves the running ARR to its end."""
        period = self.periods[index]
        customers = self.ledger.customer_by_id
        changes = self.changes[index]
        arr = self.arr
        rows = []
        for cid, start in arr.items():
            if start > 0 and cid not in changes:
                rate_s, rate_e = self._rates(customers[cid].currency, period)
                rows.append(customer_row(customers[cid], start, None, rate_s, rate_e))
        for cid, sums in changes.items():
            customer = customers[cid]
            start = arr.get(cid, ZERO)
            rate_s, rate_e = self._rates(customer.currency, period)
            rows.append(customer_row(customer, start, sums, rate_s, rate_e))
            arr[cid] = converted_period(start, sums, ONE)[2]
        return PeriodAggregate(period, currency, tuple(rows), tuple(self._renewal_rows(index)))

    def sparse(self, index: int, currency: str) -> SparsePeriodAggregate:
        """The sparse form of period `index` (same amounts as `aggregate`, grouped by segment and
        owner); moves the running ARR to its end."""
        period = self.periods[index]
        customers = self.ledger.customer_by_id
        changes = self.changes[index]
        arr = self.arr
        builders: dict[GroupKey, SparseGroupBuilder] = {}
        rates: dict[str, Decimal] = {}

        def builder_and_rate(cid: str) -> tuple[SparseGroupBuilder, Decimal]:
            customer = customers[cid]
            key = (customer.segment, customer.owner)
            builder = builders.get(key)
            if builder is None:
                builder = builders[key] = SparseGroupBuilder(key)
            rate = rates.get(customer.currency)
            if rate is None:
                rate = rates[customer.currency] = self._rates(customer.currency, period)[0]
            return builder, rate

        for cid, start in arr.items():
            if start > 0 and cid not in changes:
                builder, rate = builder_and_rate(cid)
                builder.add_steady(start if rate == ONE else start * rate)
        for cid, sums in changes.items():
            builder, rate = builder_and_rate(cid)
            start, end, end_local, converted = converted_period(arr.get(cid, ZERO), sums, rate)
            builder.add_moved(start, end, converted)
            arr[cid] = end_local
        groups = tuple(builder.build() for builder in builders.values())
        return SparsePeriodAggregate(period, currency, groups, tuple(self._renewal_rows(index)))
