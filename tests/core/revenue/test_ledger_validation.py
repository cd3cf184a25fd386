"""Every way a ledger is refused: each problem's stable code and the id it names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from valuecalc_core.months import Period
from valuecalc_core.revenue import (
    Customer,
    FxRates,
    InvalidLedgerError,
    Ledger,
    MissingFxRateError,
    MixedCurrenciesError,
    Movement,
    MovementKind,
    Renewal,
    RenewalOutcome,
    RevenuePeriod,
    ledger_period_metrics,
    metric_series,
    mrr,
)

D = Decimal
K = MovementKind
ACME = Customer("acme", "Acme", "USD")
JAN = date(2026, 1, 5)
FEB = date(2026, 2, 5)


def new(mid: str = "m-new", amount: str = "1000", day: date = JAN) -> Movement:
    return Movement(mid, "acme", day, K.NEW, D(amount))


def refuse(*movements: Movement, renewals: tuple[Renewal, ...] = ()) -> InvalidLedgerError:
    with pytest.raises(InvalidLedgerError) as error:
        Ledger((ACME,), movements, renewals)
    return error.value


def only_problem(error: InvalidLedgerError) -> tuple[str, str | None, str | None]:
    assert len(error.problems) == 1, error.problems
    problem = error.problems[0]
    return problem.code, problem.movement_id, problem.customer_id


@pytest.mark.parametrize(
    ("movements", "expected"),
    [
        pytest.param(
            (Movement("m1", "acme", JAN, K.DOWNSELL, D(10)),),
            ("arr_negative", "m1"),
            id="downsell-without-arr-would-go-negative",
        ),
        pytest.param(
            (new(), Movement("m2", "acme", FEB, K.DOWNSELL, D(1500))),
            ("downsell_exceeds_arr", "m2"),
            id="downsell-larger-than-arr",
        ),
        pytest.param(
            (new(), Movement("m2", "acme", FEB, K.DOWNSELL, D(1000))),
            ("downsell_to_zero", "m2"),
            id="downsell-of-the-whole-arr-is-a-churn",
        ),
        pytest.param(
            (Movement("m1", "acme", JAN, K.CHURN, D(10)),),
            ("churn_without_arr", "m1"),
            id="churn-without-arr",
        ),
        pytest.param(
            (new(), Movement("m2", "acme", FEB, K.CHURN, D(400))),
            ("churn_amount_mismatch", "m2"),
            id="partial-churn",
        ),
        pytest.param(
            (new(), Movement("m2", "acme", FEB, K.CHURN, D(1200))),
            ("churn_amount_mismatch", "m2"),
            id="churn-above-arr",
        ),
        pytest.param((new(), new("m2", day=FEB)), ("new_with_existing_arr", "m2"), id="new-twice"),
        pytest.param(
            (
                new(),
                Movement("m2", "acme", FEB, K.CHURN, D(1000)),
                new("m3", day=date(2026, 3, 1)),
            ),
            ("new_after_churn", "m3"),
            id="returning-customer-is-not-new",
        ),
        pytest.param(
            (Movement("m1", "acme", JAN, K.REACTIVATION, D(10)),),
            ("reactivation_without_churn", "m1"),
            id="reactivation-without-churn",
        ),
        pytest.param(
            (new(), Movement("m2", "acme", FEB, K.REACTIVATION, D(10))),
            ("reactivation_while_active", "m2"),
            id="reactivation-while-active",
        ),
        pytest.param(
            (Movement("m1", "acme", JAN, K.UPSELL, D(10)),),
            ("expansion_without_arr", "m1"),
            id="upsell-without-arr",
        ),
        pytest.param((new(amount="0"),), ("non_positive_amount", "m-new"), id="zero-amount"),
        pytest.param((new(amount="-5"),), ("non_positive_amount", "m-new"), id="negative-amount"),
        pytest.param((new(amount="NaN"),), ("non_positive_amount", "m-new"), id="nan-amount"),
        pytest.param(
            (new(), Movement("m-new", "acme", FEB, K.UPSELL, D(10))),
            ("duplicate_id", "m-new"),
            id="duplicate-movement-id",
        ),
    ],
)
def test_each_movement_problem_has_its_code_and_movement(
    movements: tuple[Movement, ...], expected: tuple[str, str]
) -> None:
    error = refuse(*movements)
    assert only_problem(error) == (*expected, "acme")
    assert error.code == "invalid_ledger"
    assert repr(expected[1]) in str(error)


def test_a_kind_that_is_not_a_movement_kind_is_refused() -> None:
    error = refuse(Movement("m1", "acme", JAN, "churn", D(10)))  # type: ignore[arg-type]
    assert only_problem(error) == ("unknown_kind", "m1", "acme")


def test_same_day_order_does_not_depend_on_input_order() -> None:
    """New and upsell on one day are fine in any input order (increases apply first)."""
    upsell = Movement("m2", "acme", JAN, K.UPSELL, D(10))
    downsell = Movement("m3", "acme", JAN, K.DOWNSELL, D(5))
    for movements in ((downsell, upsell, new()), (new(), upsell, downsell)):
        assert Ledger((ACME,), movements).arr_at("acme", JAN) == D(1005)


def test_unknown_customer_and_unknown_currency() -> None:
    with pytest.raises(InvalidLedgerError) as error:
        Ledger(
            (Customer("acme", "Acme", "usd"),),
            (Movement("m1", "ghost", JAN, K.NEW, D(1)),),
        )
    assert [(p.code, p.customer_id, p.movement_id) for p in error.value.problems] == [
        ("unknown_currency", "acme", None),
        ("unknown_customer", "ghost", "m1"),
    ]


def test_duplicate_customer_ids() -> None:
    with pytest.raises(InvalidLedgerError) as error:
        Ledger((ACME, ACME), ())
    assert error.value.codes == ("duplicate_id",)
    assert error.value.problems[0].customer_id == "acme"


def test_renewal_problems_name_the_renewal() -> None:
    renewal = Renewal("r1", "acme", FEB, D(500), RenewalOutcome.RENEWED, FEB)
    cases = {
        "unknown_renewal": (Movement("m2", "acme", FEB, K.UPSELL, D(10), "nope"),),
        "renewal_loss_exceeds_renewable": (Movement("m2", "acme", FEB, K.DOWNSELL, D(600), "r1"),),
        "renewal_movement_kind": (
            Movement("m2", "acme", FEB, K.CHURN, D(1000)),
            Movement("m3", "acme", date(2026, 3, 1), K.REACTIVATION, D(10), "r1"),
        ),
    }
    for code, movements in cases.items():
        error = refuse(new(), *movements, renewals=(renewal,))
        assert error.codes == (code,)
        assert error.problems[0].renewal_id in ("r1", "nope")
    inconsistent = Renewal("r2", "acme", FEB, D(500), RenewalOutcome.RENEWED)
    zero = Renewal("r3", "acme", FEB, D(0))
    error = refuse(new(), renewals=(inconsistent, zero))
    assert [(p.code, p.renewal_id) for p in error.problems] == [
        ("renewal_outcome_inconsistent", "r2"),
        ("non_positive_amount", "r3"),
    ]


def test_renewal_of_another_customer() -> None:
    other = Customer("other", "Other", "USD")
    renewal = Renewal("r1", "other", FEB, D(500))
    movements = (new(), Movement("m2", "acme", FEB, K.UPSELL, D(10), "r1"))
    with pytest.raises(InvalidLedgerError) as error:
        Ledger((ACME, other), movements, (renewal,))
    assert [(p.code, p.movement_id, p.renewal_id) for p in error.value.problems] == [
        ("renewal_customer_mismatch", "m2", "r1")
    ]


def test_all_problems_are_reported_not_just_the_first() -> None:
    error = refuse(
        new(),
        Movement("m2", "acme", FEB, K.CHURN, D(3)),
        Movement("m3", "acme", date(2026, 3, 1), K.DOWNSELL, D(1000)),
        Movement("m4", "acme", date(2026, 4, 1), K.NEW, D(0)),
    )
    assert [(p.code, p.movement_id) for p in error.problems] == [
        ("non_positive_amount", "m4"),
        ("churn_amount_mismatch", "m2"),
        ("downsell_to_zero", "m3"),
    ]
    assert "and 2 more problems" in str(error)


def test_mixed_currencies_need_fx_rates() -> None:
    ledger = Ledger(
        (ACME, Customer("bmw", "BMW", "EUR")),
        (new(), Movement("m2", "bmw", JAN, K.NEW, D(10))),
    )
    q1 = RevenuePeriod.of_months(Period.parse("2026-01", "2026-03"))
    with pytest.raises(MixedCurrenciesError) as error:
        ledger_period_metrics(ledger, q1)
    assert error.value.code == "mixed_currencies"
    assert "EUR, USD" in str(error.value)
    with pytest.raises(MixedCurrenciesError):
        metric_series(ledger, Period.parse("2026-01", "2026-03"))
    with pytest.raises(MissingFxRateError) as missing:
        ledger_period_metrics(ledger, q1, fx=FxRates("USD", {}))
    assert missing.value.code == "missing_fx_rate"
    assert "EUR" in str(missing.value)
    assert "2026-01" in str(missing.value)


def test_arr_and_mrr() -> None:
    ledger = Ledger((ACME,), (new(amount="1200"), Movement("m2", "acme", FEB, K.DOWNSELL, D(300))))
    assert ledger.arr_at("acme", date(2026, 1, 4)) == 0
    assert ledger.arr_at("acme", JAN) == D(1200)
    assert ledger.arr_at("acme", FEB) == D(900)
    assert mrr(D(900)) == D(75)
