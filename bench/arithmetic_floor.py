"""The arithmetic floor of a tracker report and of a portfolio, for `make bench-core` (a), (b).

Only the Decimal operations the report's figures need (delta, improvement, the
formula and its rounding, the projection at its points, running totals,
variances, use-case and tracker sums, the trend's and the review's statistics),
each column in one C-level `map`, over columns prepared before the clock starts
(`floor_columns`), without building any result object. No implementation on
CPython's `decimal` can compute the report faster than `arithmetic_floor` runs.
Its realized and projected columns are the report's, digit for digit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from itertools import accumulate, compress, repeat
from operator import add, gt, mul, neg, sub, truediv
from typing import NamedTuple

from valuecalc_core.formula import Formula
from valuecalc_core.measurement_table import build_tracker_table, compile_tracker
from valuecalc_core.money import money_quantum
from valuecalc_core.months import Month
from valuecalc_core.projection import project_calculation
from valuecalc_core.report import PortfolioReport, TrackerReport
from valuecalc_core.tracker_model import Direction, ImprovementMetric, TrackerSpec
from valuecalc_core.valuation import exact_context


class _FloorCalculation(NamedTuple):
    """One calculation's columns, the realized ones from its first measured month on."""

    formula: Formula
    metric: ImprovementMetric
    values: Sequence[Decimal]  # the metric in effect each month
    inputs: dict[str, Sequence[Decimal]]  # each input in effect each month, by key
    first: int  # the first measured month's index
    lengths: list[int]  # how many months each point of the projection covers
    at_points: list[Decimal]  # the projected metric at each point
    inputs_at_points: dict[str, list[Decimal]]
    own: list[Decimal]  # the values of the months with their own measurement


_FloorTracker = tuple[list[tuple[bool, list[_FloorCalculation]]], Decimal, int]


def floor_columns(tracker: TrackerSpec, as_of: Month) -> _FloorTracker:
    """Everything the floor needs that is not Decimal arithmetic, prepared off the clock."""
    with exact_context():
        formulas = compile_tracker(tracker)
        table = build_tracker_table(tracker, formulas, as_of)
        use_cases = []
        for use_case in table.use_cases:
            calcs: list[_FloorCalculation] = []
            for calc in use_case.calculations:
                spec, timeline = calc.calculation, calc.timeline
                first = timeline.measured_at[0]
                projection = project_calculation(calc, formulas[spec.id])
                assert projection is not None
                # The projection's own points: the months where its metric or an input changes.
                metric = projection.metric
                rows = list(zip(metric, *timeline.inputs, strict=True))
                points = [i for i in range(len(rows)) if i == 0 or rows[i] != rows[i - 1]]
                lengths = list(map(sub, [*points[1:], len(rows)], points))
                keys = [d.key for d in spec.inputs]
                calcs.append(
                    _FloorCalculation(
                        formulas[spec.id],
                        spec.metric,
                        timeline.metric[first:],  # type: ignore[arg-type]  # valued
                        {k: c[first:] for k, c in zip(keys, timeline.inputs, strict=True)},
                        first,
                        lengths,
                        [metric[p] for p in points],
                        {
                            k: [c[p] for p in points]
                            for k, c in zip(keys, timeline.inputs, strict=True)
                        },
                        [timeline.metric[i] for i in timeline.measured_at],  # type: ignore[misc]
                    )
                )
            use_cases.append((use_case.counted, calcs))
    return use_cases, money_quantum(tracker.currency), len(table.months)


def _benefits(
    formula: Formula,
    metric: ImprovementMetric,
    values: Sequence[Decimal],
    inputs: Mapping[str, Sequence[Decimal]],
    quantum: Decimal,
    *,
    ratios: bool,
) -> list[Decimal]:
    """delta, improvement, the formula and the rounding, a column at a time.

    Without `ratios` (the projection) the improvement is computed only if the formula
    uses it, as the report does; the delta is, for the formulas of the bench.
    """
    baseline = metric.baseline
    if metric.direction is Direction.HIGHER_IS_BETTER:
        deltas = list(map(sub, values, repeat(baseline)))
    else:
        deltas = list(map(sub, repeat(baseline), values))
    improvements: list[Decimal] = []
    if ratios or "improvement" in formula.variables:
        improvements = list(map(truediv, deltas, repeat(abs(baseline))))
    named = {"delta": deltas, "improvement": improvements, **inputs}
    columns = [named[name] for name in formula.variables]
    return list(map(Decimal.quantize, map(formula.call, *columns), repeat(quantum)))


def arithmetic_floor(prepared: _FloorTracker) -> tuple[list[Decimal], list[Decimal]]:
    """The Decimal operations of a tracker report and nothing else (see the module doc).

    Gives the tracker's realized and projected benefit per month, for `same_figures`.
    """
    use_cases, quantum, count = prepared
    zero = Decimal(0)
    with exact_context():
        tracker_realized = tracker_projected = [zero] * count
        for counted, calcs in use_cases:
            realized_sum = projected_sum = [zero] * count
            for formula, metric, values, inputs, first, lengths, at_points, inputs_at, own in calcs:
                realized = [zero] * first + _benefits(
                    formula, metric, values, inputs, quantum, ratios=True
                )
                projected: list[Decimal] = []
                for benefit, months in zip(
                    _benefits(formula, metric, at_points, inputs_at, quantum, ratios=False),
                    lengths,
                    strict=True,
                ):
                    projected += [benefit] * months
                list(map(sub, realized, projected))  # variance
                list(map(sub, accumulate(realized), accumulate(projected)))  # cumulative
                realized_sum = list(map(add, realized_sum, realized))
                projected_sum = list(map(add, projected_sum, projected))
                if counted:  # trend and review
                    higher = metric.direction is Direction.HIGHER_IS_BETTER
                    adjusted = own if higher else list(map(neg, own))
                    changes = list(map(sub, adjusted[1:], adjusted[:-1]))
                    _ = sum(map(abs, changes), zero) > adjusted[-1] - adjusted[0]
                    half = len(changes) // 2
                    _ = sum(changes[:half], zero) < sum(changes[-half:], zero)
                    median = sorted(changes)[half]
                    deviations = list(map(abs, map(sub, changes, repeat(median))))
                    mad = sorted(deviations)[half]
                    list(compress(deviations, map(gt, deviations, repeat(mad))))
            list(map(sub, realized_sum, projected_sum))
            list(map(sub, accumulate(realized_sum), accumulate(projected_sum)))
            if counted:
                tracker_realized = list(map(add, tracker_realized, realized_sum))
                tracker_projected = list(map(add, tracker_projected, projected_sum))
        list(map(sub, tracker_realized, tracker_projected))
        list(map(sub, accumulate(tracker_realized), accumulate(tracker_projected)))
    return tracker_realized, tracker_projected


def same_figures(floor: tuple[list[Decimal], list[Decimal]], report: TrackerReport) -> bool:
    """Whether the floor's realized and projected months are the report's, digit for digit."""
    realized, projected = floor
    comparison = report.comparison
    return list(map(str, realized)) == list(map(str, comparison.realized)) and list(
        map(str, projected)
    ) == list(map(str, comparison.projected))


def portfolio_floor(trackers: Sequence[_FloorTracker]) -> list[tuple[Decimal, Decimal]]:
    """The Decimal operations of a portfolio report (`make bench-core` (b)) and nothing else.

    Per tracker, over its active use cases: each calculation's realized months (the
    improvement only where the formula uses it) added into the tracker's monthly
    benefit, its projection at its points times the months each covers, and the running
    total that the payback month is read from. Gives each tracker's realized and
    projected total, for `same_totals`.
    """
    totals: list[tuple[Decimal, Decimal]] = []
    zero = Decimal(0)
    with exact_context():
        for use_cases, quantum, count in trackers:
            benefit = [zero] * count
            projected = zero
            for counted, calcs in use_cases:
                if not counted:
                    continue
                for (
                    formula,
                    metric,
                    values,
                    inputs,
                    first,
                    lengths,
                    at_points,
                    inputs_at,
                    _,
                ) in calcs:
                    realized = _benefits(formula, metric, values, inputs, quantum, ratios=False)
                    benefit = list(map(add, benefit, [zero] * first + realized))
                    at = _benefits(formula, metric, at_points, inputs_at, quantum, ratios=False)
                    projected += sum(map(mul, at, lengths), zero)
            cumulative = list(accumulate(benefit))
            totals.append((cumulative[-1] if cumulative else zero, projected))
    return totals


def same_totals(floor: list[tuple[Decimal, Decimal]], report: PortfolioReport) -> bool:
    """Whether the floor's realized and projected totals are the portfolio's, digit for digit."""
    return [(str(r), str(p)) for r, p in floor] == [
        (str(s.realized), str(s.projected)) for s in report.trackers
    ]
