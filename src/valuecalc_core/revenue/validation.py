"""Ledger validation: every problem of a set of customers, movements and renewals (SPEC 4).

Checks each record (ids unique, amounts finite and > 0, known customers and renewals, kinds),
then replays each customer's movements in order: ARR never goes below 0, a downsell leaves ARR
above 0 (a downsell of the whole ARR is a churn), a churn removes exactly the whole ARR, `new`
only for a customer that never had ARR, `reactivation` only after a churn, upsell / cross-sell
only with ARR. A refused movement is left out of the replay so one bad row does not cascade.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from operator import attrgetter

from valuecalc_core.money import MINOR_UNITS
from valuecalc_core.revenue.model import (
    RENEWAL_KINDS,
    Customer,
    LedgerProblem,
    Movement,
    MovementKind,
    Renewal,
    RenewalOutcome,
    movement_order,
)

ZERO = Decimal(0)


def find_problems(
    customers: tuple[Customer, ...], movements: tuple[Movement, ...], renewals: tuple[Renewal, ...]
) -> tuple[list[LedgerProblem], dict[str, list[Movement]]]:
    """Every problem of the ledger, and each customer's movements in the order they apply.

    Problems come in a stable order: customers, renewals, movement records, the ARR replay,
    renewal totals. Call under `localcontext(EXACT)`.
    """
    problems: list[LedgerProblem] = []
    customer_ids = _check_customers(customers, problems)
    renewal_by_id = _check_renewals(renewals, customer_ids, problems)
    duplicates = _duplicate_movements(movements, problems)
    record_problems: list[LedgerProblem] = []
    replay_problems: list[LedgerProblem] = []
    by_customer = _group_by_customer(movements)
    for customer_id, own in by_customer.items():
        if customer_id in customer_ids:
            _check_arr_path(
                customer_id, own, renewal_by_id, duplicates, record_problems, replay_problems
            )
        else:
            for m in own:
                if id(m) not in duplicates:
                    record_problems.append(
                        LedgerProblem(
                            "unknown_customer",
                            f"Movement {m.id!r} names customer {customer_id!r}, which is not in "
                            "the ledger.",
                            customer_id,
                            m.id,
                        )
                    )
    problems += record_problems
    problems += replay_problems
    _check_renewal_losses(movements, renewal_by_id, problems)
    return problems, by_customer


def _check_customers(customers: tuple[Customer, ...], problems: list[LedgerProblem]) -> set[str]:
    seen: set[str] = set()
    for customer in customers:
        if customer.id in seen:
            problems.append(
                LedgerProblem(
                    "duplicate_id",
                    f"Customer id {customer.id!r} appears more than once.",
                    customer.id,
                )
            )
        seen.add(customer.id)
        if customer.currency not in MINOR_UNITS:
            problems.append(
                LedgerProblem(
                    "unknown_currency",
                    f"Customer {customer.id!r} has currency {customer.currency!r}, which is not an "
                    "ISO 4217 code.",
                    customer.id,
                )
            )
    return seen


def _check_renewals(
    renewals: tuple[Renewal, ...], customer_ids: set[str], problems: list[LedgerProblem]
) -> dict[str, Renewal]:
    by_id: dict[str, Renewal] = {}
    for renewal in renewals:
        rid, cid = renewal.id, renewal.customer_id
        if rid in by_id:
            problems.append(
                LedgerProblem(
                    "duplicate_id",
                    f"Renewal id {rid!r} appears more than once.",
                    cid,
                    renewal_id=rid,
                )
            )
        by_id.setdefault(rid, renewal)
        if cid not in customer_ids:
            problems.append(
                LedgerProblem(
                    "unknown_customer",
                    f"Renewal {rid!r} names customer {cid!r}, which is not in the ledger.",
                    cid,
                    renewal_id=rid,
                )
            )
        if not _is_positive(renewal.renewable_arr):
            problems.append(
                LedgerProblem(
                    "non_positive_amount",
                    f"Renewal {rid!r} has renewable ARR {renewal.renewable_arr}; it must be above 0.",
                    cid,
                    renewal_id=rid,
                )
            )
        closed = renewal.outcome != RenewalOutcome.OPEN
        if closed != (renewal.closed_date is not None):
            problems.append(
                LedgerProblem(
                    "renewal_outcome_inconsistent",
                    f"Renewal {rid!r} is {renewal.outcome} but "
                    + ("has no closed date." if closed else "has a closed date."),
                    cid,
                    renewal_id=rid,
                )
            )
    return by_id


def _is_positive(amount: Decimal) -> bool:
    return isinstance(amount, Decimal) and amount.is_finite() and amount > 0


_ID = attrgetter("id")
_DATE = attrgetter("date")
_NEW = MovementKind.NEW
_DOWNSELL = MovementKind.DOWNSELL
_CHURN = MovementKind.CHURN
_REACTIVATION = MovementKind.REACTIVATION


def _duplicate_movements(
    movements: tuple[Movement, ...], problems: list[LedgerProblem]
) -> set[int]:
    """`id()` of every movement whose id an earlier movement already has (usually none)."""
    if len(set(map(_ID, movements))) == len(movements):
        return set()
    seen: set[str] = set()
    duplicates: set[int] = set()
    for m in movements:
        if m.id in seen:
            duplicates.add(id(m))
            problems.append(
                LedgerProblem(
                    "duplicate_id",
                    f"Movement id {m.id!r} appears more than once.",
                    m.customer_id,
                    m.id,
                )
            )
        seen.add(m.id)
    return duplicates


def _group_by_customer(movements: tuple[Movement, ...]) -> dict[str, list[Movement]]:
    by_customer: dict[str, list[Movement]] = defaultdict(list)
    for m in movements:
        by_customer[m.customer_id].append(m)
    return by_customer


def _record_problems(m: Movement, renewal_by_id: dict[str, Renewal]) -> list[LedgerProblem]:
    """Problems of one movement on its own: kind, amount, renewal tag."""
    mid, cid = m.id, m.customer_id
    if type(m.kind) is not MovementKind:
        kinds = ", ".join(kind.value for kind in MovementKind)
        message = f"Movement {mid!r} has kind {m.kind!r}; the kinds are {kinds}."
        return [LedgerProblem("unknown_kind", message, cid, mid)]
    if not _is_positive(m.amount):
        return [
            LedgerProblem(
                "non_positive_amount",
                f"Movement {mid!r} has amount {m.amount}; amounts must be above 0 (the kind "
                "gives the sign).",
                cid,
                mid,
            )
        ]
    problems: list[LedgerProblem] = []
    if m.renewal_id is not None:
        _check_renewal_tag(m, renewal_by_id, problems)
    return problems


def _check_renewal_tag(
    m: Movement, renewal_by_id: dict[str, Renewal], problems: list[LedgerProblem]
) -> None:
    renewal = renewal_by_id.get(m.renewal_id or "")
    if renewal is None:
        problems.append(
            LedgerProblem(
                "unknown_renewal",
                f"Movement {m.id!r} is tagged with renewal {m.renewal_id!r}, which is not in the "
                "ledger.",
                m.customer_id,
                m.id,
                m.renewal_id,
            )
        )
    elif renewal.customer_id != m.customer_id:
        problems.append(
            LedgerProblem(
                "renewal_customer_mismatch",
                f"Movement {m.id!r} of customer {m.customer_id!r} is tagged with renewal "
                f"{renewal.id!r} of customer {renewal.customer_id!r}.",
                m.customer_id,
                m.id,
                renewal.id,
            )
        )
    if m.kind not in RENEWAL_KINDS:
        problems.append(
            LedgerProblem(
                "renewal_movement_kind",
                f"Movement {m.id!r} is a {m.kind.value} tagged with a renewal; only upsell, "
                "cross-sell, downsell and churn happen at a renewal.",
                m.customer_id,
                m.id,
                m.renewal_id,
            )
        )


def _check_arr_path(
    customer_id: str,
    own: list[Movement],
    renewal_by_id: dict[str, Renewal],
    duplicates: set[int],
    record_problems: list[LedgerProblem],
    replay_problems: list[LedgerProblem],
) -> None:
    """Check a customer's movements and replay them in order; refused ones are left out."""
    own.sort(key=_DATE)
    if len(own) > 1 and len(set(map(_DATE, own))) < len(own):
        own.sort(key=movement_order)  # same-day movements: the canonical order
    arr = ZERO
    has_churned = False
    for m in own:
        kind, amount = m.kind, m.amount
        if (
            type(kind) is not MovementKind
            or type(amount) is not Decimal
            or not amount.is_finite()
            or m.renewal_id is not None
            or amount <= 0
            or (duplicates and id(m) in duplicates)
        ):  # the rare rows that need a closer look
            if id(m) in duplicates:
                continue
            found = _record_problems(m, renewal_by_id)
            if found:
                record_problems.extend(found)
                continue
        if kind is _CHURN:
            if amount == arr and arr:
                arr = ZERO
                has_churned = True
                continue
        elif kind is _DOWNSELL:
            if amount < arr:
                arr -= amount
                continue
        elif kind is _NEW:
            if not arr and not has_churned:
                arr = amount
                continue
        elif kind is _REACTIVATION:
            if not arr and has_churned:
                arr = amount
                continue
        elif arr:  # upsell, cross-sell
            arr += amount
            continue
        code, message = _refusal(m, arr, has_churned)
        replay_problems.append(LedgerProblem(code, message, customer_id, m.id, m.renewal_id))


def _refusal(m: Movement, arr: Decimal, has_churned: bool) -> tuple[str, str]:
    """The problem code and message of a movement the replay refused at ARR `arr`."""
    what = f"Movement {m.id!r} ({m.kind.value} of {m.amount} on {m.date.isoformat()})"
    kind = m.kind
    if kind is MovementKind.NEW:
        if arr > 0:
            return "new_with_existing_arr", f"{what}: the customer already has ARR {arr}."
        return (
            "new_after_churn",
            f"{what}: the customer churned before; a returning customer is a reactivation.",
        )
    if kind is MovementKind.REACTIVATION:
        if arr > 0:
            return "reactivation_while_active", f"{what}: the customer still has ARR {arr}."
        return "reactivation_without_churn", f"{what}: the customer never churned."
    if kind is MovementKind.DOWNSELL:
        if arr == 0:
            return "arr_negative", f"{what}: the customer has no ARR, so ARR would go below 0."
        if m.amount > arr:
            return (
                "downsell_exceeds_arr",
                f"{what}: larger than the customer's ARR {arr}; ARR would go below 0.",
            )
        return (
            "downsell_to_zero",
            f"{what}: equals the customer's whole ARR; losing all ARR is a churn.",
        )
    if kind is MovementKind.CHURN:
        if arr == 0:
            return "churn_without_arr", f"{what}: the customer has no ARR to churn."
        return (
            "churn_amount_mismatch",
            f"{what}: a churn removes the customer's whole ARR, which is {arr}.",
        )
    return "expansion_without_arr", f"{what}: the customer has no ARR; use new or reactivation."


def _check_renewal_losses(
    movements: tuple[Movement, ...],
    renewal_by_id: dict[str, Renewal],
    problems: list[LedgerProblem],
) -> None:
    """Churn + downsell at a renewal cannot exceed what was up for renewal."""
    if not renewal_by_id:
        return
    lost: dict[str, Decimal] = defaultdict(Decimal)
    for m in movements:
        rid = m.renewal_id
        if (
            rid is not None
            and rid in renewal_by_id
            and m.kind in (MovementKind.DOWNSELL, MovementKind.CHURN)
            and _is_positive(m.amount)
        ):
            lost[rid] += m.amount
    for rid, amount in lost.items():
        renewal = renewal_by_id[rid]
        if _is_positive(renewal.renewable_arr) and amount > renewal.renewable_arr:
            problems.append(
                LedgerProblem(
                    "renewal_loss_exceeds_renewable",
                    f"Renewal {rid!r}: churn and downsell tagged with it total {amount}, more than "
                    f"its renewable ARR {renewal.renewable_arr}.",
                    renewal.customer_id,
                    renewal_id=rid,
                )
            )
