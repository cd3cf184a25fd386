"""The business-case projection (SPEC 3 "Projection, realized value and ROI").

The projected metric walks from the baseline toward the target by a ramp:
projected(m) = baseline + share(m) x (target - baseline), where share(m) is the
share of the target improvement reached in contract month m (1-based). A ramp
step holds until the next one; months before the first step have share 0; no
ramp at all means share 1 from month 1; no target means no projection. The
projected metric goes through the same formula, with the inputs in effect each
month, and each projected month is rounded once like a realized one.

Realized vs projected, with the variance, is `comparison`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from operator import itemgetter, mul, sub

from valuecalc_core.formula import Formula
from valuecalc_core.frozen import fast_init
from valuecalc_core.measurement_table import (
    CalculationTable,
    running_total,
)
from valuecalc_core.money import money_quantum
from valuecalc_core.timeline import Timeline
from valuecalc_core.tracker_model import CalculationSpec, RampStep
from valuecalc_core.valuation import evaluate_checked

_ZERO = Decimal(0)
_ONE = Decimal(1)


@fast_init
@dataclass(frozen=True, slots=True)
class Projection:
    """A calculation's projected path: share, projected metric and benefit per month."""

    share: tuple[Decimal, ...]
    metric: tuple[Decimal, ...]
    benefit: tuple[Decimal | None, ...]
    error: tuple[str | None, ...]
    cumulative_benefit: tuple[Decimal, ...]
    total_benefit: Decimal


def _ramp_runs(ramp: Sequence[RampStep], month_count: int) -> list[tuple[int, Decimal]]:
    """(first month index, share) of each run of equal share, within the months."""
    if not month_count:
        return []
    if not ramp:
        return [(0, _ONE)]
    # Ramp steps have distinct months (the model checks): sorting never compares shares.
    steps = sorted([(step.from_month - 1, step.share) for step in ramp])
    runs = [] if steps[0][0] == 0 else [(0, _ZERO)]
    runs += [step for step in steps if step[0] < month_count]
    return runs


def project_calculation(table: CalculationTable, formula: Formula) -> Projection | None:
    """The calculation's projection over the table's months; None without a target.

    Runs inside the caller's decimal context (see `valuation.exact_context`).
    """
    return project(table.calculation, formula, table.timeline, table.currency)


def project(
    calculation: CalculationSpec, formula: Formula, timeline: Timeline, currency: str
) -> Projection | None:
    """The projection over the timeline's months, with its inputs in effect; None without a target."""
    path = _projected_path(calculation, timeline)
    if path is None:
        return None
    shares, metric, _, lengths = path
    at_points, errors_at_points, failed = _evaluate_path(
        calculation, formula, timeline, path, money_quantum(currency)
    )
    # Each point's result holds until the next point: the column is built point
    # by point (a handful), not month by month.
    benefit: list[Decimal | None] = []
    for result, length in zip(at_points, lengths, strict=True):
        benefit += [result] * length
    if failed:
        error: tuple[str | None, ...] = ()
        for code, length in zip(errors_at_points, lengths, strict=True):
            error += (code,) * length
        cumulative = running_total(benefit)
    else:
        # No point failed, so every month has a benefit: the plain running sum.
        error = (None,) * timeline.month_count
        cumulative = tuple(accumulate(benefit))  # type: ignore[arg-type]  # no None
    return Projection(
        share=tuple(shares),
        metric=tuple(metric),
        benefit=tuple(benefit),
        error=error,
        cumulative_benefit=cumulative,
        total_benefit=cumulative[-1] if cumulative else _ZERO,
    )


def projected_total(
    calculation: CalculationSpec, formula: Formula, timeline: Timeline, currency: str
) -> tuple[Decimal, bool] | None:
    """`project(...).total_benefit` and whether a month failed, without the monthly columns.

    Each point's rounded benefit times the months it covers: the same sum of
    rounded months, computed once per ramp step or input change.
    """
    return projected_total_in(calculation, formula, timeline, money_quantum(currency))


def projected_total_in(
    calculation: CalculationSpec, formula: Formula, timeline: Timeline, quantum: Decimal
) -> tuple[Decimal, bool] | None:
    """`projected_total` given the currency's minor unit `quantum` (a portfolio looks it up once)."""
    target = calculation.metric.target
    if target is None:
        return None
    count = timeline.month_count
    if not count:
        return _ZERO, False
    # As `_projected_path`, without the monthly columns: the projected metric is
    # taken at each point from the latest ramp run starting at or before it.
    baseline = calculation.metric.baseline
    span = target - baseline
    runs = _ramp_runs(calculation.ramp, count)
    run_value = {index: baseline + share * span for index, share in runs}
    change_at = timeline.inputs_change_at
    points = sorted(run_value.keys() | set(change_at)) if change_at else list(run_value)
    metric: list[Decimal] = []
    current = _ZERO
    for point in points:
        current = run_value.get(point, current)
        metric.append(current)
    lengths = list(map(sub, [*points[1:], count], points))
    inputs = [[column[point] for point in points] for column in timeline.inputs]
    _, _, benefits, _, failed = evaluate_checked(
        formula, calculation, metric, inputs, quantum, ratios=False
    )
    if not failed:
        # The usual case, summed in C in the same order: 0 + b1 x n1 + b2 x n2 + ...
        return sum(map(mul, benefits, lengths), _ZERO), False
    total = _ZERO
    for benefit, months in zip(benefits, lengths, strict=True):
        if benefit is not None:
            total += benefit * months
    return total, True


# A projected path: the share and the projected metric in each month, the
# evaluation points (the months where the share or an input changes, ascending,
# from month 0) and how many months each point covers.
_Path = tuple[list[Decimal], list[Decimal], list[int], list[int]]


def _projected_path(calculation: CalculationSpec, timeline: Timeline) -> _Path | None:
    """The calculation's projected path over the timeline's months; None without a target."""
    target = calculation.metric.target
    if target is None:
        return None
    count = timeline.month_count
    if not count:
        return [], [], [], []
    baseline = calculation.metric.baseline
    span = target - baseline  # the same difference for every run, computed once
    runs = _ramp_runs(calculation.ramp, count)
    starts = [index for index, _ in runs]
    # The share and the projected metric hold for runs of months: their columns
    # are built run by run (a handful of ramp steps), not month by month.
    shares: list[Decimal] = []
    metric: list[Decimal] = []
    for (index, share), end in zip(runs, [*starts[1:], count], strict=True):
        shares += [share] * (end - index)
        metric += [baseline + share * span] * (end - index)
    # The first ramp run starts at month 0, so the points start there too and
    # every run starts at a point: between two points no formula argument changes.
    change_at = timeline.inputs_change_at
    points = sorted(set(starts).union(change_at)) if change_at else starts
    lengths = list(map(sub, [*points[1:], count], points))
    return shares, metric, points, lengths


def _evaluate_path(
    calculation: CalculationSpec,
    formula: Formula,
    timeline: Timeline,
    path: _Path,
    quantum: Decimal,
) -> tuple[Sequence[Decimal | None], Sequence[str | None], bool]:
    """The rounded benefit (or error code) at each point of the path, with its inputs then,
    and whether any point failed."""
    _, metric, points, _ = path
    if len(points) > 1:
        at = itemgetter(*points)  # one tuple per column, picked in C
        columns = [at(metric), *map(at, timeline.inputs)]
    else:
        columns = [[column[point] for point in points] for column in (metric, *timeline.inputs)]
    _, _, at_points, errors_at_points, failed = evaluate_checked(
        formula, calculation, columns[0], columns[1:], quantum, ratios=False
    )
    return at_points, errors_at_points, failed
