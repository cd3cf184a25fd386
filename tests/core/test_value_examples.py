"""SPEC 3's worked examples V1-V3, to the cent, plus zero- and three-decimal currencies."""

from __future__ import annotations

from decimal import Decimal

from tests.strategies import START, single_calculation_tracker, v1_calculation
from valuecalc_core.measurement_table import (
    CARRIED_MONTH_NO_BENEFIT,
    NO_MEASUREMENT,
    calculation_table,
    tracker_table,
)
from valuecalc_core.money import quantize_ratio
from valuecalc_core.months import Month
from valuecalc_core.timeline import Provenance
from valuecalc_core.tracker_model import (
    BenefitKind,
    CalculationSpec,
    Direction,
    ImprovementMetric,
    InputChange,
    InputDefinition,
    MeasurementEntry,
    MissingMonthsPolicy,
)

D = Decimal
M = Month.parse


def test_v1_the_seeds_sentence() -> None:
    tracker = single_calculation_tracker(v1_calculation())
    table = tracker_table(tracker, M("2026-03"))
    calc = table.use_cases[0].calculations[0]
    assert calc.months == (M("2026-01"), M("2026-02"), M("2026-03"))
    assert calc.benefit == (D("21000.00"), D("30000.00"), D("58000.00"))
    assert [str(b) for b in calc.benefit] == ["21000.00", "30000.00", "58000.00"]
    assert calc.total_benefit == D("109000.00")
    assert str(calc.total_benefit) == "109000.00"
    assert str(quantize_ratio(calc.improvement[2] or D(0))) == "0.5800"
    assert calc.improvement_rounded()[2] == D("0.5800")
    assert calc.delta == (D(21), D(30), D(58))
    assert calc.cumulative_benefit == (D("21000.00"), D("51000.00"), D("109000.00"))
    assert calc.provenance == (Provenance.MEASURED,) * 3
    reps, cost = calc.inputs
    assert (reps.key, reps.values) == ("reps", (D(10),) * 3)
    assert (cost.key, cost.values) == ("cost_per_rep_month", (D(10000),) * 3)
    assert table.total_benefit == D("109000.00")
    assert table.use_cases[0].total_benefit == D("109000.00")


def _v2_calculation() -> CalculationSpec:
    return v1_calculation(
        measurements={"2026-01": "121", "2026-02": "130", "2026-03": "158", "2026-06": "150"},
        extra_changes=(InputChange("reps", M("2026-06"), D(15)),),
    )


def test_v2_carry_forward_of_measurements_and_inputs() -> None:
    tracker = single_calculation_tracker(_v2_calculation())
    calc = calculation_table(_v2_calculation(), tracker, M("2026-08"))
    assert [str(m) for m in calc.months] == [f"2026-0{i}" for i in range(1, 9)]
    assert calc.metric == tuple(D(v) for v in (121, 130, 158, 158, 158, 150, 150, 150))
    assert calc.provenance == (
        Provenance.MEASURED,
        Provenance.MEASURED,
        Provenance.MEASURED,
        Provenance.CARRIED,
        Provenance.CARRIED,
        Provenance.MEASURED,
        Provenance.CARRIED,
        Provenance.CARRIED,
    )
    assert calc.inputs[0].values == (D(10),) * 5 + (D(15),) * 3
    assert calc.benefit == (
        D("21000.00"),
        D("30000.00"),
        D("58000.00"),
        D("58000.00"),
        D("58000.00"),
        D("75000.00"),
        D("75000.00"),
        D("75000.00"),
    )
    assert calc.total_benefit == D("450000.00")
    assert calc.no_benefit_reason == (None,) * 8
    assert calc.error == (None,) * 8


def test_v2_under_no_benefit_policy_carried_months_realize_nothing() -> None:
    tracker = single_calculation_tracker(
        _v2_calculation(), missing_months=MissingMonthsPolicy.NO_BENEFIT
    )
    calc = tracker_table(tracker, M("2026-08")).use_cases[0].calculations[0]
    assert calc.benefit == (
        D("21000.00"),
        D("30000.00"),
        D("58000.00"),
        None,
        None,
        D("75000.00"),
        None,
        None,
    )
    assert calc.provenance[3] is Provenance.CARRIED
    assert calc.no_benefit_reason[3] == CARRIED_MONTH_NO_BENEFIT
    assert calc.total_benefit == D("184000.00")


def test_as_of_after_the_contract_is_clipped_and_months_before_a_measurement_say_why() -> None:
    calculation = v1_calculation(measurements={"2026-03": "158"})
    tracker = single_calculation_tracker(calculation, last="2026-04")
    calc = calculation_table(calculation, tracker, M("2027-06"))
    assert len(calc.months) == 4
    assert calc.provenance[:2] == (Provenance.NONE, Provenance.NONE)
    assert calc.benefit == (None, None, D("58000.00"), D("58000.00"))
    assert calc.no_benefit_reason[:2] == (NO_MEASUREMENT, NO_MEASUREMENT)


def test_as_of_before_the_contract_gives_an_empty_table() -> None:
    tracker = single_calculation_tracker(v1_calculation())
    table = tracker_table(tracker, M("2025-12"))
    assert table.months == ()
    assert table.total_benefit == D(0)


def _v3_calculation(baseline: str = "40", measured: str = "30") -> CalculationSpec:
    return CalculationSpec(
        id="v3",
        name="Minutes per task",
        kind=BenefitKind.COST_SAVINGS,
        metric=ImprovementMetric("minutes per task", "min", D(baseline), Direction.LOWER_IS_BETTER),
        formula="delta / 60 * tasks_per_month * hourly_cost",
        inputs=(
            InputDefinition("tasks_per_month", "Tasks per month", "tasks"),
            InputDefinition("hourly_cost", "Hourly cost", "per hour"),
        ),
        input_changes=(
            InputChange("tasks_per_month", START, D(2000)),
            InputChange("hourly_cost", START, D(50)),
        ),
        measurements=(MeasurementEntry(START, D(measured)),),
    )


def test_v3_lower_is_better_and_half_even_rounding() -> None:
    tracker = single_calculation_tracker(_v3_calculation())
    calc = calculation_table(_v3_calculation(), tracker, START)
    assert calc.delta == (D(10),)
    assert calc.improvement_rounded() == (D("0.2500"),)
    assert calc.benefit == (D("16666.67"),)
    assert str(calc.total_benefit) == "16666.67"


def test_jpy_has_no_decimals() -> None:
    tracker = single_calculation_tracker(_v3_calculation(), currency="JPY")
    calc = calculation_table(_v3_calculation(), tracker, START)
    # 16666.666... yen rounds to 16667 yen.
    assert calc.benefit == (D("16667"),)
    assert str(calc.benefit[0]) == "16667"


def test_kwd_has_three_decimals() -> None:
    tracker = single_calculation_tracker(_v3_calculation(), currency="KWD")
    calc = calculation_table(_v3_calculation(), tracker, START)
    assert str(calc.benefit[0]) == "16666.667"


def test_a_half_minor_unit_rounds_to_even_once_per_month() -> None:
    # 1 minute saved on 3 tasks at 2.5 an hour: 0.125 per month -> 0.12 (half to even),
    # and the total is the sum of the rounded months (0.24), not round(0.25).
    calculation = CalculationSpec(
        id="h",
        name="Half cents",
        kind=BenefitKind.OTHER,
        metric=ImprovementMetric("minutes", "min", D(2), Direction.LOWER_IS_BETTER),
        formula="delta / 60 * tasks * rate * 60",
        inputs=(InputDefinition("tasks", "Tasks", "t"), InputDefinition("rate", "Rate", "r")),
        input_changes=(
            InputChange("tasks", START, D(1)),
            InputChange("rate", START, D("0.125")),
        ),
        measurements=(MeasurementEntry(START, D(1)),),
    )
    tracker = single_calculation_tracker(calculation, last="2026-02")
    calc = calculation_table(calculation, tracker, M("2026-02"))
    assert calc.benefit == (D("0.12"), D("0.12"))
    assert calc.total_benefit == D("0.24")


def test_negative_benefits_are_kept() -> None:
    calculation = v1_calculation(measurements={"2026-01": "90"})
    tracker = single_calculation_tracker(calculation)
    calc = calculation_table(calculation, tracker, START)
    assert calc.delta == (D(-10),)
    assert calc.benefit == (D("-10000.00"),)
