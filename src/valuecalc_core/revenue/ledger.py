"""The ARR ledger: customers, movements and renewals, validated as a whole (SPEC 4, Input).

A customer's ARR at a date is the sum of its signed movements dated up to and including that
date. A `Ledger` can only be built from data that keeps every customer's ARR at or above zero
and uses each movement kind for what it means (see `validation`); otherwise
`InvalidLedgerError` lists every problem at once, each with its stable code and the offending
movement, customer or renewal id, so an importer can show every bad row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from valuecalc_core.revenue.model import (
    INCREASES,
    RENEWAL_KINDS,
    Customer,
    InvalidLedgerError,
    LedgerProblem,
    Movement,
    MovementKind,
    Renewal,
    RenewalOutcome,
    movement_order,
)
from valuecalc_core.revenue.ratio import EXACT, RATIO_CONTEXT
from valuecalc_core.revenue.validation import find_problems

__all__ = [
    "INCREASES",
    "RENEWAL_KINDS",
    "Customer",
    "InvalidLedgerError",
    "Ledger",
    "LedgerProblem",
    "Movement",
    "MovementKind",
    "Renewal",
    "RenewalOutcome",
    "movement_order",
    "mrr",
]

ZERO = Decimal(0)


def mrr(arr: Decimal) -> Decimal:
    """MRR = ARR / 12 (SPEC 4), full precision."""
    return RATIO_CONTEXT.divide(arr, 12)


@dataclass(frozen=True, slots=True)
class Ledger:
    """A validated ARR ledger. Construction raises `InvalidLedgerError` listing every problem."""

    customers: tuple[Customer, ...]
    movements: tuple[Movement, ...]
    renewals: tuple[Renewal, ...] = ()
    customer_by_id: dict[str, Customer] = field(init=False, repr=False, compare=False)
    # Each customer's movements in the order they apply (date, increases first, id).
    movements_by_customer: dict[str, tuple[Movement, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "customers", tuple(self.customers))
        object.__setattr__(self, "movements", tuple(self.movements))
        object.__setattr__(self, "renewals", tuple(self.renewals))
        with localcontext(EXACT):
            problems, by_customer = find_problems(self.customers, self.movements, self.renewals)
        if problems:
            raise InvalidLedgerError(problems)
        object.__setattr__(self, "customer_by_id", {c.id: c for c in self.customers})
        object.__setattr__(
            self, "movements_by_customer", {cid: tuple(own) for cid, own in by_customer.items()}
        )

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(customer.currency for customer in self.customers)

    def arr_at(self, customer_id: str, date: datetime.date) -> Decimal:
        """A customer's ARR at the end of `date` (movements dated on or before it)."""
        own = self.movements_by_customer.get(customer_id, ())
        with localcontext(EXACT):
            return sum((m.signed_amount for m in own if m.date <= date), ZERO)
