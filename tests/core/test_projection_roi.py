"""Projection by ramp, realized vs projected, the cost schedule and the ROI figures (SPEC 3)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from tests.strategies import single_calculation_tracker, v1_calculation
from valuecalc_core.comparison import ProjectionGap
from valuecalc_core.money import quantize_ratio
from valuecalc_core.months import Month
from valuecalc_core.report import tracker_report
from valuecalc_core.roi import NO_COST, NOT_REACHED, cost_schedule
from valuecalc_core.tracker_model import FeeInterval, Fees, OneTimeFee, RampStep

D = Decimal
M = Month.parse

HALF_THEN_FULL = (RampStep(1, D("0.5")), RampStep(4, D(1)))


def test_projection_with_a_50_percent_then_100_percent_ramp() -> None:
    calculation = v1_calculation(target=D(200), ramp=HALF_THEN_FULL)
    report = tracker_report(single_calculation_tracker(calculation), M("2026-05"))
    calc = report.use_cases[0].calculations[0]
    projection = calc.projection
    assert projection is not None
    assert projection.share == (D("0.5"),) * 3 + (D(1),) * 2
    assert projection.metric == (D(150),) * 3 + (D(200),) * 2
    assert projection.benefit == (D("50000.00"),) * 3 + (D("100000.00"),) * 2
    assert projection.total_benefit == D("350000.00")

    comparison = calc.comparison
    assert comparison.realized == (
        D("21000.00"),
        D("30000.00"),
        D("58000.00"),
        D("58000.00"),
        D("58000.00"),
    )
    assert comparison.variance == (
        D("-29000.00"),
        D("-20000.00"),
        D("8000.00"),
        D("-42000.00"),
        D("-42000.00"),
    )
    assert comparison.cumulative_projected == (
        D("50000.00"),
        D("100000.00"),
        D("150000.00"),
        D("250000.00"),
        D("350000.00"),
    )
    assert comparison.cumulative_variance[-1] == D("-125000.00")
    assert comparison.total_realized == D("225000.00")
    assert comparison.total_variance == D("-125000.00")
    assert comparison.incomplete == ()
    assert report.comparison.total_projected == D("350000.00")


def test_without_a_ramp_the_projection_is_the_full_target_from_month_one() -> None:
    calculation = v1_calculation(target=D(150))
    calc = tracker_report(single_calculation_tracker(calculation), M("2026-02"))
    projection = calc.use_cases[0].calculations[0].projection
    assert projection is not None
    assert projection.benefit == (D("50000.00"), D("50000.00"))


def test_months_before_the_first_ramp_step_project_nothing() -> None:
    calculation = v1_calculation(target=D(200), ramp=(RampStep(3, D("0.25")),))
    report = tracker_report(single_calculation_tracker(calculation), M("2026-04"))
    projection = report.use_cases[0].calculations[0].projection
    assert projection is not None
    assert projection.benefit == (D("0.00"), D("0.00"), D("25000.00"), D("25000.00"))


def test_without_a_target_there_is_no_projection_and_the_comparison_says_so() -> None:
    report = tracker_report(single_calculation_tracker(v1_calculation()), M("2026-03"))
    calc = report.use_cases[0].calculations[0]
    assert calc.projection is None
    assert calc.comparison.projected == (None, None, None)
    assert calc.comparison.variance == (None, None, None)
    assert calc.comparison.cumulative_variance == (None, None, None)
    assert calc.comparison.total_projected is None
    assert calc.comparison.total_variance is None  # never "beat the plan by 100 %"
    assert report.comparison.incomplete == ("v1",)
    assert report.comparison.missing == (ProjectionGap("v1", "no_target"),)
    assert report.comparison.covered == ()
    assert report.comparison.total_projected is None
    assert report.comparison.total_variance is None
    assert report.comparison.total_realized == D("109000.00")


def test_a_sum_projects_and_compares_only_the_calculations_with_a_target() -> None:
    planned = v1_calculation(target=D(150))
    unplanned = dataclasses.replace(v1_calculation(), id="v1b")
    tracker = single_calculation_tracker(planned)
    use_case = dataclasses.replace(tracker.use_cases[0], calculations=(planned, unplanned))
    tracker = dataclasses.replace(tracker, use_cases=(use_case,))
    report = tracker_report(tracker, M("2026-03"))
    comparison = report.comparison
    # Realized counts both; projected (50 % of 50 tickets, V1 rates) only the planned one,
    # and the variance compares it with the planned one's realized benefit alone.
    assert comparison.total_realized == D("218000.00")
    assert comparison.total_projected == D("150000.00")
    assert comparison.total_variance == D("109000.00") - D("150000.00")
    assert comparison.covered == ("v1",)
    assert comparison.missing == (ProjectionGap("v1b", "no_target"),)
    assert comparison.calculation_count == 2


def test_yearly_fee_is_spread_so_each_contract_year_sums_exactly_to_the_fee() -> None:
    fees = Fees(D("100000.00"), FeeInterval.YEAR, (OneTimeFee(M("2026-01"), D(5000), "Setup"),))
    tracker = single_calculation_tracker(v1_calculation(), fees=fees, last="2027-06")
    cost = cost_schedule(tracker)
    assert len(cost) == 18
    assert cost[0] == D("13333.33")  # 8333.33 + the one-time 5000
    assert cost[1:11] == (D("8333.33"),) * 10
    assert cost[11] == D("8333.37")  # the 12th month takes the rounding remainder
    assert sum(cost[:12]) == D("105000.00")
    assert cost[12:] == (D("8333.33"),) * 6


def test_yearly_fee_in_yen() -> None:
    fees = Fees(D(100000), FeeInterval.YEAR)
    cost = cost_schedule(single_calculation_tracker(v1_calculation(), fees=fees, currency="JPY"))
    assert cost[:11] == (D(8333),) * 11
    assert cost[11] == D(8337)
    assert sum(cost) == D(100000)


def test_net_roi_value_multiple_and_payback_exact() -> None:
    fees = Fees(D("20000.00"), FeeInterval.MONTH, (OneTimeFee(M("2026-01"), D(5000), "Setup"),))
    report = tracker_report(single_calculation_tracker(v1_calculation(), fees=fees), M("2026-03"))
    roi = report.roi
    assert roi.cost == (D("25000.00"), D("20000.00"), D("20000.00"))
    assert roi.total_cost == D("65000.00")
    assert roi.total_benefit == D("109000.00")
    assert roi.net_roi.numerator == D("44000.00")
    assert roi.net_roi.denominator == D("65000.00")
    # Full precision (34 significant digits); the presentation layer rounds to 4 decimals.
    assert roi.net_roi.value == D("0.6769230769230769230769230769230769")
    assert quantize_ratio(roi.net_roi.value) == D("0.6769")
    assert roi.value_multiple.value is not None
    assert quantize_ratio(roi.value_multiple.value) == D("1.6769")
    assert roi.value_multiple.numerator == D("109000.00")
    # Cumulative benefit 21000, 51000 vs cost 25000, 45000: paid back in February.
    assert roi.payback_month == M("2026-02")
    assert roi.payback_reason is None


def test_payback_not_reached() -> None:
    fees = Fees(D("100000.00"))
    report = tracker_report(single_calculation_tracker(v1_calculation(), fees=fees), M("2026-03"))
    assert report.roi.payback_month is None
    assert report.roi.payback_reason == NOT_REACHED
    assert report.roi.net_roi.value == D("-0.6366666666666666666666666666666667")


def test_no_cost_gives_no_ratio_and_says_why() -> None:
    report = tracker_report(single_calculation_tracker(v1_calculation()), M("2026-03"))
    roi = report.roi
    assert roi.total_cost == D(0)
    assert roi.net_roi.value is None
    assert roi.net_roi.reason == NO_COST
    assert roi.value_multiple.value is None
    assert roi.value_multiple.reason == NO_COST
    assert roi.value_multiple.numerator == D("109000.00")
    assert roi.payback_month is None
    assert roi.payback_reason == NO_COST
