"""The whole ledger of the customers a write touches, with the write applied, validated by
the core (SPEC 4 "a ledger that would make ARR negative is rejected").

Stored movements, renewals and contract lines of those customers are loaded, the write's
changes laid over them (keyed by `external_id`), contract lines turned into movements by the
core's rules, and `valuecalc_core.revenue.Ledger` built: its `InvalidLedgerError` lists every
problem. Core ids: customers by their uuid, movements and renewals by `external_id`;
movements derived from contract lines are `contract:<customer uuid>/<YYYY-MM>/<kind>`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from valuecalc_api.revenue.ledger_repository import (
    CustomerRef,
    StoredLine,
    StoredMovement,
    StoredRenewal,
)
from valuecalc_core.money import MINOR_UNITS
from valuecalc_core.revenue import (
    ContractLine,
    Customer,
    InvalidLedgerError,
    Ledger,
    LedgerProblem,
    Movement,
    MovementKind,
    Renewal,
    RenewalOutcome,
    movements_from_contracts,
)
from valuecalc_core.revenue.period import month_of

DERIVED_PREFIX = "contract:"
# A customer without a currency yet (no movement) still needs one for the core's check of
# its records; it never reaches an amount.
_PLACEHOLDER_CURRENCY = "USD"


@dataclass
class LedgerChanges:
    """A write's changes by `external_id`: the new record, or None for a removal."""

    movements: dict[str, Movement | None] = field(default_factory=dict)
    renewals: dict[str, Renewal | None] = field(default_factory=dict)
    lines: dict[str, tuple[str, ContractLine] | None] = field(default_factory=dict)
    # Customers whose contract lines change: their derived movements are derived again.
    line_customers: set[uuid.UUID] = field(default_factory=set)


def core_customer(customer: CustomerRef, currency: str | None = None) -> Customer:
    chosen = currency or customer.currency
    if chosen not in MINOR_UNITS:
        chosen = _PLACEHOLDER_CURRENCY
    return Customer(str(customer.id), customer.name, chosen, customer.segment, customer.owner)


def core_movement(stored: StoredMovement) -> Movement:
    return Movement(
        stored.external_id,
        str(stored.customer_id),
        stored.date,
        MovementKind(stored.kind),
        stored.amount,
        stored.renewal_external_id,
    )


def core_renewal(stored: StoredRenewal) -> Renewal:
    return Renewal(
        stored.external_id,
        str(stored.customer_id),
        stored.due_date,
        stored.renewable_arr,
        RenewalOutcome(stored.outcome),
        stored.closed_date,
    )


def line_problems(line: ContractLine) -> list[LedgerProblem]:
    """The core's problems with one contract line on its own (ARR > 0, ends after start)."""
    try:
        movements_from_contracts([line])
    except InvalidLedgerError as error:
        return list(error.problems)
    return []


@dataclass(frozen=True)
class CheckedLedger:
    problems: tuple[LedgerProblem, ...]
    # Derived movements of the customers whose contract lines changed: new set by external_id.
    derived: dict[str, Movement]


def check_ledger(
    customers: Mapping[uuid.UUID, CustomerRef],
    currencies: Mapping[uuid.UUID, str],
    movements: list[StoredMovement],
    renewals: list[StoredRenewal],
    lines: list[StoredLine],
    changes: LedgerChanges,
) -> CheckedLedger:
    """Every problem of the customers' ledgers with `changes` applied (none: valid)."""
    movement_by_id: dict[str, Movement] = {m.external_id: core_movement(m) for m in movements}
    for external_id, movement in changes.movements.items():
        if movement is None:
            movement_by_id.pop(external_id, None)
        else:
            movement_by_id[external_id] = movement
    renewal_by_id = {r.external_id: core_renewal(r) for r in renewals}
    for external_id, renewal in changes.renewals.items():
        if renewal is None:
            renewal_by_id.pop(external_id, None)
        else:
            renewal_by_id[external_id] = renewal
    derived: dict[str, Movement] = {}
    problems: list[LedgerProblem] = []
    if changes.line_customers:
        line_by_id: dict[str, tuple[str, ContractLine]] = {
            line.external_id: (
                str(line.customer_id),
                ContractLine(
                    str(line.customer_id),
                    month_of(line.start_month),
                    month_of(line.end_month),
                    line.arr,
                ),
            )
            for line in lines
        }
        for external_id, change in changes.lines.items():
            if change is None:
                line_by_id.pop(external_id, None)
            else:
                line_by_id[external_id] = change
        by_customer: dict[str, list[ContractLine]] = defaultdict(list)
        for customer_id, line in line_by_id.values():
            by_customer[customer_id].append(line)
        touched = {str(c) for c in changes.line_customers}
        for external_id, movement in list(movement_by_id.items()):
            if external_id.startswith(DERIVED_PREFIX) and movement.customer_id in touched:
                del movement_by_id[external_id]
        for customer_id in sorted(touched):
            try:
                for movement in movements_from_contracts(by_customer.get(customer_id, ())):
                    external_id = DERIVED_PREFIX + movement.id
                    derived[external_id] = Movement(
                        external_id,
                        movement.customer_id,
                        movement.date,
                        movement.kind,
                        movement.amount,
                    )
            except InvalidLedgerError as error:
                problems.extend(error.problems)
        movement_by_id.update(derived)
    core_customers = tuple(
        core_customer(customer, currencies.get(customer_id))
        for customer_id, customer in sorted(customers.items())
    )
    try:
        Ledger(core_customers, tuple(movement_by_id.values()), tuple(renewal_by_id.values()))
    except InvalidLedgerError as error:
        problems.extend(error.problems)
    return CheckedLedger(tuple(problems), derived)
