"""The measurement table (seed: months as columns) for a calculation, a use case and a tracker.

Each table is columnar: one tuple per row of the seed's table (metric,
provenance, each input in effect, delta, improvement, benefit, cumulative),
indexed like `months`, which runs from the contract's first month to `as_of`
(clipped to the contract period). Totals are sums of the rounded monthly
benefits (SPEC 2), so every table adds up to the minor unit. Only active use
cases count in use-case-spanning totals (SPEC 3); the others are still listed.

Rounding: benefits are money, rounded once to the currency's minor unit here.
`delta` and `improvement` keep full precision; the presentation layer rounds
ratios to 4 decimals (`money.quantize_ratio`, or `CalculationTable.improvement_rounded`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate, repeat
from operator import add, is_not

from valuecalc_core.formula import Formula
from valuecalc_core.frozen import fast_init
from valuecalc_core.money import money_quantum, quantize_ratio
from valuecalc_core.months import Month
from valuecalc_core.timeline import Provenance, Timeline, build_timeline
from valuecalc_core.tracker_model import (
    CalculationSpec,
    MissingMonthsPolicy,
    TrackerSpec,
    UseCaseSpec,
    UseCaseStatus,
)
from valuecalc_core.valuation import (
    FormulaCache,
    MonthlyValues,
    compile_calculation,
    evaluate_dense,
    evaluate_realized,
    exact_context,
)

# Why a month without an error still has no benefit.
NO_MEASUREMENT = "no_measurement"
CARRIED_MONTH_NO_BENEFIT = "carried_month_no_benefit"

_ZERO = Decimal(0)


@fast_init
@dataclass(frozen=True, slots=True)
class InputColumn:
    """The value of one input in effect in each month (carried forward)."""

    key: str
    name: str
    unit: str
    values: tuple[Decimal, ...]


@fast_init
@dataclass(frozen=True, slots=True)
class CalculationTable:
    """One calculation's measurement table up to `as_of`.

    Per month: `metric` in effect and its `provenance`; `inputs` in effect;
    `delta` and `improvement` (full precision, None without a metric value or,
    for improvement, with a zero baseline); `benefit` rounded to the minor unit
    or None, with `error` (the formula failed: `division_by_zero`,
    `undefined_improvement`, ...) or `no_benefit_reason` (`no_measurement`,
    `carried_month_no_benefit`) saying why; `cumulative_benefit` counts None as 0.
    """

    calculation: CalculationSpec
    currency: str
    months: tuple[Month, ...]
    metric: tuple[Decimal | None, ...]
    provenance: tuple[Provenance, ...]
    inputs: tuple[InputColumn, ...]
    delta: tuple[Decimal | None, ...]
    improvement: tuple[Decimal | None, ...]
    benefit: tuple[Decimal | None, ...]
    error: tuple[str | None, ...]
    no_benefit_reason: tuple[str | None, ...]
    cumulative_benefit: tuple[Decimal, ...]
    total_benefit: Decimal
    timeline: Timeline = field(repr=False, compare=False)

    def improvement_rounded(self) -> tuple[Decimal | None, ...]:
        """Improvements as shown to people: fractions rounded half-even to 4 decimals."""
        return tuple(None if v is None else quantize_ratio(v) for v in self.improvement)


@fast_init
@dataclass(frozen=True, slots=True)
class UseCaseTable:
    """A use case's calculations stacked, with their per-month sum; `counted` if active."""

    use_case: UseCaseSpec
    counted: bool
    months: tuple[Month, ...]
    calculations: tuple[CalculationTable, ...]
    benefit: tuple[Decimal, ...]
    cumulative_benefit: tuple[Decimal, ...]
    total_benefit: Decimal


@dataclass(frozen=True, slots=True)
class TrackerTable:
    """All use cases of a tracker; `benefit` and totals sum the active use cases only."""

    tracker: TrackerSpec
    as_of: Month
    months: tuple[Month, ...]
    use_cases: tuple[UseCaseTable, ...]
    benefit: tuple[Decimal, ...]
    cumulative_benefit: tuple[Decimal, ...]
    total_benefit: Decimal


def report_months(tracker: TrackerSpec, as_of: Month) -> tuple[Month, ...]:
    """The contract months from the start through `as_of` (empty if `as_of` is before the start)."""
    window = tracker.period.through(as_of)
    return () if window is None else window.months()


def compile_tracker(tracker: TrackerSpec, cache: FormulaCache | None = None) -> dict[str, Formula]:
    """Each calculation's compiled formula by calculation id; raises FormulaError on a bad one.

    Identical formulas (same text, same allowed names) are compiled once, in
    `cache` if given (to share it across trackers) or in a cache of this call.
    """
    cache = {} if cache is None else cache
    return {c.id: compile_calculation(c, cache) for u in tracker.use_cases for c in u.calculations}


def calculation_table(
    calculation: CalculationSpec, tracker: TrackerSpec, as_of: Month
) -> CalculationTable:
    """The measurement table of one calculation of `tracker` up to `as_of`."""
    with exact_context():
        formula = compile_calculation(calculation)
        return build_calculation_table(calculation, formula, tracker, report_months(tracker, as_of))


def use_case_table(use_case: UseCaseSpec, tracker: TrackerSpec, as_of: Month) -> UseCaseTable:
    """The measurement table of one use case of `tracker` up to `as_of`."""
    with exact_context():
        cache: FormulaCache = {}
        formulas = {c.id: compile_calculation(c, cache) for c in use_case.calculations}
        return build_use_case_table(use_case, formulas, tracker, report_months(tracker, as_of))


def tracker_table(
    tracker: TrackerSpec, as_of: Month, formulas: Mapping[str, Formula] | None = None
) -> TrackerTable:
    """The tracker's measurement tables up to `as_of`; `formulas` may pass precompiled formulas."""
    with exact_context():
        if formulas is None:
            formulas = compile_tracker(tracker)
        return build_tracker_table(tracker, formulas, as_of)


def build_tracker_table(
    tracker: TrackerSpec, formulas: Mapping[str, Formula], as_of: Month
) -> TrackerTable:
    """`tracker_table` without entering the decimal context (callers already did)."""
    return tracker_table_and_benefits(tracker, formulas, as_of)[0]


# The benefit column of a calculation with a month without benefit as 0, as
# every sum and running total counts it (`running_total`, `sum_columns`):
# computed once per calculation and handed on, instead of being re-derived
# (a scan for None, and a filled copy) by each sum that uses it.
FilledBenefit = tuple[Decimal, ...]


def tracker_table_and_benefits(
    tracker: TrackerSpec, formulas: Mapping[str, Formula], as_of: Month
) -> tuple[TrackerTable, list[list[FilledBenefit]]]:
    """`build_tracker_table`, and each calculation's zero-filled benefit by use case (in order)."""
    months = report_months(tracker, as_of)
    month_count = len(months)
    use_cases: list[UseCaseTable] = []
    filled: list[list[FilledBenefit]] = []
    for use_case in tracker.use_cases:
        use_case_table, columns = _use_case_table(use_case, formulas, tracker, months)
        use_cases.append(use_case_table)
        filled.append(columns)
    # A use case's benefit is a sum, never None: added as `sum_columns` would, from 0.
    benefit: Sequence[Decimal] = (_ZERO,) * month_count
    for active in use_cases:
        if active.counted:
            benefit = list(map(add, benefit, active.benefit))
    cumulative = tuple(accumulate(benefit))
    table = TrackerTable(
        tracker=tracker,
        as_of=as_of,
        months=months,
        use_cases=tuple(use_cases),
        benefit=tuple(benefit),
        cumulative_benefit=cumulative,
        total_benefit=cumulative[-1] if cumulative else _ZERO,
    )
    return table, filled


def build_use_case_table(
    use_case: UseCaseSpec,
    formulas: Mapping[str, Formula],
    tracker: TrackerSpec,
    months: tuple[Month, ...],
) -> UseCaseTable:
    return _use_case_table(use_case, formulas, tracker, months)[0]


def _use_case_table(
    use_case: UseCaseSpec,
    formulas: Mapping[str, Formula],
    tracker: TrackerSpec,
    months: tuple[Month, ...],
) -> tuple[UseCaseTable, list[FilledBenefit]]:
    calculations: list[CalculationTable] = []
    filled: list[FilledBenefit] = []
    # The calculations' zero-filled benefits added from 0, as `sum_columns` adds them.
    benefit: Sequence[Decimal] = (_ZERO,) * len(months)
    for calculation in use_case.calculations:
        calc_table, column = _calculation_table(
            calculation, formulas[calculation.id], tracker, months
        )
        calculations.append(calc_table)
        filled.append(column)
        benefit = list(map(add, benefit, column))
    cumulative = tuple(accumulate(benefit))
    table = UseCaseTable(
        use_case=use_case,
        counted=use_case.status is UseCaseStatus.ACTIVE,
        months=months,
        calculations=tuple(calculations),
        benefit=tuple(benefit),
        cumulative_benefit=cumulative,
        total_benefit=cumulative[-1] if cumulative else _ZERO,
    )
    return table, filled


def build_calculation_table(
    calculation: CalculationSpec,
    formula: Formula,
    tracker: TrackerSpec,
    months: tuple[Month, ...],
) -> CalculationTable:
    """One calculation's table over `months` (the contract's first months), in the caller's context."""
    return _calculation_table(calculation, formula, tracker, months)[0]


def _calculation_table(
    calculation: CalculationSpec,
    formula: Formula,
    tracker: TrackerSpec,
    months: tuple[Month, ...],
) -> tuple[CalculationTable, FilledBenefit]:
    """`build_calculation_table` and the table's zero-filled benefit."""
    month_count = len(months)
    timeline = build_timeline(calculation, tracker.period.first, month_count)
    first_valued = timeline.measured_at[0] if timeline.measured_at else month_count
    values = _realized(calculation, formula, tracker, timeline)
    benefit, error = values.benefit, values.error
    # Months before the first measurement are the only ones with provenance `none`.
    reason: tuple[str | None, ...] = (NO_MEASUREMENT,) * first_valued + (None,) * (
        month_count - first_valued
    )
    if tracker.missing_months is MissingMonthsPolicy.NO_BENEFIT:
        benefit, error, reason = _without_carried_months(
            timeline.provenance, benefit, error, reason
        )
    filled = zero_filled(benefit)
    cumulative = tuple(accumulate(filled))  # = running_total(benefit)
    table = CalculationTable(
        calculation=calculation,
        currency=tracker.currency,
        months=months,
        metric=timeline.metric,
        provenance=timeline.provenance,
        inputs=tuple(
            [
                InputColumn(d.key, d.name, d.unit, column)
                for d, column in zip(calculation.inputs, timeline.inputs, strict=True)
            ]
        ),
        delta=values.delta,
        improvement=values.improvement,
        benefit=benefit,
        error=error,
        no_benefit_reason=reason,
        cumulative_benefit=cumulative,
        total_benefit=cumulative[-1] if cumulative else _ZERO,
        timeline=timeline,
    )
    return table, filled


def zero_filled(values: tuple[Decimal | None, ...]) -> tuple[Decimal, ...]:
    """The column with a month without a value counted as 0 (the column itself if none is missing)."""
    if has_missing(values):
        return tuple([_ZERO if v is None else v for v in values])
    return values  # type: ignore[return-value]  # no None


def _realized(
    calculation: CalculationSpec,
    formula: Formula,
    tracker: TrackerSpec,
    timeline: Timeline,
    *,
    ratios: bool = True,
) -> MonthlyValues:
    """The formula's values over the timeline, before the missing-months policy."""
    return evaluate_realized(
        formula, calculation, timeline, money_quantum(tracker.currency), ratios=ratios
    )


def realized_benefit(
    calculation: CalculationSpec, formula: Formula, tracker: TrackerSpec, month_count: int
) -> tuple[tuple[Decimal | None, ...], Timeline]:
    """Only the benefit column (policy applied) and the timeline: for totals-only reports.

    Gives the same `benefit` as `build_calculation_table` without building the
    rest of the table (provenance, ratios, reasons, cumulative).
    """
    timeline = build_timeline(calculation, tracker.period.first, month_count, provenance=False)
    benefit = _realized(calculation, formula, tracker, timeline, ratios=False).benefit
    return _policy_applied(benefit, tracker, timeline), timeline


def _policy_applied(
    benefit: tuple[Decimal | None, ...], tracker: TrackerSpec, timeline: Timeline
) -> tuple[Decimal | None, ...]:
    """The benefit column under the tracker's missing-months policy (timeline without provenance)."""
    if tracker.missing_months is MissingMonthsPolicy.NO_BENEFIT and timeline.measured_at:
        # SPEC 3 `no_benefit`: only months with their own measurement realize anything.
        own = [False] * timeline.month_count
        for index in timeline.measured_at:
            own[index] = True
        benefit = tuple(b if mine else None for b, mine in zip(benefit, own, strict=True))
    return benefit


def benefit_for_totals(
    calculation: CalculationSpec,
    formula: Formula,
    tracker: TrackerSpec,
    month_count: int,
    quantum: Decimal,
) -> tuple[Sequence[Decimal], Timeline]:
    """`realized_benefit` with a month without benefit as 0, as sums count it (portfolio totals).

    `quantum` is the tracker currency's minor unit. In the usual case (most months
    measured, carried months realize) the column is built straight from the
    evaluation, without a None to fill in afterwards.
    """
    timeline = build_timeline(calculation, tracker.period.first, month_count, provenance=False)
    dense = None
    if tracker.missing_months is not MissingMonthsPolicy.NO_BENEFIT:
        dense = evaluate_dense(formula, calculation, timeline, quantum, ratios=False)
    if dense is None:
        benefit = evaluate_realized(formula, calculation, timeline, quantum, ratios=False).benefit
        return zero_filled(_policy_applied(benefit, tracker, timeline)), timeline
    first, _, _, benefits, _, failed = dense
    if failed:
        benefits = [_ZERO if b is None else b for b in benefits]
    # No month before the first measurement has a benefit: 0 in sums.
    return [_ZERO] * first + benefits, timeline  # type: ignore[operator]  # no None left


def _without_carried_months(
    provenance: Sequence[Provenance],
    benefit: tuple[Decimal | None, ...],
    error: tuple[str | None, ...],
    reason: tuple[str | None, ...],
) -> tuple[tuple[Decimal | None, ...], tuple[str | None, ...], tuple[str | None, ...]]:
    """SPEC 3 `missing_months: no_benefit`: a carried month realizes nothing, and says so."""
    benefits, errors, reasons = list(benefit), list(error), list(reason)
    for index, origin in enumerate(provenance):
        if origin is Provenance.CARRIED:
            benefits[index] = None
            errors[index] = None
            reasons[index] = CARRIED_MONTH_NO_BENEFIT
    return tuple(benefits), tuple(errors), tuple(reasons)


def has_missing(values: Iterable[object]) -> bool:
    """Whether any value is None (by identity: `None in` would call Decimal.__eq__ per value)."""
    return not all(map(is_not, values, repeat(None)))


def running_total(values: Sequence[Decimal | None]) -> tuple[Decimal, ...]:
    """Cumulative sums, a missing value counting as 0."""
    if has_missing(values):
        values = [_ZERO if v is None else v for v in values]
    return tuple(accumulate(values))  # type: ignore[arg-type]  # no None left


def sum_columns(columns: Sequence[Sequence[Decimal | None]], length: int) -> tuple[Decimal, ...]:
    """Per-month sums of several columns of the same length, a missing value counting as 0."""
    total: Sequence[Decimal] = (_ZERO,) * length
    for column in columns:
        if has_missing(column):
            column = [_ZERO if v is None else v for v in column]
        total = list(map(add, total, column))
    return tuple(total)
