"""The pre-aggregated form of a ledger for one period, and its derivation from movements.

This is the shape a PostgreSQL `GROUP BY customer` produces for a period: per customer its ARR
at the start and at the end, the sum of each movement kind in the period and whether it joined
during the period; per renewal due in the period its renewable ARR, whether it is still open and
the sums of the movements tagged with it. Every metric of the period computes from these rows in
one pass (O(customers)); `aggregate_period` derives them from raw movements in one pass
(O(movements)), and metrics computed either way are identical.

A customer with no movement in the period has `movements=None` (then ARR at the end equals ARR
at the start); customers with no ARR at either end and no movement may be left out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, localcontext

from valuecalc_core.errors import CoreError
from valuecalc_core.revenue.fx import FxRates, reporting_currency
from valuecalc_core.revenue.ledger import Customer, Ledger, MovementKind, Renewal, RenewalOutcome
from valuecalc_core.revenue.period import RevenuePeriod
from valuecalc_core.revenue.ratio import EXACT

ZERO = Decimal(0)
ONE = Decimal(1)
# Position of each kind in the per-customer list of sums used while aggregating.
KIND_INDEX = {
    MovementKind.NEW: 0,
    MovementKind.UPSELL: 1,
    MovementKind.CROSS_SELL: 2,
    MovementKind.DOWNSELL: 3,
    MovementKind.CHURN: 4,
    MovementKind.REACTIVATION: 5,
}


class InconsistentAggregateError(CoreError):
    """Aggregated rows that cannot come from a valid ledger (e.g. a faulty query)."""

    code = "inconsistent_aggregate"


@dataclass(frozen=True, slots=True)
class MovementTotals:
    """Sums of each movement kind (all ≥ 0) over a period."""

    new: Decimal = ZERO
    upsell: Decimal = ZERO
    cross_sell: Decimal = ZERO
    downsell: Decimal = ZERO
    churn: Decimal = ZERO
    reactivation: Decimal = ZERO

    def __post_init__(self) -> None:
        if (
            min(
                self.new, self.upsell, self.cross_sell, self.downsell, self.churn, self.reactivation
            )
            < 0
        ):
            raise InconsistentAggregateError(f"A movement sum is below 0: {self}.")

    @property
    def expansion(self) -> Decimal:
        return EXACT.add(self.upsell, self.cross_sell)

    @property
    def contraction(self) -> Decimal:
        return self.downsell

    @property
    def gained(self) -> Decimal:
        """new + expansion + reactivation: the quick ratio's numerator."""
        return EXACT.add(
            EXACT.add(self.new, self.upsell), EXACT.add(self.cross_sell, self.reactivation)
        )

    @property
    def lost(self) -> Decimal:
        """churn + contraction: the quick ratio's denominator."""
        return EXACT.add(self.churn, self.downsell)

    @property
    def net(self) -> Decimal:
        return EXACT.subtract(self.gained, self.lost)

    def __add__(self, other: MovementTotals) -> MovementTotals:
        add = EXACT.add
        return MovementTotals(
            add(self.new, other.new),
            add(self.upsell, other.upsell),
            add(self.cross_sell, other.cross_sell),
            add(self.downsell, other.downsell),
            add(self.churn, other.churn),
            add(self.reactivation, other.reactivation),
        )


NO_MOVEMENTS = MovementTotals()


@dataclass(frozen=True, slots=True)
class CustomerPeriodAggregate:
    """One customer over one period, amounts in the aggregate's currency.

    `joined` means outside the cohort (no ARR at the start) and active at the end. With FX,
    `arr_end` and the movement sums are at the start-month rate (constant currency) and
    `fx_effect` is ARR_e(local) x (end rate - start rate).
    """

    customer_id: str
    arr_start: Decimal
    arr_end: Decimal
    movements: MovementTotals | None = None
    joined: bool = False
    segment: str | None = None
    owner: str | None = None
    fx_effect: Decimal = ZERO

    def __post_init__(self) -> None:
        start, end, totals = self.arr_start, self.arr_end, self.movements
        problem = ""
        if start < 0 or end < 0:
            problem = "ARR below 0"
        elif totals is None:
            if end != start:
                problem = "ARR changed without any movement"
        else:
            add = EXACT.add
            gained = add(
                add(totals.new, totals.upsell), add(totals.cross_sell, totals.reactivation)
            )
            if add(start, gained) != add(end, add(totals.downsell, totals.churn)):
                problem = "ARR at the end is not ARR at the start plus the movements"
        if not problem and self.joined != (not start and end > 0):
            problem = "the joined flag does not match ARR at the start and the end"
        if problem:
            raise InconsistentAggregateError(
                f"Aggregated row of customer {self.customer_id!r}: {problem} "
                f"(start {start}, end {end})."
            )


@dataclass(frozen=True, slots=True)
class RenewalAggregate:
    """One renewal due in the period with the sums of the movements tagged with it."""

    renewal_id: str
    customer_id: str
    due_date: datetime.date
    renewable_arr: Decimal
    is_open: bool
    churn: Decimal = ZERO
    downsell: Decimal = ZERO
    upsell: Decimal = ZERO
    cross_sell: Decimal = ZERO
    segment: str | None = None
    owner: str | None = None
    # Decided as churned (the logo was lost at this renewal); False while open or renewed.
    churned: bool = False

    def __post_init__(self) -> None:
        if EXACT.add(self.churn, self.downsell) > self.renewable_arr:
            raise InconsistentAggregateError(
                f"Renewal {self.renewal_id!r}: churn and downsell exceed the renewable ARR."
            )


@dataclass(frozen=True, slots=True)
class PeriodAggregate:
    """Everything the metrics of one period need, in one currency."""

    period: RevenuePeriod
    currency: str
    customers: tuple[CustomerPeriodAggregate, ...]
    renewals: tuple[RenewalAggregate, ...] = ()


def converted_period(
    arr_start: Decimal, sums: list[Decimal], rate: Decimal
) -> tuple[Decimal, Decimal, Decimal, list[Decimal]]:
    """(ARR at start, ARR at end, local ARR at end, kind sums), amounts converted at `rate`.

    `sums` are local kind sums in `KIND_INDEX` order. Shared by the aggregated and the raw
    paths so both compute exactly the same numbers; a rate of 1 leaves amounts untouched.
    """
    end_local = arr_start + sums[0] + sums[1] + sums[2] + sums[5] - sums[3] - sums[4]
    if rate == ONE:
        return arr_start, end_local, end_local, sums
    return arr_start * rate, end_local * rate, end_local, [amount * rate for amount in sums]


def customer_row(
    customer: Customer,
    arr_start: Decimal,
    sums: list[Decimal] | None,
    rate_start: Decimal = ONE,
    rate_end: Decimal = ONE,
) -> CustomerPeriodAggregate:
    """The aggregated row of `customer` from its local ARR at the start and its kind sums.

    Call under `localcontext(EXACT)`.
    """
    fx_effect = ZERO
    if sums is None:
        start = end = arr_start if rate_start == ONE else arr_start * rate_start
        totals = None
        if rate_end != rate_start:
            fx_effect = arr_start * (rate_end - rate_start)
    else:
        start, end, end_local, converted = converted_period(arr_start, sums, rate_start)
        totals = MovementTotals(*converted)
        if rate_end != rate_start:
            fx_effect = end_local * (rate_end - rate_start)
    return CustomerPeriodAggregate(
        customer.id,
        start,
        end,
        totals,
        start == 0 and end > 0,
        customer.segment,
        customer.owner,
        fx_effect,
    )


def aggregate_period(
    ledger: Ledger,
    period: RevenuePeriod,
    *,
    as_of: datetime.date | None = None,
    fx: FxRates | None = None,
) -> PeriodAggregate:
    """Aggregate `ledger` over `period` in one pass over its movements.

    `as_of` decides which renewals are still open (None: outcomes as recorded) and leaves out
    renewal-tagged movements dated after it. Mixed currencies need `fx`.
    """
    currency = reporting_currency(ledger.currencies, fx)
    start, end = period.start, period.end
    arr_start: dict[str, Decimal] = defaultdict(Decimal)
    sums: dict[str, list[Decimal]] = {}
    with localcontext(EXACT):
        for m in ledger.movements:
            if m.date < start:
                arr_start[m.customer_id] += m.signed_amount
            elif m.date <= end:
                own = sums.get(m.customer_id)
                if own is None:
                    own = sums[m.customer_id] = [ZERO] * 6
                own[KIND_INDEX[m.kind]] += m.amount
        rows = []
        for customer in ledger.customers:
            s = arr_start.get(customer.id, ZERO)
            own = sums.get(customer.id)
            if own is None and s == 0:
                continue
            rate_s, rate_e = _rates(customer.currency, period, fx)
            rows.append(customer_row(customer, s, own, rate_s, rate_e))
        renewals = _renewal_rows(ledger, period, as_of, fx)
    return PeriodAggregate(period, currency, tuple(rows), renewals)


def _rates(currency: str, period: RevenuePeriod, fx: FxRates | None) -> tuple[Decimal, Decimal]:
    if fx is None:
        return ONE, ONE
    return fx.rate(currency, period.start_month), fx.rate(currency, period.end_month)


def _renewal_rows(
    ledger: Ledger, period: RevenuePeriod, as_of: datetime.date | None, fx: FxRates | None
) -> tuple[RenewalAggregate, ...]:
    due = [r for r in ledger.renewals if r.due_date in period]
    if not due:
        return ()
    due_ids = {r.id for r in due}
    tagged: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 6)
    for m in ledger.movements:
        if m.renewal_id in due_ids and (as_of is None or m.date <= as_of):
            tagged[m.renewal_id][KIND_INDEX[m.kind]] += m.amount
    return tuple(
        renewal_row(r, ledger.customer_by_id[r.customer_id], tagged.get(r.id), period, as_of, fx)
        for r in sorted(due, key=lambda r: (r.due_date, r.id))
    )


def renewal_row(
    renewal: Renewal,
    customer: Customer,
    sums: list[Decimal] | None,
    period: RevenuePeriod,
    as_of: datetime.date | None,
    fx: FxRates | None,
) -> RenewalAggregate:
    """A renewal's aggregated row, amounts at the period's start-month rate."""
    rate = ONE if fx is None else fx.rate(customer.currency, period.start_month)
    own = sums or [ZERO] * 6
    return RenewalAggregate(
        renewal.id,
        renewal.customer_id,
        renewal.due_date,
        renewal.renewable_arr * rate,
        renewal.is_open_at(as_of),
        churn=own[KIND_INDEX[MovementKind.CHURN]] * rate,
        downsell=own[KIND_INDEX[MovementKind.DOWNSELL]] * rate,
        upsell=own[KIND_INDEX[MovementKind.UPSELL]] * rate,
        cross_sell=own[KIND_INDEX[MovementKind.CROSS_SELL]] * rate,
        segment=customer.segment,
        owner=customer.owner,
        churned=renewal.outcome == RenewalOutcome.CHURNED and not renewal.is_open_at(as_of),
    )
