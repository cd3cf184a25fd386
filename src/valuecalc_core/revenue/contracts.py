"""Contract lines → monthly ARR movements, as subscription-analytics tools derive them (SPEC 4).

A customer's ARR in a month is the sum of the ARR of its lines active in that month (lines are
inclusive ranges of months; overlapping lines add up). Comparing each month's total with the
previous month's gives, dated the 1st of the month:

- `new` when ARR goes from 0 to above 0 for the first time, `reactivation` when it does so
  again after a churn;
- `upsell` (expansion) / `downsell` (contraction) when a non-zero total changes, so a price
  change is never churn + new;
- `churn` of the whole ARR in the month after the last active month.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from valuecalc_core.months import Month
from valuecalc_core.revenue.ledger import (
    Customer,
    InvalidLedgerError,
    Ledger,
    LedgerProblem,
    Movement,
    MovementKind,
    Renewal,
)
from valuecalc_core.revenue.period import first_day, month_of
from valuecalc_core.revenue.ratio import EXACT

ZERO = Decimal(0)


def _as_month(value: Month | datetime.date) -> Month:
    return value if isinstance(value, Month) else month_of(value)


@dataclass(frozen=True, slots=True)
class ContractLine:
    """ARR `arr` of `customer_id` in every month from `start` to `end`, both included.

    A date stands for its month.
    """

    customer_id: str
    start: Month | datetime.date
    end: Month | datetime.date
    arr: Decimal

    @property
    def first_month(self) -> Month:
        return _as_month(self.start)

    @property
    def last_month(self) -> Month:
        return _as_month(self.end)


def _line_problems(index: int, line: ContractLine) -> list[LedgerProblem]:
    where = f"Contract line {index} (customer {line.customer_id!r})"
    problems = []
    arr = line.arr
    if not (isinstance(arr, Decimal) and arr.is_finite() and arr > 0):
        problems.append(
            LedgerProblem(
                "non_positive_amount",
                f"{where} has ARR {arr}; it must be above 0.",
                line.customer_id,
            )
        )
    if line.last_month < line.first_month:
        problems.append(
            LedgerProblem(
                "contract_ends_before_start",
                f"{where} ends ({line.last_month}) before it starts ({line.first_month}).",
                line.customer_id,
            )
        )
    return problems


def movements_from_contracts(lines: Iterable[ContractLine]) -> tuple[Movement, ...]:
    """The movements contract `lines` imply, ordered by customer and date.

    Movement ids are `<customer id>/<YYYY-MM>/<kind>`, stable for the same lines.
    Raises `InvalidLedgerError` listing every bad line.
    """
    problems: list[LedgerProblem] = []
    deltas: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    with localcontext(EXACT):
        for index, line in enumerate(lines):
            bad = _line_problems(index, line)
            if bad:
                problems.extend(bad)
                continue
            own = deltas[line.customer_id]
            own[line.first_month.ordinal] += line.arr
            own[line.last_month.ordinal + 1] -= line.arr
        if problems:
            raise InvalidLedgerError(problems)
        movements: list[Movement] = []
        for customer_id in sorted(deltas):
            movements.extend(_customer_movements(customer_id, deltas[customer_id]))
    return tuple(movements)


def _customer_movements(customer_id: str, deltas: dict[int, Decimal]) -> list[Movement]:
    movements = []
    level = ZERO
    has_been_active = False
    for ordinal in sorted(deltas):
        new_level = level + deltas[ordinal]
        if new_level == level:
            continue
        if level == 0:
            kind = MovementKind.REACTIVATION if has_been_active else MovementKind.NEW
            amount = new_level
            has_been_active = True
        elif new_level == 0:
            kind, amount = MovementKind.CHURN, level
        elif new_level > level:
            kind, amount = MovementKind.UPSELL, new_level - level
        else:
            kind, amount = MovementKind.DOWNSELL, level - new_level
        month = Month(ordinal)
        movements.append(
            Movement(
                f"{customer_id}/{month}/{kind.value}", customer_id, first_day(month), kind, amount
            )
        )
        level = new_level
    return movements


def ledger_from_contracts(
    customers: Iterable[Customer],
    lines: Iterable[ContractLine],
    renewals: Iterable[Renewal] = (),
) -> Ledger:
    """A validated ledger whose movements are derived from contract lines."""
    return Ledger(tuple(customers), movements_from_contracts(lines), tuple(renewals))
