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
failed) has no variance. A calculation without a target has no projection and
so no variance at all (never "realized - 0"); sums over several calculations
project only the calculations that have one and say which (`covered`,
`missing`), comparing them with those calculations' realized benefit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from operator import add, itemgetter, mul, sub

from valuecalc_core.formula import Formula
from valuecalc_core.measurement_table import (
    CalculationTable,
    has_missing,
    running_total,
    zero_filled,
)
from valuecalc_core.money import money_quantum
from valuecalc_core.months import Month
from valuecalc_core.timeline import Timeline
from valuecalc_core.tracker_model import CalculationSpec, RampStep
from valuecalc_core.valuation import evaluate_checked

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


NO_TARGET = "no_target"
FAILED_MONTHS = "failed_months"


@dataclass(frozen=True, slots=True)
class ProjectionGap:
    """A calculation the projection does not fully cover, and why: `no_target` (no
    business case at all) or `failed_months` (its formula failed in some projected month)."""

    calculation_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class RealizedVsProjected:
    """Realized and projected benefit side by side, per month and cumulatively, with variance.

    `realized` is every calculation's benefit. `projected` sums only the calculations
    with a projection (`covered`), month by month, None in a month none of them
    projects; `variance` compares it with the realized benefit of those same
    calculations in that month (`realized_covered`), so a calculation without a
    target never shows as beating its plan. With no calculation covered, projected,
    variance and their totals are None. `missing` lists each calculation the
    projection does not fully cover and why; `calculation_count` how many were compared.
    """

    months: tuple[Month, ...]
    realized: tuple[Decimal, ...]
    projected: tuple[Decimal | None, ...]
    variance: tuple[Decimal | None, ...]
    realized_covered: tuple[Decimal | None, ...]
    cumulative_realized: tuple[Decimal, ...]
    cumulative_projected: tuple[Decimal | None, ...]
    cumulative_variance: tuple[Decimal | None, ...]
    total_realized: Decimal
    total_projected: Decimal | None
    total_variance: Decimal | None
    covered: tuple[str, ...]
    missing: tuple[ProjectionGap, ...]
    calculation_count: int

    @property
    def incomplete(self) -> tuple[str, ...]:
        """The calculations the projection does not fully cover."""
        return tuple(gap.calculation_id for gap in self.missing)


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


def compare_calculation(
    table: CalculationTable, projection: Projection | None
) -> RealizedVsProjected:
    """Realized vs projected for one calculation."""
    return compare_filled(table, projection, zero_filled(table.benefit))


def compare_filled(
    table: CalculationTable, projection: Projection | None, realized: tuple[Decimal, ...]
) -> RealizedVsProjected:
    """`compare_calculation` given `realized = zero_filled(table.benefit)` (a report has it)."""
    months = table.months
    count = len(months)
    calculation_id = table.calculation.id
    if projection is None:
        # No business case: nothing projected, so no variance either (never realized - 0).
        none: tuple[None, ...] = (None,) * count
        return RealizedVsProjected(
            months=months,
            realized=realized,
            projected=none,
            variance=none,
            realized_covered=none,
            cumulative_realized=table.cumulative_benefit,
            cumulative_projected=none,
            cumulative_variance=none,
            total_realized=table.total_benefit,
            total_projected=None,
            total_variance=None,
            covered=(),
            missing=(ProjectionGap(calculation_id, NO_TARGET),),
            calculation_count=1,
        )
    projected = projection.benefit
    if not has_missing(projected):
        # The table's and the projection's cumulative columns are running_total() of
        # these same monthly columns: reused rather than summed again.
        return _compared(
            months,
            realized,
            projected,  # type: ignore[arg-type]  # no None
            realized,
            table.cumulative_benefit,
            projection.cumulative_benefit,
            (calculation_id,),
            (),
            1,
        )
    covered_realized = tuple(
        [None if p is None else r for r, p in zip(realized, projected, strict=True)]
    )
    return _partly_compared(
        months,
        realized,
        projected,
        covered_realized,
        table.cumulative_benefit,
        (calculation_id,),
        (ProjectionGap(calculation_id, FAILED_MONTHS),),
        1,
    )


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
    `cumulative_benefit` the running total of that. The projected sum covers only
    the calculations with a projection, month by month, and the variance compares
    it with the realized benefit of those same calculations in those months.
    """
    count = len(months)
    if cumulative_realized is None:
        cumulative_realized = running_total(realized)
    covered = tuple(c for part in parts for c in part.covered)
    missing = tuple(g for part in parts for g in part.missing)
    calculations = sum(part.calculation_count for part in parts)
    if not covered:
        none: tuple[None, ...] = (None,) * count
        return RealizedVsProjected(
            months=months,
            realized=realized,
            projected=none,
            variance=none,
            realized_covered=none,
            cumulative_realized=cumulative_realized,
            cumulative_projected=none,
            cumulative_variance=none,
            total_realized=cumulative_realized[-1] if count else _ZERO,
            total_projected=None,
            total_variance=None,
            covered=(),
            missing=missing,
            calculation_count=calculations,
        )
    if not missing:
        # The usual case: every part projects every month, summed in C.
        projected: Sequence[Decimal] = [_ZERO] * count
        realized_covered: Sequence[Decimal] = [_ZERO] * count
        for part in parts:
            projected = list(map(add, projected, part.projected))
            realized_covered = list(map(add, realized_covered, part.realized_covered))
        projected_column = tuple(projected)
        return _compared(
            months,
            realized,
            projected_column,
            tuple(realized_covered),
            cumulative_realized,
            tuple(accumulate(projected_column)),
            covered,
            (),
            calculations,
        )
    sums: list[Decimal | None] = [None] * count
    realized_sums: list[Decimal | None] = [None] * count
    for part in parts:
        if not part.covered:
            continue
        for index, (amount, base) in enumerate(
            zip(part.projected, part.realized_covered, strict=True)
        ):
            if amount is None or base is None:
                continue
            current = sums[index]
            sums[index] = amount if current is None else current + amount
            current_base = realized_sums[index]
            realized_sums[index] = base if current_base is None else current_base + base
    return _partly_compared(
        months,
        realized,
        tuple(sums),
        tuple(realized_sums),
        cumulative_realized,
        covered,
        missing,
        calculations,
    )


def compare(
    months: tuple[Month, ...],
    realized: tuple[Decimal, ...],
    projected: tuple[Decimal | None, ...],
    calculation_id: str,
) -> RealizedVsProjected:
    """One calculation's comparison from its realized and projected columns."""
    if not has_missing(projected):
        return _compared(
            months,
            realized,
            projected,  # type: ignore[arg-type]  # no None
            realized,
            running_total(realized),
            running_total(projected),
            (calculation_id,),
            (),
            1,
        )
    covered_realized = tuple(
        [None if p is None else r for r, p in zip(realized, projected, strict=True)]
    )
    return _partly_compared(
        months,
        realized,
        projected,
        covered_realized,
        running_total(realized),
        (calculation_id,),
        (ProjectionGap(calculation_id, FAILED_MONTHS),),
        1,
    )


def _compared(
    months: tuple[Month, ...],
    realized: tuple[Decimal, ...],
    projected: tuple[Decimal, ...],
    realized_covered: tuple[Decimal, ...],
    cumulative_realized: tuple[Decimal, ...],
    cumulative_projected: tuple[Decimal, ...],
    covered: tuple[str, ...],
    missing: tuple[ProjectionGap, ...],
    calculations: int,
) -> RealizedVsProjected:
    """A comparison whose projection has every month (variance in every month)."""
    variance = tuple(map(sub, realized_covered, projected))
    if realized_covered is realized:
        cumulative_variance = tuple(map(sub, cumulative_realized, cumulative_projected))
    else:
        cumulative_variance = tuple(accumulate(variance))
    total_projected = cumulative_projected[-1] if months else _ZERO
    return RealizedVsProjected(
        months=months,
        realized=realized,
        projected=projected,
        variance=variance,
        realized_covered=realized_covered,
        cumulative_realized=cumulative_realized,
        cumulative_projected=cumulative_projected,
        cumulative_variance=cumulative_variance,
        total_realized=cumulative_realized[-1] if months else _ZERO,
        total_projected=total_projected,
        total_variance=cumulative_variance[-1] if months else _ZERO,
        covered=covered,
        missing=missing,
        calculation_count=calculations,
    )


def _partly_compared(
    months: tuple[Month, ...],
    realized: tuple[Decimal, ...],
    projected: tuple[Decimal | None, ...],
    realized_covered: tuple[Decimal | None, ...],
    cumulative_realized: tuple[Decimal, ...],
    covered: tuple[str, ...],
    missing: tuple[ProjectionGap, ...],
    calculations: int,
) -> RealizedVsProjected:
    """A comparison where some months have no projected value: they have no variance."""
    variance = tuple(
        [
            None if p is None or r is None else r - p
            for r, p in zip(realized_covered, projected, strict=True)
        ]
    )
    cumulative_projected = running_total(projected)
    cumulative_variance = running_total(variance)
    return RealizedVsProjected(
        months=months,
        realized=realized,
        projected=projected,
        variance=variance,
        realized_covered=realized_covered,
        cumulative_realized=cumulative_realized,
        cumulative_projected=cumulative_projected,
        cumulative_variance=cumulative_variance,
        total_realized=cumulative_realized[-1] if months else _ZERO,
        total_projected=cumulative_projected[-1] if months else _ZERO,
        total_variance=cumulative_variance[-1] if months else _ZERO,
        covered=covered,
        missing=missing,
        calculation_count=calculations,
    )
