"""How fast a compiled formula runs compared with the same arithmetic written by hand.

Times `Formula.call` against a hand-written Python function over the same
1,000,000 prebuilt Decimal argument tuples, best of several runs, for SPEC 3's
V1 and V3 formulas, and prints ns per evaluation and the ratio formula / hand.
The target is a ratio of at most 1.5; this script prints, it never asserts.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from decimal import Decimal

from valuecalc_core.formula import BUILTIN_VARIABLES, compile_formula

EVALUATIONS = 1_000_000
REPEATS = 7


def hand_v1(improvement: Decimal, reps: Decimal, cost: Decimal) -> Decimal:
    return improvement * reps * cost


def hand_v3(delta: Decimal, tasks: Decimal, hourly: Decimal) -> Decimal:
    return delta / 60 * tasks * hourly


def hand_v3_decimal_constant(
    delta: Decimal, tasks: Decimal, hourly: Decimal, sixty: Decimal = Decimal(60)
) -> Decimal:
    """V3 with 60 as a prebuilt Decimal, as the compiled formula has it (no int conversion)."""
    return delta / sixty * tasks * hourly


def _columns(generator: random.Random, scales: tuple[int, int, int]) -> list[list[Decimal]]:
    """Three columns of EVALUATIONS Decimals with realistic digits (e.g. 0.58, 12, 9500.00)."""
    return [
        [Decimal(generator.randint(1, 10**6)).scaleb(-scale) for _ in range(EVALUATIONS)]
        for scale in scales
    ]


def _best_ns_interleaved(
    first: Callable[..., Decimal],
    first_columns: list[list[Decimal]],
    second: Callable[..., Decimal],
    second_columns: list[list[Decimal]],
) -> tuple[float, float]:
    """Best-of-REPEATS nanoseconds per call of each function, timed alternately.

    Alternating keeps both exposed to the same machine load; map + deque keeps the
    loop overhead minimal and identical for both.
    """
    best = [float("inf"), float("inf")]
    for _ in range(REPEATS):
        for slot, (function, columns) in enumerate(
            ((first, first_columns), (second, second_columns))
        ):
            started = time.perf_counter()
            deque(map(function, *columns), maxlen=0)
            best[slot] = min(best[slot], time.perf_counter() - started)
    return best[0] * 1e9 / EVALUATIONS, best[1] * 1e9 / EVALUATIONS


def _compare(
    text: str,
    hand: Callable[..., Decimal],
    names: tuple[str, str, str],
    columns: list[list[Decimal]],
) -> float:
    """Time `text` and `hand`; `columns` hold the values of `names`, in `hand`'s argument order.

    The formula takes its values in the order of `formula.variables` (sorted
    names), so its columns are the same lists, reordered.
    """
    allowed = BUILTIN_VARIABLES | {"reps", "cost_per_rep_month", "tasks_per_month", "hourly_cost"}
    formula = compile_formula(text, allowed)
    by_name = dict(zip(names, columns, strict=True))
    formula_columns = [by_name[name] for name in formula.variables]
    first = formula.call(*(column[0] for column in formula_columns))
    assert first == hand(*(column[0] for column in columns)), "formula and hand-written disagree"
    formula_ns, hand_ns = _best_ns_interleaved(formula.call, formula_columns, hand, columns)
    ratio = formula_ns / hand_ns
    print(
        f"  {text}\n"
        f"    formula {formula_ns:6.1f} ns/eval   hand-written {hand_ns:6.1f} ns/eval   "
        f"ratio {ratio:.2f}"
    )
    return ratio


def main() -> None:
    generator = random.Random(20260101)
    print(
        f"formula vs hand-written Python: {EVALUATIONS:,} evaluations, best of {REPEATS} "
        "(target ratio <= 1.5)"
    )
    _compare(
        "improvement * reps * cost_per_rep_month",
        hand_v1,
        ("improvement", "reps", "cost_per_rep_month"),
        _columns(generator, (4, 3, 2)),
    )
    v3_columns = _columns(generator, (2, 2, 2))
    v3_names = ("delta", "tasks_per_month", "hourly_cost")
    _compare("delta / 60 * tasks_per_month * hourly_cost", hand_v3, v3_names, v3_columns)
    print("  (same, against a hand-written function whose 60 is a prebuilt Decimal)")
    _compare(
        "delta / 60 * tasks_per_month * hourly_cost",
        hand_v3_decimal_constant,
        v3_names,
        v3_columns,
    )


if __name__ == "__main__":
    main()
