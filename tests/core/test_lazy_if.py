"""`if(c, a, b)` evaluates only the branch taken, for undefined values too (SPEC 3, issue 12).

`improvement` with a baseline of 0 and `target` in a calculation without one are
undefined: like a division by zero, they fail a month only when the branch the
formula takes uses them.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.core.test_formula import LITERALS, Tree, compact, conditions, numbers, render
from tests.strategies import single_calculation_tracker, v1_calculation
from valuecalc_core.measurement_table import calculation_table
from valuecalc_core.months import Month

D = Decimal
M = Month.parse

# Leaves include both names that may be undefined for the calculation.
LAZY_NAMES = ("metric", "baseline", "delta", "reps", "improvement", "target")
LAZY_TREES: st.SearchStrategy[Tree] = st.recursive(
    st.tuples(st.just("num"), LITERALS) | st.tuples(st.just("var"), st.sampled_from(LAZY_NAMES)),
    numbers,
    max_leaves=8,
)


def month_outcome(
    formula: str, baseline: Decimal, target: Decimal | None, metric: Decimal
) -> tuple[Decimal | None, str | None]:
    """(benefit, error code) of the first month of a one-calculation tracker using `formula`."""
    base = v1_calculation(measurements={"2026-01": str(metric)}, target=target)
    calculation = dataclasses.replace(
        base, formula=formula, metric=dataclasses.replace(base.metric, baseline=baseline)
    )
    table = calculation_table(calculation, single_calculation_tracker(calculation), M("2026-01"))
    return table.benefit[0], table.error[0]


def test_the_issue_example_computes_the_branch_taken() -> None:
    formula = "if(baseline == 0, delta * 10, improvement * 1000)"
    assert month_outcome(formula, D(0), None, D(10)) == (D("100.00"), None)
    # The branch using `improvement`, when taken, fails the month as before.
    assert month_outcome("if(baseline == 0, improvement * 1000, 1)", D(0), None, D(10)) == (
        None,
        "undefined_improvement",
    )


def test_target_is_undefined_only_in_the_branch_that_uses_it() -> None:
    assert month_outcome("if(metric > 5, delta, target - metric)", D(0), None, D(10)) == (
        D("10.00"),
        None,
    )
    assert month_outcome("if(metric > 50, delta, target - metric)", D(0), None, D(10)) == (
        None,
        "undefined_target",
    )
    # A condition on an undefined value fails, as would a division by zero in it.
    assert month_outcome("if(target > 1, 1, 2)", D(0), None, D(10)) == (None, "undefined_target")
    assert month_outcome("improvement", D(0), None, D(10)) == (None, "undefined_improvement")


@given(
    condition=conditions(LAZY_TREES),
    then=LAZY_TREES,
    otherwise=LAZY_TREES,
    baseline=st.sampled_from([D(0), D(0), D(40), D("-2.5")]),
    target=st.none() | st.sampled_from([D(0), D(150)]),
    metric=st.sampled_from([D(0), D(10), D("121.5"), D(400)]),
)
def test_if_gives_the_taken_branch_result_errors_included(
    condition: Tree,
    then: Tree,
    otherwise: Tree,
    baseline: Decimal,
    target: Decimal | None,
    metric: Decimal,
) -> None:
    def text(tree: Tree) -> str:
        return compact(render(tree)[0])

    def outcome(formula: str) -> tuple[Decimal | None, str | None]:
        return month_outcome(formula, baseline, target, metric)

    cond, a, b = text(condition), text(then), text(otherwise)
    chooser = outcome(f"if({cond}, 1, 0)")
    wrapped = outcome(f"if({cond}, {a}, {b})")
    if chooser[1] is not None:
        assert wrapped == (None, chooser[1])  # the condition itself failed
    elif chooser[0] == 1:
        assert wrapped == outcome(a)
    else:
        assert wrapped == outcome(b)
