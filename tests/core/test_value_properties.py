"""Invariants of value tracking (SPEC 2-3), checked on generated trackers."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import (
    DIRECTION_FREE_FORMULAS,
    NON_NEGATIVE_FORMULAS,
    START,
    input_values,
    metric_values,
    trackers,
)
from valuecalc_core.measurement_table import CalculationTable, tracker_table
from valuecalc_core.money import money_quantum
from valuecalc_core.months import Month
from valuecalc_core.report import portfolio_report, tracker_report
from valuecalc_core.roi import cost_schedule
from valuecalc_core.tracker_model import (
    CalculationSpec,
    Direction,
    FeeInterval,
    InputChange,
    MeasurementEntry,
    MissingMonthsPolicy,
    TrackerSpec,
)
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
    assert report.comparison.total_variance == (
        report.comparison.total_realized - report.comparison.total_projected
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
                    exact = formula.evaluate(values)
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
