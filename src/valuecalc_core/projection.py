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
from itertools import chain
from operator import add, sub
from typing import cast

from valuecalc_core.formula import Formula
from valuecalc_core.measurement_table import CalculationTable, has_missing, running_total
from valuecalc_core.money import money_quantum
from valuecalc_core.months import Month
from valuecalc_core.timeline import Timeline
from valuecalc_core.tracker_model import CalculationSpec, RampStep
from valuecalc_core.valuation import (
    EvaluationPoints,
    evaluate_at_points,
    evaluate_months,
    evaluation_points,
)

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
    shares, metric, points = path
    values = evaluate_months(
        formula,
        calculation,
        metric,
        timeline.inputs,
        points,
        money_quantum(currency),
        ratios=False,
    )
    cumulative = running_total(values.benefit)
    return Projection(
        share=shares,
        metric=metric,
        benefit=values.benefit,
        error=values.error,
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
    _, metric, points = path
    _, _, benefits, _ = evaluate_at_points(
        formula, calculation, metric, timeline.inputs, points.months, money_quantum(currency)
    )
    total = _ZERO
    failed = False
    for benefit, months in zip(benefits, points.run_lengths(), strict=True):
        if benefit is None:
            failed = True
        else:
            total += benefit * months
    return total, failed


def _projected_path(
    calculation: CalculationSpec, timeline: Timeline
) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...], EvaluationPoints] | None:
    """Share and projected metric per month, and the months where either or an input changes."""
    target = calculation.metric.target
    if target is None:
        return None
    count = timeline.month_count
    baseline = calculation.metric.baseline
    runs = _ramp_runs(calculation.ramp, count)
    shares: list[Decimal] = []
    metric: list[Decimal] = []
    for (index, share), (end, _) in zip(runs, [*runs[1:], (count, _ZERO)], strict=False):
        shares.extend([share] * (end - index))
        metric.extend([baseline + share * (target - baseline)] * (end - index))
    share_changes = [index for index, _ in runs]
    points = evaluation_points(chain(share_changes, timeline.inputs_change_at), 0, count)
    return tuple(shares), tuple(metric), points


def compare_calculation(
    table: CalculationTable, projection: Projection | None
) -> RealizedVsProjected:
    """Realized vs projected for one calculation."""
    benefit = table.benefit
    realized: tuple[Decimal, ...] = (
        tuple(_ZERO if b is None else b for b in benefit)
        if has_missing(benefit)
        else cast(tuple[Decimal, ...], benefit)
    )
    if projection is None:
        projected: tuple[Decimal | None, ...] = (None,) * len(table.months)
        incomplete = True
    else:
        projected = projection.benefit
        incomplete = any(b is None for b in projected)
    return compare(table.months, realized, projected, (table.calculation.id,) if incomplete else ())


def combine(months: tuple[Month, ...], parts: Sequence[RealizedVsProjected]) -> RealizedVsProjected:
    """Sum several comparisons (a use case's calculations, a tracker's active use cases)."""
    count = len(months)
    realized = [_ZERO] * count
    projected = [_ZERO] * count
    incomplete: list[str] = []
    for part in parts:
        realized = list(map(add, realized, part.realized))
        if has_missing(part.projected):
            projected = [
                a if b is None else a + b for a, b in zip(projected, part.projected, strict=True)
            ]
        else:
            projected = list(map(add, projected, part.projected))
        incomplete.extend(part.incomplete)
    return compare(months, tuple(realized), tuple(projected), tuple(incomplete))


def compare(
    months: tuple[Month, ...],
    realized: tuple[Decimal, ...],
    projected: tuple[Decimal | None, ...],
    incomplete: tuple[str, ...],
) -> RealizedVsProjected:
    if has_missing(projected):
        variance = tuple(
            None if p is None else r - p for r, p in zip(realized, projected, strict=True)
        )
    else:
        variance = tuple(map(sub, realized, projected))
    cumulative_realized = running_total(realized)
    cumulative_projected = running_total(projected)
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
