"""Failing months, undefined values and invalid trackers: stable codes and plain messages."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from tests.strategies import START, single_calculation_tracker, v1_calculation
from valuecalc_core.formula import FormulaError
from valuecalc_core.measurement_table import calculation_table, tracker_table
from valuecalc_core.money import UnknownCurrencyError
from valuecalc_core.months import Month, MonthFormatError
from valuecalc_core.report import tracker_report
from valuecalc_core.tracker_model import (
    Fees,
    ImprovementMetric,
    InputChange,
    InputDefinition,
    MeasurementEntry,
    OneTimeFee,
    RampStep,
    TrackerValidationError,
    UseCaseSpec,
    UseCaseStatus,
)

D = Decimal
M = Month.parse


def test_division_by_zero_in_one_month_only_the_others_compute() -> None:
    calculation = dataclasses.replace(
        v1_calculation(measurements={"2026-01": "120", "2026-02": "100", "2026-03": "150"}),
        formula="reps * cost_per_rep_month / delta",
    )
    calc = calculation_table(calculation, single_calculation_tracker(calculation), M("2026-04"))
    assert calc.benefit == (D("5000.00"), None, D("2000.00"), D("2000.00"))
    assert calc.error == (None, "division_by_zero", None, None)
    assert calc.total_benefit == D("9000.00")


def test_zero_baseline_makes_improvement_undefined_for_formulas_using_it() -> None:
    base = v1_calculation(measurements={"2026-01": "5", "2026-02": "7"})
    zero = dataclasses.replace(base, metric=dataclasses.replace(base.metric, baseline=D(0)))
    calc = calculation_table(zero, single_calculation_tracker(zero), M("2026-03"))
    assert calc.improvement == (None, None, None)
    assert calc.delta == (D(5), D(7), D(7))
    assert calc.benefit == (None, None, None)
    assert calc.error == ("undefined_improvement",) * 3
    assert calc.total_benefit == D(0)

    by_delta = dataclasses.replace(zero, formula="delta * reps")
    calc = calculation_table(by_delta, single_calculation_tracker(by_delta), M("2026-02"))
    assert calc.benefit == (D("50.00"), D("70.00"))
    assert calc.error == (None, None)


def test_a_formula_using_a_missing_target_fails_each_valued_month() -> None:
    calculation = dataclasses.replace(
        v1_calculation(measurements={"2026-02": "150"}), formula="(target - metric) * reps"
    )
    calc = calculation_table(calculation, single_calculation_tracker(calculation), M("2026-03"))
    assert calc.error == (None, "undefined_target", "undefined_target")
    assert calc.benefit == (None, None, None)


def test_unknown_variable_surfaces_as_a_formula_error_when_building() -> None:
    calculation = dataclasses.replace(v1_calculation(), formula="improvement * headcount")
    tracker = single_calculation_tracker(calculation)
    with pytest.raises(FormulaError) as error:
        tracker_table(tracker, M("2026-03"))
    assert error.value.position == len("improvement * ")
    with pytest.raises(FormulaError):
        tracker_report(tracker, M("2026-03"))


def test_overflowing_result_is_an_error_code_not_a_crash() -> None:
    calculation = dataclasses.replace(
        v1_calculation(measurements={"2026-01": "121"}),
        formula="cost_per_rep_month * 100000000000000000000000000000 * 1000",
    )
    calc = calculation_table(calculation, single_calculation_tracker(calculation), START)
    assert calc.benefit == (None,)
    assert calc.error == ("overflow",)


@pytest.mark.parametrize("text", ["2026-13", "26-01", "2026-1", ""])
def test_malformed_months_are_refused(text: str) -> None:
    with pytest.raises(MonthFormatError) as error:
        Month.parse(text)
    assert error.value.code == "invalid_month"


def _code(error: pytest.ExceptionInfo[TrackerValidationError]) -> str:
    return error.value.code


def test_measurement_outside_the_contract_period() -> None:
    calculation = v1_calculation(measurements={"2027-01": "120"})
    with pytest.raises(TrackerValidationError) as error:
        single_calculation_tracker(calculation)
    assert _code(error) == "month_outside_period"
    assert "2027-01" in str(error.value)
    assert "2026-01..2026-12" in str(error.value)


def test_duplicate_measurement_month() -> None:
    with pytest.raises(TrackerValidationError) as error:
        dataclasses.replace(
            v1_calculation(),
            measurements=(MeasurementEntry(START, D(1)), MeasurementEntry(START, D(2))),
        )
    assert _code(error) == "duplicate_measurement"
    assert "two measurements for 2026-01" in str(error.value)


def test_input_change_for_an_unknown_key() -> None:
    with pytest.raises(TrackerValidationError) as error:
        v1_calculation(extra_changes=(InputChange("headcount", M("2026-03"), D(3)),))
    assert _code(error) == "unknown_input"
    assert "'headcount'" in str(error.value)


def test_input_without_a_value_at_the_contract_start() -> None:
    calculation = dataclasses.replace(
        v1_calculation(),
        input_changes=(
            InputChange("reps", M("2026-02"), D(10)),
            InputChange("cost_per_rep_month", START, D(10000)),
        ),
    )
    with pytest.raises(TrackerValidationError) as error:
        single_calculation_tracker(calculation)
    assert _code(error) == "input_without_start_value"
    assert "'reps'" in str(error.value)


def test_an_input_may_not_shadow_a_formula_name() -> None:
    with pytest.raises(TrackerValidationError) as error:
        dataclasses.replace(
            v1_calculation(),
            inputs=(InputDefinition("delta", "Delta", "x"),),
            input_changes=(),
        )
    assert _code(error) == "reserved_input_key"


@pytest.mark.parametrize(
    ("ramp", "code"),
    [
        ((RampStep(0, D("0.5")),), "invalid_ramp"),
        ((RampStep(1, D("1.5")),), "invalid_ramp"),
        ((RampStep(2, D("0.5")), RampStep(2, D("0.7"))), "invalid_ramp"),
    ],
)
def test_invalid_ramp_steps(ramp: tuple[RampStep, ...], code: str) -> None:
    with pytest.raises(TrackerValidationError) as error:
        v1_calculation(ramp=ramp)
    assert _code(error) == code


def test_ramp_step_after_the_contract() -> None:
    with pytest.raises(TrackerValidationError) as error:
        single_calculation_tracker(v1_calculation(ramp=(RampStep(13, D(1)),)))
    assert _code(error) == "invalid_ramp"


@pytest.mark.parametrize(
    "fees",
    [
        Fees(D(-1)),
        Fees(D("10.001")),
        Fees(D(0), one_time=(OneTimeFee(M("2027-01"), D(5), "late"),)),
    ],
)
def test_invalid_fees(fees: Fees) -> None:
    with pytest.raises(TrackerValidationError) as error:
        single_calculation_tracker(v1_calculation(), fees=fees)
    assert _code(error) in {"invalid_fee", "month_outside_period"}


def test_unknown_currency() -> None:
    with pytest.raises(UnknownCurrencyError):
        single_calculation_tracker(v1_calculation(), currency="XYZ")


def test_duplicate_calculation_ids_across_use_cases() -> None:
    tracker = single_calculation_tracker(v1_calculation())
    second = UseCaseSpec("u2", "Other", UseCaseStatus.ACTIVE, (v1_calculation(),))
    with pytest.raises(TrackerValidationError) as error:
        dataclasses.replace(tracker, use_cases=(*tracker.use_cases, second))
    assert _code(error) == "duplicate_id"


def test_metric_without_target_is_allowed() -> None:
    metric = ImprovementMetric("m", "u", D(1), v1_calculation().metric.direction)
    assert metric.target is None
