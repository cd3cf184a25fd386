"""Contract lines → movements, as subscription-analytics tools derive them (SPEC 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from valuecalc_core.months import Month
from valuecalc_core.revenue import (
    ContractLine,
    Customer,
    InvalidLedgerError,
    MovementKind,
    ledger_from_contracts,
    movements_from_contracts,
)

D = Decimal
K = MovementKind
M = Month.parse


def summary(lines: list[ContractLine]) -> list[tuple[str, date, MovementKind, Decimal]]:
    return [(m.id, m.date, m.kind, m.amount) for m in movements_from_contracts(lines)]


def test_overlapping_lines_add_up_and_churn_is_dated_the_month_after_the_last() -> None:
    lines = [
        ContractLine("acme", M("2026-01"), M("2026-06"), D(1000)),
        ContractLine("acme", M("2026-04"), M("2026-09"), D(500)),
        ContractLine("acme", date(2027, 1, 15), date(2027, 3, 2), D(800)),
    ]
    assert summary(lines) == [
        ("acme/2026-01/new", date(2026, 1, 1), K.NEW, D(1000)),
        ("acme/2026-04/upsell", date(2026, 4, 1), K.UPSELL, D(500)),
        ("acme/2026-07/downsell", date(2026, 7, 1), K.DOWNSELL, D(1000)),
        ("acme/2026-10/churn", date(2026, 10, 1), K.CHURN, D(500)),
        ("acme/2027-01/reactivation", date(2027, 1, 1), K.REACTIVATION, D(800)),
        ("acme/2027-04/churn", date(2027, 4, 1), K.CHURN, D(800)),
    ]


def test_a_price_change_is_expansion_or_contraction_never_churn_and_new() -> None:
    lines = [
        ContractLine("acme", M("2026-01"), M("2026-03"), D(100)),
        ContractLine("acme", M("2026-04"), M("2026-06"), D(120)),
        ContractLine("acme", M("2026-07"), M("2026-12"), D(90)),
        ContractLine("acme", M("2027-01"), M("2027-12"), D(90)),
    ]
    assert [(m.date, m.kind, m.amount) for m in movements_from_contracts(lines)] == [
        (date(2026, 1, 1), K.NEW, D(100)),
        (date(2026, 4, 1), K.UPSELL, D(20)),
        (date(2026, 7, 1), K.DOWNSELL, D(30)),
        (date(2028, 1, 1), K.CHURN, D(90)),
    ]


def test_a_gap_month_is_churn_then_reactivation() -> None:
    lines = [
        ContractLine("acme", M("2026-01"), M("2026-03"), D(100)),
        ContractLine("acme", M("2026-05"), M("2026-06"), D(100)),
    ]
    kinds = [(m.date, m.kind) for m in movements_from_contracts(lines)]
    assert kinds == [
        (date(2026, 1, 1), K.NEW),
        (date(2026, 4, 1), K.CHURN),
        (date(2026, 5, 1), K.REACTIVATION),
        (date(2026, 7, 1), K.CHURN),
    ]


def test_bad_lines_are_all_reported() -> None:
    with pytest.raises(InvalidLedgerError) as error:
        movements_from_contracts(
            [
                ContractLine("acme", M("2026-05"), M("2026-04"), D(100)),
                ContractLine("bmw", M("2026-01"), M("2026-04"), D(0)),
            ]
        )
    assert [(p.code, p.customer_id) for p in error.value.problems] == [
        ("contract_ends_before_start", "acme"),
        ("non_positive_amount", "bmw"),
    ]
    assert "Contract line 0" in error.value.problems[0].message


def test_ledger_from_contracts_gives_arr_per_month() -> None:
    ledger = ledger_from_contracts(
        [Customer("acme", "Acme", "EUR")],
        [
            ContractLine("acme", M("2026-01"), M("2026-06"), D("1000.50")),
            ContractLine("acme", M("2026-03"), M("2026-03"), D("99.50")),
        ],
    )
    assert ledger.arr_at("acme", date(2026, 2, 28)) == D("1000.50")
    assert ledger.arr_at("acme", date(2026, 3, 31)) == D("1100.00")
    assert ledger.arr_at("acme", date(2026, 4, 1)) == D("1000.50")
    assert ledger.arr_at("acme", date(2026, 7, 1)) == 0
