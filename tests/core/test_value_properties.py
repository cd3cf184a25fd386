"""Invariants of value tracking (SPEC 2-3), checked on generated trackers."""

from __future__ import annotations

import dataclasses
import itertools
import random
from decimal import ROUND_HALF_EVEN, Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import (
    DIRECTION_FREE_FORMULAS,
    NON_NEGATIVE_FORMULAS,
    START,
    decimals,
    input_values,
    metric_values,
    trackers,
)
from valuecalc_core.formula import (
    BUILTIN_VARIABLES,
    Formula,
    FormulaEvaluationError,
    Undefined,
    compile_formula,
)
from valuecalc_core.measurement_table import CalculationTable, tracker_table
from valuecalc_core.money import money_quantum
from valuecalc_core.months import Month
from valuecalc_core.report import portfolio_report, tracker_report
from valuecalc_core.review import CalculationAnnotations, FindingKind, review_calculation
from valuecalc_core.roi import cost_schedule
from valuecalc_core.timeline import Provenance
from valuecalc_core.tracker_model import (
    CalculationSpec,
    Direction,
    FeeInterval,
    ImprovementMetric,
    InputChange,
    MeasurementEntry,
    MissingMonthsPolicy,
    TrackerSpec,
    UseCaseStatus,
)
from valuecalc_core.trend import Trend, TrendReading, classify_trend, read_measured
from valuecalc_core.valuation import compile_calculation, exact_context

ZERO = Decimal(0)


def _as_of(tracker: TrackerSpec) -> Month:
    return tracker.period.last


def _columns(table: CalculationTable, upto: int | None = None) -> tuple[object, ...]:
    """Everything a person sees in a calculation's table, months [0, upto)."""
    cut = slice(0, upto)
    return (
        table.months[cut],
        table.metric[cut],
        table.provenance[cut],
        tuple(c.values[cut] for c in table.inputs),
        table.delta[cut],
        table.improvement[cut],
        table.benefit[cut],
        table.error[cut],
        table.no_benefit_reason[cut],
        table.cumulative_benefit[cut],
    )


def _replace_calculation(tracker: TrackerSpec, calculation: CalculationSpec) -> TrackerSpec:
    use_cases = tuple(
        dataclasses.replace(
            u,
            calculations=tuple(
                calculation if c.id == calculation.id else c for c in u.calculations
            ),
        )
        for u in tracker.use_cases
    )
    return dataclasses.replace(tracker, use_cases=use_cases)


def _first_calculation(tracker: TrackerSpec) -> CalculationSpec:
    return tracker.use_cases[0].calculations[0]


@given(trackers(), st.data())
def test_a_change_at_month_k_changes_no_earlier_month(
    tracker: TrackerSpec, data: st.DataObject
) -> None:
    calculation = _first_calculation(tracker)
    month_count = len(tracker.period)
    k = data.draw(st.integers(0, month_count - 1))
    month = START + k
    if k > 0 and data.draw(st.booleans()):
        changes = [c for c in calculation.input_changes if (c.key, c.month) != ("a", month)]
        changes.append(InputChange("a", month, data.draw(input_values)))
        changed = dataclasses.replace(calculation, input_changes=tuple(changes))
    else:
        entries = [m for m in calculation.measurements if m.month != month]
        entries.append(MeasurementEntry(month, data.draw(metric_values)))
        changed = dataclasses.replace(calculation, measurements=tuple(entries))
    before = tracker_table(tracker, _as_of(tracker))
    after = tracker_table(_replace_calculation(tracker, changed), _as_of(tracker))
    assert _columns(after.use_cases[0].calculations[0], k) == _columns(
        before.use_cases[0].calculations[0], k
    )
    assert after.cumulative_benefit[:k] == before.cumulative_benefit[:k]


@given(trackers(), st.integers(-2, 16))
def test_totals_equal_the_sum_of_the_displayed_months(tracker: TrackerSpec, shift: int) -> None:
    as_of = START + shift
    report = tracker_report(tracker, as_of)
    table = report.table
    for use_case in table.use_cases:
        for calc in use_case.calculations:
            assert calc.total_benefit == sum((b for b in calc.benefit if b is not None), ZERO)
            if calc.months:
                assert calc.cumulative_benefit[-1] == calc.total_benefit
        for index in range(len(table.months)):
            assert use_case.benefit[index] == sum(
                (c.benefit[index] or ZERO for c in use_case.calculations), ZERO
            )
        assert use_case.total_benefit == sum(use_case.benefit, ZERO)
        assert use_case.total_benefit == sum((c.total_benefit for c in use_case.calculations), ZERO)
    counted = [u for u in table.use_cases if u.counted]
    assert table.total_benefit == sum(table.benefit, ZERO)
    assert table.total_benefit == sum((u.total_benefit for u in counted), ZERO)
    assert report.roi.total_benefit == table.total_benefit
    assert report.roi.total_cost == sum(report.roi.cost, ZERO)
    assert report.comparison.total_realized == table.total_benefit
    comparison = report.comparison
    if not comparison.covered:
        # No business case anywhere: nothing projected, no variance (never realized - 0).
        assert comparison.total_projected is None
        assert comparison.total_variance is None
        assert set(comparison.variance) <= {None}
    else:
        assert comparison.total_projected is not None
        assert comparison.total_variance == sum((v or ZERO for v in comparison.variance), ZERO)
        if not comparison.missing:
            assert comparison.total_variance == (
                comparison.total_realized - comparison.total_projected
            )


@given(trackers(), st.randoms(use_true_random=False))
def test_the_order_of_measurements_and_changes_never_matters(
    tracker: TrackerSpec, rng: random.Random
) -> None:
    def shuffled(calculation: CalculationSpec) -> CalculationSpec:
        measurements = list(calculation.measurements)
        changes = list(calculation.input_changes)
        rng.shuffle(measurements)
        rng.shuffle(changes)
        return dataclasses.replace(
            calculation, measurements=tuple(measurements), input_changes=tuple(changes)
        )

    other = dataclasses.replace(
        tracker,
        use_cases=tuple(
            dataclasses.replace(u, calculations=tuple(shuffled(c) for c in u.calculations))
            for u in tracker.use_cases
        ),
    )
    first = tracker_table(tracker, _as_of(tracker))
    second = tracker_table(other, _as_of(tracker))
    for a, b in zip(first.use_cases, second.use_cases, strict=True):
        for x, y in zip(a.calculations, b.calculations, strict=True):
            assert _columns(x) == _columns(y)
    assert first.benefit == second.benefit


def _mirrored(calculation: CalculationSpec) -> CalculationSpec:
    metric = calculation.metric
    baseline = metric.baseline
    flipped = (
        Direction.LOWER_IS_BETTER
        if metric.direction is Direction.HIGHER_IS_BETTER
        else Direction.HIGHER_IS_BETTER
    )
    return dataclasses.replace(
        calculation,
        metric=dataclasses.replace(
            metric,
            direction=flipped,
            target=None if metric.target is None else 2 * baseline - metric.target,
        ),
        measurements=tuple(
            dataclasses.replace(m, value=2 * baseline - m.value) for m in calculation.measurements
        ),
    )


@given(trackers(formulas=DIRECTION_FREE_FORMULAS))
def test_a_mirrored_series_under_the_opposite_direction_gives_the_same_values(
    tracker: TrackerSpec,
) -> None:
    mirrored = dataclasses.replace(
        tracker,
        use_cases=tuple(
            dataclasses.replace(u, calculations=tuple(_mirrored(c) for c in u.calculations))
            for u in tracker.use_cases
        ),
    )
    first = tracker_report(tracker, _as_of(tracker))
    second = tracker_report(mirrored, _as_of(tracker))
    for a, b in zip(first.use_cases, second.use_cases, strict=True):
        for x, y in zip(a.calculations, b.calculations, strict=True):
            assert x.table.delta == y.table.delta
            assert x.table.improvement == y.table.improvement
            assert x.table.benefit == y.table.benefit
            assert x.table.error == y.table.error
            assert x.comparison.projected == y.comparison.projected
            assert x.trend == y.trend


@given(trackers(formulas=NON_NEGATIVE_FORMULAS))
def test_no_benefit_policy_never_realizes_more_than_carry_forward(tracker: TrackerSpec) -> None:
    default = dataclasses.replace(tracker, missing_months=MissingMonthsPolicy.CARRY_FORWARD)
    strict = dataclasses.replace(tracker, missing_months=MissingMonthsPolicy.NO_BENEFIT)
    loose = tracker_table(default, _as_of(tracker))
    tight = tracker_table(strict, _as_of(tracker))
    assert tight.total_benefit <= loose.total_benefit
    for a, b in zip(tight.use_cases, loose.use_cases, strict=True):
        assert a.total_benefit <= b.total_benefit


@given(trackers())
def test_payback_is_the_first_month_where_cumulative_benefit_covers_cost(
    tracker: TrackerSpec,
) -> None:
    roi = tracker_report(tracker, _as_of(tracker)).roi
    covered = [
        month
        for month, gained, paid in zip(
            roi.months, roi.cumulative_benefit, roi.cumulative_cost, strict=True
        )
        if paid > 0 and gained >= paid
    ]
    assert roi.payback_month == (covered[0] if covered else None)
    if roi.payback_month is not None:
        index = roi.months.index(roi.payback_month)
        assert roi.cumulative_benefit[index] >= roi.cumulative_cost[index]


@given(trackers())
def test_rounding_moves_a_monthly_benefit_by_at_most_half_a_minor_unit(
    tracker: TrackerSpec,
) -> None:
    table = tracker_table(tracker, _as_of(tracker))
    half = money_quantum(tracker.currency) / 2
    with exact_context():
        for use_case in table.use_cases:
            for calc in use_case.calculations:
                formula = compile_calculation(calc.calculation)
                metric = calc.calculation.metric
                for index, benefit in enumerate(calc.benefit):
                    if benefit is None:
                        continue
                    shown: dict[str, Decimal | None] = {c.key: c.values[index] for c in calc.inputs}
                    shown |= {"metric": calc.metric[index], "baseline": metric.baseline}
                    shown |= {"delta": calc.delta[index], "improvement": calc.improvement[index]}
                    shown["target"] = metric.target
                    values = {name: v for name, v in shown.items() if v is not None}
                    exact = formula.evaluate(values)  # type: ignore[arg-type]
                    assert abs(benefit - exact) <= half
                    assert benefit == benefit.quantize(money_quantum(tracker.currency))


@given(trackers(max_use_cases=1))
def test_every_complete_contract_year_costs_exactly_the_yearly_fee(tracker: TrackerSpec) -> None:
    cost = cost_schedule(tracker)
    recurring = tracker.fees.recurring_amount
    one_time = [ZERO] * len(cost)
    for fee in tracker.fees.one_time:
        one_time[fee.month.months_since(START)] += fee.amount
    spread = [c - o for c, o in zip(cost, one_time, strict=True)]
    assert all(s >= 0 for s in spread)
    if tracker.fees.recurring_interval is FeeInterval.YEAR:
        for year in range(len(cost) // 12):
            assert sum(spread[year * 12 : year * 12 + 12], ZERO) == recurring
    else:
        assert spread == [recurring] * len(cost)


@given(trackers(), st.integers(-2, 16))
def test_portfolio_summary_agrees_with_the_full_tracker_report(
    tracker: TrackerSpec, shift: int
) -> None:
    as_of = START + shift
    report = tracker_report(tracker, as_of)
    summary = portfolio_report([tracker], as_of).trackers[0]
    assert summary.realized == report.table.total_benefit
    assert summary.roi == report.roi
    assert summary.projected == report.comparison.total_projected
    assert set(summary.projection_incomplete) == set(report.comparison.incomplete)


# --- A reference oracle: the SPEC 3 definitions computed month by month, as plainly as possible.
# The core evaluates columns, only where an argument changes, and in bulk; this
# recomputes every month from scratch (latest change at or before the month,
# latest measurement at or before it, the formula through `Formula.evaluate`,
# rounding once) and every total as a plain sum, so an optimization that changes
# any number shows up here.


@dataclasses.dataclass
class _ReferenceMonth:
    metric: Decimal | None
    provenance: Provenance
    inputs: dict[str, Decimal]
    delta: Decimal | None
    improvement: Decimal | None
    benefit: Decimal | None
    error: str | None
    reason: str | None


def _reference_benefit(
    formula: Formula,
    calculation: CalculationSpec,
    metric: Decimal,
    inputs: dict[str, Decimal],
    quantum: Decimal,
) -> tuple[Decimal | None, str | None, Decimal, Decimal | None]:
    """(rounded benefit, error code, delta, improvement) for one month's values (SPEC 3)."""
    spec = calculation.metric
    higher = spec.direction is Direction.HIGHER_IS_BETTER
    delta = metric - spec.baseline if higher else spec.baseline - metric
    improvement = None if spec.baseline == 0 else delta / abs(spec.baseline)
    # An undefined value fails the month only if the formula's taken branch uses it.
    values: dict[str, Decimal | Undefined] = dict(
        inputs, metric=metric, baseline=spec.baseline, delta=delta
    )
    values["improvement"] = (
        Undefined("undefined_improvement") if improvement is None else improvement
    )
    values["target"] = Undefined("undefined_target") if spec.target is None else spec.target
    try:
        exact = formula.evaluate(values)  # type: ignore[arg-type]
    except FormulaEvaluationError as failure:
        return None, failure.code, delta, improvement
    try:
        return exact.quantize(quantum, rounding=ROUND_HALF_EVEN), None, delta, improvement
    except ArithmeticError:
        return None, "overflow", delta, improvement


def _reference_months(
    calculation: CalculationSpec, tracker: TrackerSpec, month_count: int
) -> list[_ReferenceMonth]:
    names = {d.key for d in calculation.inputs} | BUILTIN_VARIABLES
    formula = compile_formula(calculation.formula, names)
    rows = []
    for index in range(month_count):
        month = tracker.period.first + index
        inputs = {}
        for definition in calculation.inputs:
            changes = [
                c for c in calculation.input_changes if c.key == definition.key and c.month <= month
            ]
            inputs[definition.key] = max(changes, key=lambda c: c.month).value
        earlier = [m for m in calculation.measurements if m.month <= month]
        if not earlier:
            rows.append(
                _ReferenceMonth(
                    None, Provenance.NONE, inputs, None, None, None, None, "no_measurement"
                )
            )
            continue
        latest = max(earlier, key=lambda m: m.month)
        if latest.month != month:
            provenance = Provenance.CARRIED
        else:
            provenance = Provenance.ESTIMATE if latest.estimate else Provenance.MEASURED
        benefit, error, delta, improvement = _reference_benefit(
            formula, calculation, latest.value, inputs, money_quantum(tracker.currency)
        )
        reason = None
        if (
            tracker.missing_months is MissingMonthsPolicy.NO_BENEFIT
            and provenance is Provenance.CARRIED
        ):
            benefit, error, reason = None, None, "carried_month_no_benefit"
        rows.append(
            _ReferenceMonth(
                latest.value, provenance, inputs, delta, improvement, benefit, error, reason
            )
        )
    return rows


def _reference_projection(
    calculation: CalculationSpec, tracker: TrackerSpec, rows: list[_ReferenceMonth]
) -> list[Decimal | None] | None:
    """Projected benefit per month (SPEC 3 "Projection"), None without a target."""
    spec = calculation.metric
    if spec.target is None:
        return None
    names = {d.key for d in calculation.inputs} | BUILTIN_VARIABLES
    formula = compile_formula(calculation.formula, names)
    projected: list[Decimal | None] = []
    for index, row in enumerate(rows):
        steps = [s for s in calculation.ramp if s.from_month <= index + 1]
        if not calculation.ramp:
            share = Decimal(1)
        elif not steps:
            share = Decimal(0)
        else:
            share = max(steps, key=lambda s: s.from_month).share
        metric = spec.baseline + share * (spec.target - spec.baseline)
        quantum = money_quantum(tracker.currency)
        projected.append(_reference_benefit(formula, calculation, metric, row.inputs, quantum)[0])
    return projected


def _reference_cost(tracker: TrackerSpec, month_count: int) -> list[Decimal]:
    """cost(m) as `roi` documents it: a yearly fee's twelfth, the remainder in a year's 12th month."""
    quantum = money_quantum(tracker.currency)
    fee = tracker.fees.recurring_amount
    cost = []
    for index in range(month_count):
        if tracker.fees.recurring_interval is FeeInterval.MONTH:
            amount = fee
        else:
            twelfth = (fee / 12).quantize(quantum, rounding=ROUND_HALF_EVEN)
            amount = fee - 11 * twelfth if index % 12 == 11 else twelfth
        for one_time in tracker.fees.one_time:
            if one_time.month == tracker.period.first + index:
                amount += one_time.amount
        cost.append(amount)
    return cost


def _annotations(tracker: TrackerSpec, data: st.DataObject) -> dict[str, CalculationAnnotations]:
    months = st.frozensets(st.sampled_from(tracker.period.months()), max_size=3)
    return {
        c.id: CalculationAnnotations(data.draw(months), data.draw(months))
        for c in tracker.calculations()
    }


# The trend (SPEC 3 "Trends", `trend`'s module doc) and the data-quality review
# (`review`'s module doc) from their definitions, with exact comparisons (products
# instead of quotients) and every median taken by sorting, so a reading or a finding
# the core gets wrong shows up here rather than being recomputed by the code under test.


def _reference_class(values: list[Decimal], ordinals: list[int], scale: Decimal) -> Trend:
    """Rules 2-6 on direction-adjusted values (at least three)."""
    changes = [later - earlier for earlier, later in itertools.pairwise(values)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(ordinals)]
    path = sum((abs(change) for change in changes), ZERO)
    net = values[-1] - values[0]
    if path <= Decimal("0.05") * scale:
        return Trend.FLAT
    if path > 2 * abs(net):
        return Trend.VOLATILE
    if net < 0:
        return Trend.DECLINING
    half = len(changes) // 2
    early, early_months = sum(changes[:half], ZERO), sum(gaps[:half])
    late, late_months = sum(changes[-half:], ZERO), sum(gaps[-half:])
    # late / late_months > 1.5 x early / early_months, and every later monthly rate
    # d_i / g_i above every earlier one d_j / g_j (months are positive: cross-multiply).
    faster = late * early_months > Decimal("1.5") * early * late_months
    consistently = all(
        changes[i] * gaps[j] > changes[j] * gaps[i]
        for i in range(len(changes) - half, len(changes))
        for j in range(half)
    )
    return Trend.ACCELERATING if faster and consistently else Trend.STEADY_CLIMB


def _reference_trend(
    metric: ImprovementMetric, measured: list[tuple[Month, Decimal]]
) -> TrendReading:
    """The whole series' class, the latest four's, the headline and where it began."""
    count = len(measured)
    if count < 3:
        none = Trend.INSUFFICIENT_DATA
        return TrendReading(none, none, none, count)
    sign = 1 if metric.direction is Direction.HIGHER_IS_BETTER else -1
    values = [sign * value for _, value in measured]
    ordinals = [month.ordinal for month, _ in measured]
    scale = abs(metric.baseline) or max(abs(value) for value in values) or Decimal(1)
    whole = _reference_class(values, ordinals, scale)
    if count <= 4:
        return TrendReading(whole, whole, whole, count)
    recent = _reference_class(values[-4:], ordinals[-4:], scale)
    after_gains = whole in (Trend.STEADY_CLIMB, Trend.ACCELERATING, Trend.VOLATILE)
    if recent not in (Trend.FLAT, Trend.DECLINING) or not after_gains:
        return TrendReading(whole, recent, whole, 4)
    if recent is Trend.FLAT:
        # The longest run of latest values whose own path is flat by rule 2.
        since = min(
            start
            for start in range(count)
            if sum((abs(b - a) for a, b in itertools.pairwise(values[start:])), ZERO)
            <= Decimal("0.05") * scale
        )
    else:
        # The recent window's highest value (its first), back over values at least as high.
        since = values.index(max(values[-4:]), count - 4)
        while since > 0 and values[since - 1] >= values[since]:
            since -= 1
    return TrendReading(whole, recent, recent, 4, since, count - since)


def _median(values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _looks_like_unit_mistake(value: Decimal, reference: Decimal) -> bool:
    """value / reference near 5, 7, 20..31 (10 % either way) or near the inverse of one."""
    if value.is_zero() or reference.is_zero() or (value > 0) != (reference > 0):
        return False
    a, r = abs(value), abs(reference)
    bands = [(Decimal("4.5"), Decimal("5.5")), (Decimal("6.3"), Decimal("7.7"))]
    bands.append((Decimal(18), Decimal("34.1")))
    return any(low * r <= a <= high * r or low * a <= r <= high * a for low, high in bands)


_Seen = tuple[FindingKind, Month, Decimal | None]


def _reference_review(
    baseline: Decimal,
    months: tuple[Month, ...],
    metric: list[Decimal | None],
    provenance: list[Provenance],
    annotations: CalculationAnnotations,
) -> tuple[list[_Seen], list[Decimal]]:
    """(kind, month, value) of each review finding, by month then kind, and the spikes'
    modified z-scores in month order."""
    seen: list[_Seen] = []
    own = [i for i, p in enumerate(provenance) if p in (Provenance.MEASURED, Provenance.ESTIMATE)]
    values: list[Decimal] = [metric[i] for i in own]  # type: ignore[misc]
    for index, origin in enumerate(provenance):
        if origin in (Provenance.CARRIED, Provenance.NONE):
            seen.append((FindingKind.MISSING_MONTH, months[index], None))
        elif origin is Provenance.ESTIMATE and months[index] not in annotations.note_months:
            seen.append((FindingKind.ESTIMATE_WITHOUT_NOTE, months[index], metric[index]))
    scores: list[Decimal] = []
    changes = [later - earlier for earlier, later in itertools.pairwise(values)]
    if len(changes) >= 3:
        middle = _median(changes)
        scale = abs(baseline) or _median([abs(v) for v in values])
        mad = max(_median([abs(c - middle) for c in changes]), Decimal("0.01") * scale)
        for position, change in enumerate(changes):
            if mad.is_zero():
                break
            score = Decimal("0.6745") * (change - middle) / mad
            if abs(score) <= Decimal("3.5"):
                continue
            month, value = months[own[position + 1]], values[position + 1]
            scores.append(score)
            seen.append((FindingKind.SPIKE, month, value))
            explained = annotations.note_months | annotations.evidence_months
            if month not in explained:
                seen.append((FindingKind.SPIKE_WITHOUT_CONTEXT, month, value))
    for index, value in enumerate(values):
        neighbours = sorted(values[max(0, index - 2) : index] + values[index + 1 : index + 3])
        if len(neighbours) < 2:
            continue
        middle_at = len(neighbours) // 2
        references = (
            neighbours[middle_at - 1 : middle_at + 1]
            if len(neighbours) % 2 == 0
            else [neighbours[middle_at]]
        )
        if all(_looks_like_unit_mistake(value, r) for r in references):
            seen.append((FindingKind.SUSPECTED_UNIT_MISTAKE, months[own[index]], value))
    order = list(FindingKind)
    seen.sort(key=lambda f: (f[1].ordinal, order.index(f[0])))
    return seen, scores


@dataclasses.dataclass(frozen=True)
class _Series:
    """One calculation's months up to as-of: its metric (None before the first value),
    each month's provenance, the months with notes and evidence."""

    metric: ImprovementMetric
    months: tuple[Month, ...]
    values: list[Decimal | None]
    provenance: list[Provenance]
    annotations: CalculationAnnotations

    def measured(self) -> list[tuple[Month, Decimal]]:
        own = (Provenance.MEASURED, Provenance.ESTIMATE)
        return [
            (m, v)  # type: ignore[misc]  # a month with its own value has one
            for m, v, p in zip(self.months, self.values, self.provenance, strict=True)
            if p in own
        ]


@st.composite
def _series(draw: st.DrawFn) -> _Series:
    """Measured series shaped to reach every trend class and finding: climbs, stalls and
    declines of a step size small or large against the baseline, gaps between
    measurements, an occasional jump or a value off by a unit factor, and estimates."""
    step = draw(st.sampled_from([Decimal("0.1"), Decimal(1), Decimal(10)]))
    bias = draw(st.integers(-2, 4))
    count = draw(st.integers(0, 12))
    value = draw(decimals(0, 300, 1))
    lead = draw(st.integers(0, 2))  # months before the first measurement
    values: list[Decimal | None] = [None] * lead
    provenance = [Provenance.NONE] * lead
    for index in range(count):
        if index:
            value += step * (bias + draw(st.integers(-3, 3)))
            if draw(st.integers(0, 9)) == 0:
                value += draw(st.sampled_from([Decimal(-60), Decimal(80)]))
            for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # carried months
                values.append(values[-1])
                provenance.append(Provenance.CARRIED)
        shown = value
        if draw(st.integers(0, 11)) == 0:
            shown = value * draw(st.sampled_from([Decimal(5), Decimal(7), Decimal(24)]))
        values.append(shown)
        estimate = draw(st.integers(0, 5)) == 0
        provenance.append(Provenance.ESTIMATE if estimate else Provenance.MEASURED)
    months = tuple(START + i for i in range(len(values)))
    marked = st.frozensets(st.sampled_from(months), max_size=3) if months else st.just(frozenset())
    baseline = draw(st.sampled_from([Decimal(0), Decimal(100), value or Decimal(1)]))
    direction = draw(st.sampled_from(Direction))
    metric = ImprovementMetric("metric", "units", baseline, direction)
    annotations = CalculationAnnotations(draw(marked), draw(marked))
    return _Series(metric, months, values, provenance, annotations)


@given(_series())
def test_the_trend_reading_follows_its_definition(series: _Series) -> None:
    measured = series.measured()
    reading = read_measured(series.metric, measured)
    assert reading == _reference_trend(series.metric, measured)
    assert classify_trend(series.metric, measured) == reading.whole


@given(_series())
def test_the_review_follows_its_definition(series: _Series) -> None:
    found = review_calculation(
        "c1",
        series.metric.baseline,
        series.months,
        series.values,
        series.provenance,
        series.annotations,
    )
    expected, spike_scores = _reference_review(
        series.metric.baseline,
        series.months,
        series.values,
        series.provenance,
        series.annotations,
    )
    assert [(f.kind, f.month, f.value) for f in found] == expected
    assert [f.score for f in found if f.kind is FindingKind.SPIKE] == spike_scores
    assert {f.calculation_id for f in found} <= {"c1"}


@given(trackers(), st.integers(-2, 16), st.data())
def test_report_agrees_with_a_month_by_month_reference(
    tracker: TrackerSpec, shift: int, data: st.DataObject
) -> None:
    as_of = START + shift
    annotations = _annotations(tracker, data)
    report = tracker_report(tracker, as_of, annotations)
    assert tracker_table(tracker, as_of) == report.table
    month_count = min(max(shift + 1, 0), len(tracker.period))
    months = tuple(START + i for i in range(month_count))
    assert report.table.months == months
    tracker_benefit = [ZERO] * month_count
    tracker_projected: list[Decimal | None] = [None] * month_count
    tracker_covered_realized: list[Decimal | None] = [None] * month_count
    incomplete: list[str] = []
    covered: list[str] = []
    with exact_context():
        for use_case, use_case_report in zip(tracker.use_cases, report.use_cases, strict=True):
            counted = use_case.status is UseCaseStatus.ACTIVE
            assert use_case_report.table.counted == counted
            use_case_benefit = [ZERO] * month_count
            for calculation, calc_report in zip(
                use_case.calculations, use_case_report.calculations, strict=True
            ):
                rows = _reference_months(calculation, tracker, month_count)
                table = calc_report.table
                assert table.calculation == calculation
                assert table.metric == tuple(r.metric for r in rows)
                assert table.provenance == tuple(r.provenance for r in rows)
                for column in table.inputs:
                    assert column.values == tuple(r.inputs[column.key] for r in rows)
                assert table.delta == tuple(r.delta for r in rows)
                assert table.improvement == tuple(r.improvement for r in rows)
                assert table.benefit == tuple(r.benefit for r in rows)
                assert table.error == tuple(r.error for r in rows)
                assert table.no_benefit_reason == tuple(r.reason for r in rows)
                realized = [r.benefit or ZERO for r in rows]
                assert table.total_benefit == sum(realized, ZERO)
                running = ZERO
                for index, amount in enumerate(realized):
                    running += amount
                    assert table.cumulative_benefit[index] == running
                    use_case_benefit[index] += amount
                projected = _reference_projection(calculation, tracker, rows)
                if projected is None:
                    assert calc_report.projection is None
                    projected = [None] * month_count
                else:
                    assert calc_report.projection is not None
                    assert calc_report.projection.benefit == tuple(projected)
                comparison = calc_report.comparison
                assert comparison.realized == tuple(realized)
                assert comparison.projected == tuple(projected)
                assert comparison.variance == tuple(
                    None if p is None else r - p for r, p in zip(realized, projected, strict=True)
                )
                if calculation.metric.target is None:
                    assert comparison.total_projected is None
                    assert comparison.total_variance is None
                    assert set(comparison.cumulative_variance) <= {None}
                else:
                    assert comparison.total_projected == sum((p or ZERO for p in projected), ZERO)
                    assert comparison.total_variance == sum(
                        (r - p for r, p in zip(realized, projected, strict=True) if p is not None),
                        ZERO,
                    )
                own = [r.provenance in (Provenance.MEASURED, Provenance.ESTIMATE) for r in rows]
                measured = [(months[i], r.metric) for i, r in enumerate(rows) if own[i]]
                reading = _reference_trend(calculation.metric, measured)  # type: ignore[arg-type]
                assert calc_report.trend == reading
                expected, spike_scores = _reference_review(
                    calculation.metric.baseline,
                    months,
                    [r.metric for r in rows],
                    [r.provenance for r in rows],
                    annotations[calculation.id],
                )
                # The review's findings, plus the trend's stalled / recent-decline finding.
                trend_kinds = (FindingKind.STALLED, FindingKind.RECENT_DECLINE)
                review_only = tuple(f for f in calc_report.findings if f.kind not in trend_kinds)
                trend_found = [f for f in calc_report.findings if f.kind in trend_kinds]
                if counted and reading.since is not None:
                    stalled = reading.headline is Trend.FLAT
                    kind = FindingKind.STALLED if stalled else FindingKind.RECENT_DECLINE
                    found = [(f.kind, f.month) for f in trend_found]
                    assert found == [(kind, measured[reading.since][0])]
                else:
                    assert trend_found == []
                assert all(f.calculation_id == calculation.id for f in calc_report.findings)
                if counted:
                    assert [(f.kind, f.month, f.value) for f in review_only] == expected
                    spikes = [f.score for f in review_only if f.kind is FindingKind.SPIKE]
                    assert spikes == spike_scores
                else:
                    # Measured months of a use case that is not active count nowhere: flagged.
                    kinds = [f.kind for f in review_only]
                    assert kinds == [FindingKind.MEASURED_NOT_COUNTED] * (len(measured) > 0)
                    if measured:
                        assert review_only[0].month == measured[0][0]
                if counted:
                    for index in range(month_count):
                        amount = projected[index]
                        if amount is None:
                            continue  # neither projected nor compared in that month
                        so_far = tracker_projected[index]
                        tracker_projected[index] = amount + (so_far or ZERO)
                        base = tracker_covered_realized[index] or ZERO
                        tracker_covered_realized[index] = base + realized[index]
                    if calculation.metric.target is not None:
                        covered.append(calculation.id)
                    # Missing (no target) or failed in some month (SPEC 3, `projection`).
                    if calculation.metric.target is None or None in projected:
                        incomplete.append(calculation.id)
            assert use_case_report.table.benefit == tuple(use_case_benefit)
            assert use_case_report.table.total_benefit == sum(use_case_benefit, ZERO)
            assert use_case_report.comparison.total_realized == sum(use_case_benefit, ZERO)
            if counted:
                tracker_benefit = [
                    a + b for a, b in zip(tracker_benefit, use_case_benefit, strict=True)
                ]
    assert report.table.benefit == tuple(tracker_benefit)
    assert report.table.total_benefit == sum(tracker_benefit, ZERO)
    assert report.comparison.projected == tuple(tracker_projected)
    assert report.comparison.variance == tuple(
        None if p is None else r - p  # type: ignore[operator]  # r is set where p is
        for r, p in zip(tracker_covered_realized, tracker_projected, strict=True)
    )
    expected_projected = sum((p or ZERO for p in tracker_projected), ZERO) if covered else None
    assert report.comparison.total_projected == expected_projected
    assert report.comparison.covered == tuple(covered)
    assert report.comparison.incomplete == tuple(incomplete)
    cost = _reference_cost(tracker, month_count)
    assert report.roi.cost == tuple(cost)
    assert report.roi.total_cost == sum(cost, ZERO)
    assert report.roi.total_benefit == sum(tracker_benefit, ZERO)
    summary = portfolio_report([tracker], as_of).trackers[0]
    assert summary.realized == sum(tracker_benefit, ZERO)
    assert summary.projected == expected_projected
    assert summary.projection_covered == tuple(covered)
    assert summary.projection_incomplete == tuple(incomplete)
    assert summary.roi == report.roi
