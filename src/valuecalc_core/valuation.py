"""Per-month values of a calculation (SPEC 3): delta, improvement and the benefit its formula gives.

This is the hot loop of every table and report, so it works on columns (one
tuple per quantity, index = contract month), never on a dict per month. A
formula is a pure function of its arguments, so a month whose arguments equal
the previous month's (a carried month without an input change) shows that
month's result. Realized values use this only when many months are carried
(`evaluate_realized`): with a measurement in most months, evaluating every
month over column slices is cheaper than picking the evaluation points and
spreading their results back. The projection changes only at ramp steps and
input changes, so it is always evaluated at its points.
"""

from __future__ import annotations

import decimal
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from itertools import accumulate, chain, repeat
from operator import is_, itemgetter, sub, truediv
from typing import TypeVar

from valuecalc_core.formula import (
    BUILTIN_VARIABLES,
    Formula,
    FormulaEvaluationError,
    arithmetic_error_code,
    compile_formula,
)
from valuecalc_core.formula.undefined import Undefined, undefined_code
from valuecalc_core.timeline import Timeline
from valuecalc_core.tracker_model import CalculationSpec, Direction

# Decimal digits kept through a calculation: 15 integer digits (SPEC 2) times a
# few factors still fits, so no cent is ever lost to the context's precision.
PRECISION = 34

UNDEFINED_IMPROVEMENT = "undefined_improvement"
UNDEFINED_TARGET = "undefined_target"
OVERFLOW = "overflow"

_T = TypeVar("_T")


@contextmanager
def exact_context() -> Iterator[decimal.Context]:
    """The decimal context every core computation runs in: 34 digits, half-even, traps on."""
    with decimal.localcontext() as context:
        context.prec = PRECISION
        context.rounding = ROUND_HALF_EVEN
        context.Emax = decimal.MAX_EMAX
        context.Emin = decimal.MIN_EMIN
        context.traps[decimal.InvalidOperation] = True
        context.traps[decimal.DivisionByZero] = True
        context.traps[decimal.Overflow] = True
        yield context


FormulaCache = dict[tuple[str, frozenset[str]], Formula]


@dataclass(frozen=True, slots=True)
class FormulaWarning:
    """A formula that is valid but uses a value the calculation does not define.

    `code` is the error code the months will carry when the branch taken uses it.
    """

    code: str
    variable: str
    message: str


def formula_warnings(
    variables: Iterable[str], baseline: Decimal, target: Decimal | None
) -> tuple[FormulaWarning, ...]:
    """What a user must know when saving a formula that uses undefined values (SPEC 3).

    `variables` are the names the formula uses (`Formula.variables`).
    """
    used = set(variables)
    warnings: list[FormulaWarning] = []
    if "target" in used and target is None:
        warnings.append(
            FormulaWarning(
                UNDEFINED_TARGET,
                "target",
                "The formula uses 'target', but the metric has no target: every month "
                f"whose formula needs it will fail with {UNDEFINED_TARGET}. Set a target or "
                "change the formula.",
            )
        )
    if "improvement" in used and baseline.is_zero():
        warnings.append(
            FormulaWarning(
                UNDEFINED_IMPROVEMENT,
                "improvement",
                "The formula uses 'improvement' (delta / |baseline|), but the baseline is 0: "
                "every month whose formula needs it will fail with "
                f"{UNDEFINED_IMPROVEMENT}. Use 'delta', or guard it with "
                "if(baseline == 0, ..., ...).",
            )
        )
    return tuple(warnings)


def compile_calculation(calculation: CalculationSpec, cache: FormulaCache | None = None) -> Formula:
    """Compile a calculation's formula against its variables; raises FormulaError if invalid.

    `cache` (owned by the caller, e.g. one report) reuses the compiled formula of
    an identical text over the same allowed names: use cases built from one
    template share their formulas, and compiling dominates small tables.
    """
    keys = frozenset([d.key for d in calculation.inputs])
    if cache is None:
        return _compiled(calculation.formula, keys)
    # Keyed by the input keys alone: the allowed names are always those plus the
    # built-in variables, so the keys identify them without building the union
    # for every calculation (only a formula not yet compiled needs it).
    key = (calculation.formula, keys)
    formula = cache.get(key)
    if formula is None:
        formula = cache[key] = _compiled(calculation.formula, keys)
    return formula


@lru_cache(maxsize=1024)
def _compiled(text: str, keys: frozenset[str]) -> Formula:
    """The compiled formula of `text` over the input `keys` and the built-ins.

    Compiling is a pure function of both, and its result immutable, so reports
    share it: a tracker's formulas are compiled once, not once per request
    (parsing and `compile` cost more than evaluating a small tracker's months).
    A formula that does not compile raises every time (exceptions are not cached).
    """
    return compile_formula(text, keys | BUILTIN_VARIABLES)


@dataclass(frozen=True, slots=True)
class MonthlyValues:
    """Columns of one evaluation (realized or projected), before any missing-months policy.

    `benefit[i]` is rounded once to the currency's minor unit, or None when the
    month has no metric value or its formula failed (then `error[i]` says why).
    `delta` and `improvement` keep full precision (empty when not asked for).
    """

    delta: tuple[Decimal | None, ...]
    improvement: tuple[Decimal | None, ...]
    benefit: tuple[Decimal | None, ...]
    error: tuple[str | None, ...]


def evaluate_months(
    formula: Formula,
    calculation: CalculationSpec,
    metric: Sequence[Decimal | None],
    inputs: Sequence[Sequence[Decimal]],
    evaluation: EvaluationPoints,
    quantum: Decimal,
    *,
    ratios: bool = True,
) -> MonthlyValues:
    """Evaluate `formula` in each month that has a metric value (SPEC 3 "Per-month values").

    `inputs[k]` is the column of the calculation's k-th input definition.
    Only the months in `points` go through the formula; every other month
    shows the result of its point (see `evaluation_points`). With `ratios`
    False, `delta` and `improvement` are left empty (the projection does not show them).
    """
    month_count = len(metric)
    point_of_month = evaluation.point_of_month
    deltas, improvements, benefits, errors = evaluate_values(
        formula,
        calculation,
        _pick(evaluation.months, metric),  # type: ignore[arg-type]  # points have a value
        [_pick(evaluation.months, column) for column in inputs],
        quantum,
        ratios=ratios,
    )
    return MonthlyValues(
        delta=_spread(deltas, point_of_month, month_count) if ratios else (),
        improvement=_spread(improvements, point_of_month, month_count) if ratios else (),
        benefit=_spread(benefits, point_of_month, month_count),
        error=_spread(errors, point_of_month, month_count),
    )


# With at most this many carried months, evaluating every month from the first
# measurement is cheaper than finding the evaluation points and spreading their
# results back: the points cost ~9 us more per calculation, a month ~0.45 us
# (36-month bench calculations, Python 3.11). Both give the same values.
_DENSE_MAX_CARRIED = 20


def evaluate_realized(
    formula: Formula,
    calculation: CalculationSpec,
    timeline: Timeline,
    quantum: Decimal,
    *,
    ratios: bool = True,
) -> MonthlyValues:
    """`evaluate_months` over a timeline's carried-forward metric and inputs (realized values).

    Months before the first measurement have no value. When most months have
    their own measurement (the usual table) every month from the first one is
    evaluated in one pass over column slices; otherwise only the evaluation points are.
    """
    dense = evaluate_dense(formula, calculation, timeline, quantum, ratios=ratios)
    if dense is None:
        first = timeline.measured_at[0] if timeline.measured_at else timeline.month_count
        points = evaluation_points(
            chain(timeline.measured_at, timeline.inputs_change_at), first, timeline.month_count
        )
        return evaluate_months(
            formula, calculation, timeline.metric, timeline.inputs, points, quantum, ratios=ratios
        )
    first, deltas, improvements, benefits, errors, _ = dense
    none = (None,) * first
    return MonthlyValues(
        delta=none + tuple(deltas) if ratios else (),
        improvement=none + tuple(improvements) if ratios else (),
        benefit=none + tuple(benefits),
        error=none + tuple(errors),
    )


def evaluate_dense(
    formula: Formula,
    calculation: CalculationSpec,
    timeline: Timeline,
    quantum: Decimal,
    *,
    ratios: bool,
) -> (
    tuple[
        int,
        Sequence[Decimal],
        Sequence[Decimal | None],
        Sequence[Decimal | None],
        Sequence[str | None],
        bool,
    ]
    | None
):
    """`evaluate_checked` over every month from the first measurement, if that is the
    cheaper way (at most _DENSE_MAX_CARRIED carried months), else None.

    Gives that first month's index and the columns from it on (months before it
    have no value); `evaluate_realized` pads them, a totals-only caller sums them.
    """
    month_count = timeline.month_count
    measured_at = timeline.measured_at
    if not measured_at:
        return None
    first = measured_at[0]
    if month_count - first - len(measured_at) > _DENSE_MAX_CARRIED:
        return None
    return (
        first,
        *evaluate_checked(
            formula,
            calculation,
            timeline.metric[first:],  # type: ignore[arg-type]  # valued from the first measurement
            [column[first:] for column in timeline.inputs],
            quantum,
            ratios=ratios,
        ),
    )


def evaluate_values(
    formula: Formula,
    calculation: CalculationSpec,
    values: Sequence[Decimal],
    inputs: Sequence[Sequence[Decimal]],
    quantum: Decimal,
    *,
    ratios: bool,
) -> tuple[
    Sequence[Decimal], Sequence[Decimal | None], Sequence[Decimal | None], Sequence[str | None]
]:
    """(delta, improvement, benefit, error) for metric `values` and the inputs aligned with them.

    Without `ratios`, delta and improvement are computed only if the formula uses
    them (and returned empty otherwise).
    """
    deltas, improvements, benefits, errors, _ = evaluate_checked(
        formula, calculation, values, inputs, quantum, ratios=ratios
    )
    return deltas, improvements, benefits, errors


def evaluate_checked(
    formula: Formula,
    calculation: CalculationSpec,
    values: Sequence[Decimal],
    inputs: Sequence[Sequence[Decimal]],
    quantum: Decimal,
    *,
    ratios: bool,
) -> tuple[
    Sequence[Decimal],
    Sequence[Decimal | None],
    Sequence[Decimal | None],
    Sequence[str | None],
    bool,
]:
    """`evaluate_values` and whether any value failed (has an error and no benefit).

    Callers that sum the benefits use the flag instead of scanning them for None.
    """
    spec = calculation.metric
    baseline = spec.baseline
    scale = abs(baseline)
    count = len(values)
    used = formula.variables
    deltas: Sequence[Decimal] = ()
    improvements: Sequence[Decimal | None] = ()
    if ratios or "delta" in used or "improvement" in used:
        if spec.direction is Direction.HIGHER_IS_BETTER:
            deltas = list(map(sub, values, repeat(baseline)))
        else:
            deltas = list(map(sub, repeat(baseline), values))
    if ratios or "improvement" in used:
        # SPEC 3: improvement = delta / |baseline|, undefined when the baseline is 0.
        improvements = list(map(truediv, deltas, repeat(scale))) if scale else [None] * count
    columns = _argument_columns(formula, calculation, count, values, deltas, improvements, inputs)
    benefits, errors, failed = _evaluate_points(formula, columns, count, quantum)
    return deltas, improvements, benefits, errors, failed


@dataclass(frozen=True, slots=True)
class EvaluationPoints:
    """The months that need the formula, and for each month the position of its point.

    `point_of_month[i]` is the index in `months` of the latest point at or
    before month i, or -1 when month i has no value (before the first point).
    """

    months: tuple[int, ...]
    point_of_month: tuple[int, ...]


def evaluation_points(
    change_at: Iterable[int], first_valued: int, month_count: int
) -> EvaluationPoints:
    """Points from the months where any formula argument changes.

    `change_at` must contain every month index at which the metric or an input
    takes a new value; `first_valued` is the first month with a metric value
    (`month_count` if none). Between two points nothing changes, so a month
    reuses its point's result: a formula is a pure function of its arguments.
    """
    if first_valued >= month_count:
        return EvaluationPoints((), (-1,) * month_count)
    ordered = sorted({first_valued, *change_at})
    months = ordered[bisect_left(ordered, first_valued) : bisect_left(ordered, month_count)]
    if len(months) == month_count - first_valued:
        # Every month from the first value on is a point (the usual realized case).
        return EvaluationPoints(tuple(months), (-1,) * first_valued + tuple(range(len(months))))
    starts = [0] * month_count
    for index in months:
        starts[index] = 1
    # The running count of points so far, minus one: -1 before the first point.
    point_of_month = tuple(accumulate(starts, initial=-1))[1:]
    return EvaluationPoints(tuple(months), point_of_month)


def _pick(points: Sequence[int], column: Sequence[_T]) -> tuple[_T, ...]:
    """The column's values at the evaluation points."""
    if len(points) > 1:
        return itemgetter(*points)(column)  # type: ignore[no-any-return]
    return tuple(column[i] for i in points)


def _spread(
    at_points: Sequence[_T | None], point_of_month: Sequence[int], month_count: int
) -> tuple[_T | None, ...]:
    """Back from evaluation points to every month; a month without a point gets None."""
    padded = [*at_points, None]  # index -1 picks this None
    if month_count > 1:
        return itemgetter(*point_of_month)(padded)  # type: ignore[no-any-return]
    return tuple(padded[k] for k in point_of_month)


def _evaluate_points(
    formula: Formula, columns: Sequence[Sequence[Decimal]], count: int, quantum: Decimal
) -> tuple[list[Decimal | None], list[str | None], bool]:
    """Formula results rounded once to `quantum` at each point, or an error code per point,
    and whether any point failed.

    Most months compute cleanly, so all points are first evaluated in one pass;
    if any fails, they are evaluated again one by one to find which and why.
    """
    call = formula.call
    try:
        # One pass in C: the formula, then the rounding, without an intermediate list.
        raw = map(call, *columns) if columns else (call() for _ in range(count))
        if decimal.getcontext().rounding == ROUND_HALF_EVEN:
            # The usual case (`exact_context`): the context already rounds half-even,
            # and quantize without a rounding argument is a little cheaper per value.
            rounded = list(map(Decimal.quantize, raw, repeat(quantum)))
        else:
            rounded = list(map(Decimal.quantize, raw, repeat(quantum), repeat(ROUND_HALF_EVEN)))
        return rounded, [None] * count, False  # type: ignore[return-value]  # no None
    except (ArithmeticError, FormulaEvaluationError, TypeError):
        # TypeError: a result that is an undefined value itself (not a Decimal to round).
        pass
    benefits: list[Decimal | None] = []
    errors: list[str | None] = []
    for args in zip(*columns, strict=True) if columns else repeat((), count):
        try:
            result = call(*args)
        except FormulaEvaluationError as failure:
            benefits.append(None)
            errors.append(failure.code)
            continue
        except ArithmeticError as failure:
            benefits.append(None)
            errors.append(arithmetic_error_code(failure))
            continue
        code = undefined_code(result)
        if code is not None:
            benefits.append(None)
            errors.append(code)
            continue
        try:
            benefits.append(result.quantize(quantum, rounding=ROUND_HALF_EVEN))
            errors.append(None)
        except ArithmeticError:
            # More digits than PRECISION before the minor unit: too large to represent.
            benefits.append(None)
            errors.append(OVERFLOW)
    return benefits, errors, not all(map(is_, errors, repeat(None)))


def _argument_columns(
    formula: Formula,
    calculation: CalculationSpec,
    count: int,
    metric: Sequence[Decimal],
    delta: Sequence[Decimal],
    improvement: Sequence[Decimal | None],
    inputs: Sequence[Sequence[Decimal]],
) -> list[Sequence[Decimal]]:
    """One column per formula variable (`count` values each), in `formula.variables` order.

    `inputs[k]` is the k-th input definition's column, aligned with `metric`. A
    variable that is undefined for the calculation (`improvement` with a baseline
    of 0, `target` without one) is an `Undefined` value: like a division by zero,
    it fails a month only when the branch the formula takes uses it (SPEC 3).
    """
    spec = calculation.metric
    columns: list[Sequence[Decimal]] = []
    keys: list[str] | None = None
    for name in formula.variables:
        if name not in BUILTIN_VARIABLES:
            # An input (most variables): its position among the calculation's inputs.
            if keys is None:
                keys = [definition.key for definition in calculation.inputs]
            columns.append(inputs[keys.index(name)])
        elif name == "improvement":
            if spec.baseline.is_zero():
                columns.append((Undefined(UNDEFINED_IMPROVEMENT),) * count)  # type: ignore[arg-type]
            else:
                columns.append(improvement)  # type: ignore[arg-type]  # defined: baseline != 0
        elif name == "delta":
            columns.append(delta)
        elif name == "metric":
            columns.append(metric)
        elif name == "baseline":
            columns.append((spec.baseline,) * count)
        elif name == "target":
            if spec.target is None:
                columns.append((Undefined(UNDEFINED_TARGET),) * count)  # type: ignore[arg-type]
            else:
                columns.append((spec.target,) * count)
        else:
            raise AssertionError(f"unreachable: a built-in variable without a column ({name!r})")
    return columns
