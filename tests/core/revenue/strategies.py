"""Hypothesis strategies for valid ARR ledgers.

Each customer gets a path of month-end ARR levels over `MONTHS` months from `ORIGIN`; the
movements are the level changes (a churn when the level drops to 0, new / reactivation when it
rises from 0, upsell or cross-sell / downsell otherwise), dated inside their month. Ledgers are
therefore valid by construction and fast to draw.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

from valuecalc_core.months import Month
from valuecalc_core.revenue import (
    ContractLine,
    Customer,
    Ledger,
    Movement,
    MovementKind,
    Renewal,
    RenewalOutcome,
)

ORIGIN = Month.parse("2026-01")
MONTHS = 12
SEGMENTS = (None, "enterprise", "mid_market", "smb")
OWNERS = (None, "ana", "ben")

levels = st.one_of(
    st.just(Decimal(0)),
    st.integers(min_value=1, max_value=500).map(lambda n: Decimal(n) * 100),
    st.integers(min_value=1, max_value=10**8).map(lambda n: Decimal(n).scaleb(-2)),
)


@dataclass(frozen=True)
class CustomerPath:
    customer: Customer
    levels: tuple[Decimal, ...]  # ARR at the end of month ORIGIN + i
    days: tuple[int, ...]  # day of month of the movement in month i (if any)
    cross_sell: tuple[bool, ...]  # an increase in month i is a cross-sell rather than an upsell
    renewal_month: int | None


@st.composite
def customer_paths(
    draw: st.DrawFn, index: int, currencies: tuple[str, ...] = ("USD",)
) -> CustomerPath:
    """A customer whose ARR changes in a few months (at most one movement per month)."""
    customer = Customer(
        id=f"c{index}",
        name=f"Customer {index}",
        currency=draw(st.sampled_from(currencies)) if len(currencies) > 1 else currencies[0],
        segment=draw(st.sampled_from(SEGMENTS)),
        owner=draw(st.sampled_from(OWNERS)),
    )
    changes = draw(
        st.lists(
            st.tuples(st.integers(0, MONTHS - 1), levels, st.integers(1, 28), st.booleans()),
            max_size=4,
            unique_by=lambda change: change[0],
        )
    )
    at = {month: (level, day, cross) for month, level, day, cross in changes}
    path, days, cross_sell = [], [], []
    level = Decimal(0)
    for month in range(MONTHS):
        level, day, cross = at.get(month, (level, 1, False))
        path.append(level)
        days.append(day)
        cross_sell.append(cross)
    renewal_month = draw(st.none() | st.integers(1, MONTHS - 1))
    return CustomerPath(customer, tuple(path), tuple(days), tuple(cross_sell), renewal_month)


def movements_of(path: CustomerPath, *, first_of_month: bool = False) -> list[Movement]:
    """The movements that take the customer along its path of levels."""
    cid = path.customer.id
    movements = []
    previous = Decimal(0)
    has_churned = False
    for i, level in enumerate(path.levels):
        if level == previous:
            continue
        month = ORIGIN + i
        day = 1 if first_of_month else path.days[i]
        date = datetime.date(month.year, month.month, day)
        if previous == 0:
            kind = MovementKind.REACTIVATION if has_churned else MovementKind.NEW
            amount = level
        elif level == 0:
            kind, amount, has_churned = MovementKind.CHURN, previous, True
        elif level > previous:
            cross = path.cross_sell[i] and not first_of_month
            kind = MovementKind.CROSS_SELL if cross else MovementKind.UPSELL
            amount = level - previous
        else:
            kind, amount = MovementKind.DOWNSELL, previous - level
        renewal_id = None
        if path.renewal_month == i and kind in (
            MovementKind.UPSELL,
            MovementKind.CROSS_SELL,
            MovementKind.DOWNSELL,
            MovementKind.CHURN,
        ):
            renewal_id = f"r-{cid}"
        movements.append(Movement(f"m-{cid}-{i}", cid, date, kind, amount, renewal_id))
        previous = level
    return movements


def renewal_of(path: CustomerPath, closed: bool) -> Renewal | None:
    """A renewal due in the path's renewal month for the ARR held the month before."""
    i = path.renewal_month
    if i is None or path.levels[i - 1] == 0:
        return None
    month = ORIGIN + i
    due = datetime.date(month.year, month.month, path.days[i])
    if not closed:
        return Renewal(f"r-{path.customer.id}", path.customer.id, due, path.levels[i - 1])
    outcome = RenewalOutcome.CHURNED if path.levels[i] == 0 else RenewalOutcome.RENEWED
    return Renewal(f"r-{path.customer.id}", path.customer.id, due, path.levels[i - 1], outcome, due)


@st.composite
def ledger_paths(
    draw: st.DrawFn, currencies: tuple[str, ...] = ("USD",), max_customers: int = 4
) -> tuple[CustomerPath, ...]:
    count = draw(st.integers(1, max_customers))
    return tuple(draw(customer_paths(i, currencies)) for i in range(count))


def ledger_of(paths: tuple[CustomerPath, ...], *, open_renewals: bool = False) -> Ledger:
    movements = [m for path in paths for m in movements_of(path)]
    renewals = [renewal_of(path, closed=not open_renewals) for path in paths]
    return Ledger(
        tuple(path.customer for path in paths),
        tuple(movements),
        tuple(r for r in renewals if r is not None),
    )


@st.composite
def ledgers(draw: st.DrawFn, currencies: tuple[str, ...] = ("USD",)) -> Ledger:
    paths = draw(ledger_paths(currencies))
    return ledger_of(paths, open_renewals=draw(st.booleans()))


def contract_lines_of(path: CustomerPath, *, split: bool) -> list[ContractLine]:
    """Contract lines giving the path's monthly levels: one per month, optionally split in two
    overlapping lines (which must add up)."""
    lines = []
    cid = path.customer.id
    for i, level in enumerate(path.levels):
        if level == 0:
            continue
        month = ORIGIN + i
        if split and level > 1:
            part = (level / 3).quantize(Decimal("0.01"))
            lines.append(ContractLine(cid, month, month, part))
            lines.append(ContractLine(cid, month, month, level - part))
        else:
            lines.append(ContractLine(cid, month, month, level))
    return lines


month_spans = st.tuples(st.integers(0, MONTHS - 1), st.integers(0, MONTHS - 1)).map(
    lambda pair: (ORIGIN + min(pair), ORIGIN + max(pair))
)
