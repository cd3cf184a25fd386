"""The ARR ledger's records: customers, movements, renewals, and the problems a ledger can have.

Movements of one customer on the same date apply in a fixed order, whatever the input order:
increases (new, reactivation, upsell, cross-sell) before decreases (downsell, churn), ties by
movement id. A customer therefore cannot churn and come back on the same day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from valuecalc_core.errors import CoreError


class MovementKind(StrEnum):
    NEW = "new"
    UPSELL = "upsell"
    CROSS_SELL = "cross_sell"
    DOWNSELL = "downsell"
    CHURN = "churn"
    REACTIVATION = "reactivation"


INCREASES = frozenset(
    {MovementKind.NEW, MovementKind.UPSELL, MovementKind.CROSS_SELL, MovementKind.REACTIVATION}
)
# Kinds that may be tagged with the renewal they happened at (SPEC 4, renewal rates).
RENEWAL_KINDS = frozenset(
    {MovementKind.UPSELL, MovementKind.CROSS_SELL, MovementKind.DOWNSELL, MovementKind.CHURN}
)
# Same-day order: increases first, then decreases (see the module docstring).
_SAME_DAY_RANK = {
    MovementKind.NEW: 0,
    MovementKind.REACTIVATION: 1,
    MovementKind.UPSELL: 2,
    MovementKind.CROSS_SELL: 3,
    MovementKind.DOWNSELL: 4,
    MovementKind.CHURN: 5,
}


class RenewalOutcome(StrEnum):
    OPEN = "open"
    RENEWED = "renewed"
    CHURNED = "churned"


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    name: str
    currency: str
    segment: str | None = None
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class Movement:
    """One change of a customer's ARR, `amount` > 0 in the customer's currency."""

    id: str
    customer_id: str
    date: datetime.date
    kind: MovementKind
    amount: Decimal
    renewal_id: str | None = None

    @property
    def signed_amount(self) -> Decimal:
        """+amount for new/upsell/cross-sell/reactivation, -amount for downsell/churn."""
        return self.amount if self.kind in INCREASES else -self.amount


@dataclass(frozen=True, slots=True)
class Renewal:
    """A renewal due on `due_date` with `renewable_arr` up for renewal; closed once decided."""

    id: str
    customer_id: str
    due_date: datetime.date
    renewable_arr: Decimal
    outcome: RenewalOutcome = RenewalOutcome.OPEN
    closed_date: datetime.date | None = None

    def is_open_at(self, as_of: datetime.date | None) -> bool:
        """Open if undecided, or decided only after `as_of` (None: as recorded)."""
        if self.outcome == RenewalOutcome.OPEN:
            return True
        return as_of is not None and self.closed_date is not None and self.closed_date > as_of


@dataclass(frozen=True, slots=True)
class LedgerProblem:
    """One reason a ledger is refused: a stable `code`, a sentence, and the ids involved."""

    code: str
    message: str
    customer_id: str | None = None
    movement_id: str | None = None
    renewal_id: str | None = None


class InvalidLedgerError(CoreError):
    """The ledger has at least one problem; `problems` lists all of them in a stable order."""

    code = "invalid_ledger"

    def __init__(self, problems: Iterable[LedgerProblem]) -> None:
        self.problems: tuple[LedgerProblem, ...] = tuple(problems)
        count = len(self.problems)
        first = self.problems[0].message if self.problems else ""
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        super().__init__(f"The ARR ledger was refused: {first}{more}")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(problem.code for problem in self.problems)


def movement_order(movement: Movement) -> tuple[datetime.date, int, str]:
    """The order in which a customer's movements apply (date, increases first, id)."""
    return (movement.date, _SAME_DAY_RANK.get(movement.kind, len(_SAME_DAY_RANK)), movement.id)
