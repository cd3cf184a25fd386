"""Realized vs projected benefit, per month, cumulatively and summed (SPEC 3 "Projection,
realized value and ROI").

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
from operator import add, sub

from valuecalc_core.frozen import fast_init
from valuecalc_core.measurement_table import (
    CalculationTable,
    has_missing,
    running_total,
    zero_filled,
)
from valuecalc_core.months import Month
from valuecalc_core.projection import Projection

_ZERO = Decimal(0)

NO_TARGET = "no_target"
FAILED_MONTHS = "failed_months"


@dataclass(frozen=True, slots=True)
class ProjectionGap:
    """A calculation the projection does not fully cover, and why: `no_target` (no
    business case at all) or `failed_months` (its formula failed in some projected month)."""

    calculation_id: str
    reason: str


@fast_init
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
        # The usual case: every part projects every month, summed in C. Then the
        # projection covers every calculation, so it compares with all of `realized`.
        projected: Sequence[Decimal] = [_ZERO] * count
        for part in parts:
            if not part.covered:  # a part without calculations projects nothing
                continue
            projected = list(map(add, projected, part.projected))
        projected_column = tuple(projected)
        return _compared(
            months,
            realized,
            projected_column,
            realized,
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
