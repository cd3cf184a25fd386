"""A tracker whose active use case has no calculation yet still reports (the projection
skips the part that covers nothing)."""

from __future__ import annotations

from decimal import Decimal

from tests.strategies import single_calculation_tracker, v1_calculation
from valuecalc_core.months import Month
from valuecalc_core.report import tracker_report
from valuecalc_core.tracker_model import RampStep, TrackerSpec, UseCaseSpec, UseCaseStatus


def test_an_empty_active_use_case_neither_fails_nor_changes_the_figures() -> None:
    calculation = v1_calculation(target=Decimal(150), ramp=(RampStep(1, Decimal(1)),))
    alone = single_calculation_tracker(calculation)
    empty = UseCaseSpec("u2", "Onboarding", UseCaseStatus.ACTIVE, ())
    both = TrackerSpec(
        alone.id,
        alone.name,
        alone.currency,
        alone.period,
        alone.fees,
        (*alone.use_cases, empty),
        alone.missing_months,
    )
    as_of = Month.parse("2026-03")
    expected = tracker_report(alone, as_of).comparison
    report = tracker_report(both, as_of).comparison
    assert report.total_realized == expected.total_realized == Decimal("109000.00")
    assert report.projected == expected.projected
    assert report.total_projected == expected.total_projected
