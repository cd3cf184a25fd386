"""The business-case projection (SPEC 3 "Projection, realized value and ROI").

The projected metric walks from the baseline toward the target by a ramp:
projected(m) = baseline + share(m) x (target - baseline), where share(m) is the
share of the target improvement reached in contract month m (1-based). A ramp
step holds until the next one; months before the first step have share 0; no
ramp at all means share 1 from month 1; no target means no projection. The
projected metric goes through the same formula, with the inputs in effect each
month, and each projected month is rounded once like a realized one.

Variance is realized - projected. A realized month without a benefit counts as
0 (nothing was realized); a projected month without a benefit (the formula
failed) has no variance, and its calculation is listed in `incomplete`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from operator import add, is_not, sub
from typing import cast

from valuecalc_core.formula import Formula
from valuecalc_core.measurement_table import CalculationTable, has_missing, running_total
from valuecalc_core.money import money_quantum
from valuecalc_core.months import Month
from valuecalc_core.timeline import Timeline
from valuecalc_core.tracker_model import CalculationSpec, RampStep
from valuecalc_core.valuation import evaluate_values

_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Projection:
    """A calculation's projected path: share, projected metric and benefit per month."""

    share: tuple[Decimal, ...]
    metric: tuple[Decimal, ...]
    benefit: tuple[Decimal | None, ...]
    error: tuple[str | None, ...]
    cumulative_benefit: tuple[Decimal, ...]
    total_benefit: Decimal


@dataclass(frozen=True, slots=True)
class RealizedVsProjected:
    """Realized and projected benefit side by side, per month and cumulatively, with variance.

    `incomplete` names the calculations whose projection is missing (no target)
    or failed in some month: their projected values count as 0 in sums.
    """

    months: tuple[Month, ...]
    realized: tuple[Decimal, ...]
    projected: tuple[Decimal | None, ...]
    variance: tuple[Decimal | None, ...]
    cumulative_realized: tuple[Decimal, ...]
    cumulative_projected: tuple[Decimal, ...]
    cumulative_variance: tuple[Decimal, ...]
    total_realized: Decimal
    total_projected: Decimal
    total_variance: Decimal
    incomplete: tuple[str, ...]


def _ramp_runs(ramp: Sequence[RampStep], month_count: int) -> list[tuple[int, Decimal]]:
    """(first month index, share) of each run of equal share, within the months."""
    if not month_count:
        return []
    if not ramp:
        return [(0, _ONE)]
    steps = sorted((step.from_month - 1, step.share) for step in ramp)
    runs = [] if steps[0][0] == 0 else [(0, _ZERO)]
    runs.extend(step for step in steps if step[0] < month_count)
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
    runs, points, lengths, metric_at_points = path
    _, _, at_points, errors_at_points = evaluate_values(
        formula,
        calculation,
        metric_at_points,
        [_pick(points, column) for column in timeline.inputs],
        money_quantum(currency),
        ratios=False,
    )
    # Shares, projected metric and each point's result hold for runs of months:
    # columns are built run by run (a handful of runs), not month by month.
    shares: list[Decimal] = []
    metric: list[Decimal] = []
    for share, value, length in runs:
        shares += [share] * length
        metric += [value] * length
    benefit: list[Decimal | None] = []
    for result, length in zip(at_points, lengths, strict=True):
        benefit += [result] * length
    if any(map(is_not, errors_at_points, repeat(None))):
        error: tuple[str | None, ...] = ()
        for code, length in zip(errors_at_points, lengths, strict=True):
            error += (code,) * length
    else:
        error = (None,) * timeline.month_count
    cumulative = running_total(benefit)
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
    path = _projected_path(calculation, timeline)
    if path is None:
        return None
    _, points, lengths, metric_at_points = path
    _, _, benefits, _ = evaluate_values(
        formula,
        calculation,
        metric_at_points,
        [_pick(points, column) for column in timeline.inputs],
        money_quantum(currency),
        ratios=False,
    )
    total = _ZERO
    failed = False
    for benefit, months in zip(benefits, lengths, strict=True):
        if benefit is None:
            failed = True
        else:
            total += benefit * months
    return total, failed


def _projected_path(
    calculation: CalculationSpec, timeline: Timeline
) -> tuple[list[tuple[Decimal, Decimal, int]], list[int], list[int], list[Decimal]] | None:
    """The projected path by runs and at its evaluation points; None without a target.

    Gives (share, projected metric, length) of each ramp run, the points (the
    months where the share or an input changes), how many months each point
    covers, and the projected metric at each point.
    """
    target = calculation.metric.target
    if target is None:
        return None
    count = timeline.month_count
    baseline = calculation.metric.baseline
    steps = _ramp_runs(calculation.ramp, count)
    ends = [*(index for index, _ in steps[1:]), count] if steps else []
    runs = [
        (share, baseline + share * (target - baseline), end - index)
        for (index, share), end in zip(steps, ends, strict=True)
    ]
    # The first ramp run starts at month 0, so the points start there too, and
    # every run starts at a point: walking the points in order, the projected
    # metric changes exactly at the runs' starts.
    run_value = {index: run[1] for (index, _), run in zip(steps, runs, strict=True)}
    points = sorted(run_value.keys() | set(timeline.inputs_change_at))
    lengths = list(map(sub, [*points[1:], count], points))
    metric_at_points: list[Decimal] = []
    current = _ZERO
    for point in points:
        current = run_value.get(point, current)
        metric_at_points.append(current)
    return runs, points, lengths, metric_at_points


def _pick(points: Sequence[int], column: Sequence[Decimal]) -> list[Decimal]:
    return [column[point] for point in points]


def compare_calculation(
    table: CalculationTable, projection: Projection | None
) -> RealizedVsProjected:
    """Realized vs projected for one calculation."""
    realized = zero_filled(table.benefit)
    months = table.months
    if projection is None:
        # running_total of no projected month: 0 + 0 + ... (written as Decimal('0')).
        return compared(
            months,
            realized,
            (None,) * len(months),
            table.cumulative_benefit,
            (_ZERO,) * len(months),
            (table.calculation.id,),
        )
    projected = projection.benefit
    incomplete = (table.calculation.id,) if has_missing(projected) else ()
    # The table's and the projection's cumulative columns are running_total() of
    # these same monthly columns: reused rather than summed again.
    return compared(
        months,
        realized,
        projected,
        table.cumulative_benefit,
        projection.cumulative_benefit,
        incomplete,
    )


def zero_filled(benefit: tuple[Decimal | None, ...]) -> tuple[Decimal, ...]:
    """A benefit column with a month without benefit counted as 0 (nothing was realized)."""
    if has_missing(benefit):
        return tuple([_ZERO if b is None else b for b in benefit])
    return cast(tuple[Decimal, ...], benefit)


def combine(months: tuple[Month, ...], parts: Sequence[RealizedVsProjected]) -> RealizedVsProjected:
    """Sum several comparisons (a use case's calculations, a tracker's active use cases)."""
    realized: Sequence[Decimal] = [_ZERO] * len(months)
    for part in parts:
        realized = list(map(add, realized, part.realized))
    return combine_with_realized(months, parts, tuple(realized), None)


def combine_with_realized(
    months: tuple[Month, ...],
    parts: Sequence[RealizedVsProjected],
    realized: tuple[Decimal, ...],
    cumulative_realized: tuple[Decimal, ...] | None,
) -> RealizedVsProjected:
    """`combine` given the parts' realized sum (and its running total, if already known).

    The tables already hold both: a use case's `benefit` is the same sum, from 0,
    of its calculations' benefits with a missing month as 0, and its
    `cumulative_benefit` the running total of that.
    """
    projected: Sequence[Decimal] = [_ZERO] * len(months)
    incomplete: list[str] = []
    for part in parts:
        if has_missing(part.projected):
            projected = [
                a if b is None else a + b for a, b in zip(projected, part.projected, strict=True)
            ]
        else:
            projected = list(map(add, projected, part.projected))
        incomplete.extend(part.incomplete)
    projected_column = tuple(projected)
    return compared(
        months,
        realized,
        projected_column,
        running_total(realized) if cumulative_realized is None else cumulative_realized,
        running_total(projected_column),
        tuple(incomplete),
    )


def compare(
    months: tuple[Month, ...],
    realized: tuple[Decimal, ...],
    projected: tuple[Decimal | None, ...],
    incomplete: tuple[str, ...],
) -> RealizedVsProjected:
    return compared(
        months, realized, projected, running_total(realized), running_total(projected), incomplete
    )


def compared(
    months: tuple[Month, ...],
    realized: tuple[Decimal, ...],
    projected: tuple[Decimal | None, ...],
    cumulative_realized: tuple[Decimal, ...],
    cumulative_projected: tuple[Decimal, ...],
    incomplete: tuple[str, ...],
) -> RealizedVsProjected:
    """`compare` with the running totals of `realized` and `projected` already computed."""
    if has_missing(projected):
        variance = tuple(
            [None if p is None else r - p for r, p in zip(realized, projected, strict=True)]
        )
    else:
        variance = tuple(map(sub, realized, projected))
    cumulative_variance = tuple(map(sub, cumulative_realized, cumulative_projected))
    total_realized = cumulative_realized[-1] if months else _ZERO
    total_projected = cumulative_projected[-1] if months else _ZERO
    return RealizedVsProjected(
        months=months,
        realized=realized,
        projected=projected,
        variance=variance,
        cumulative_realized=cumulative_realized,
        cumulative_projected=cumulative_projected,
        cumulative_variance=cumulative_variance,
        total_realized=total_realized,
        total_projected=total_projected,
        total_variance=total_realized - total_projected,
        incomplete=incomplete,
    )
