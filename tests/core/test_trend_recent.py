"""The trend a CSM acts on (issue 20): whole series, recent window, headline, stall month.

The table is the rule's contract (README "Trend"): each series with its whole-series,
recent and headline class, and the month a recent stall or decline began. Lower-is-better
rows mirror higher-is-better ones around the baseline.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import START, single_calculation_tracker, v1_calculation
from valuecalc_core.months import Month
from valuecalc_core.report import tracker_report
from valuecalc_core.review import FindingKind
from valuecalc_core.tracker_model import Direction, ImprovementMetric
from valuecalc_core.trend import (
    FLAT_SHARE,
    RECENT_MEASUREMENTS,
    Trend,
    TrendReading,
    read_measured,
)

D = Decimal
HIGHER = ImprovementMetric("tickets", "t/day", D(100), Direction.HIGHER_IS_BETTER)
LOWER = ImprovementMetric("tickets", "t/day", D(100), Direction.LOWER_IS_BETTER)

S, A, F, DE, V, I = (  # noqa: E741
    Trend.STEADY_CLIMB,
    Trend.ACCELERATING,
    Trend.FLAT,
    Trend.DECLINING,
    Trend.VOLATILE,
    Trend.INSUFFICIENT_DATA,
)

# values, whole, recent, headline, since (position among the measured months) or None
TABLE: list[tuple[tuple[int, ...], Trend, Trend, Trend, int | None]] = [
    # The issue's stall: climbed, flat for the last 4 months (since the 3rd month).
    ((120, 140, 160, 160, 160, 160), S, F, F, 2),
    # One dip, then a steady climb: not accelerating.
    ((110, 120, 115, 130, 140, 150), S, S, S, None),
    ((110, 120, 130, 140, 150, 160), S, S, S, None),
    ((101, 102, 104, 110, 125, 150), A, A, A, None),
    # Gains, then a decline from the peak in the 4th month.
    ((100, 140, 180, 220, 210, 200, 190), S, DE, DE, 3),
    ((160, 150, 140, 130, 120), DE, DE, DE, None),
    ((100, 130, 100, 130, 100, 130), V, V, V, None),
    ((100, 101, 100, 101, 100), F, F, F, None),
    ((120, 140), I, I, I, None),
    # Three or four measurements: the recent window is the whole series.
    ((120, 160, 160, 160), S, S, S, None),
]


def _series(values: tuple[int, ...], mirrored: bool) -> list[tuple[Month, Decimal]]:
    return [(START + i, D(200 - v if mirrored else v)) for i, v in enumerate(values)]


@pytest.mark.parametrize("mirrored", [False, True], ids=["higher_is_better", "lower_is_better"])
@pytest.mark.parametrize(("values", "whole", "recent", "headline", "since"), TABLE)
def test_example_table(
    values: tuple[int, ...],
    whole: Trend,
    recent: Trend,
    headline: Trend,
    since: int | None,
    mirrored: bool,
) -> None:
    reading = read_measured(LOWER if mirrored else HIGHER, _series(values, mirrored))
    assert (reading.whole, reading.recent, reading.headline) == (whole, recent, headline)
    assert reading.since == since
    if since is not None:
        assert reading.since_count == len(values) - since


def test_the_issue_stall_reads_flat_for_the_last_four_months() -> None:
    reading = read_measured(HIGHER, _series((120, 140, 160, 160, 160, 160), False))
    assert reading == TrendReading(S, F, F, RECENT_MEASUREMENTS, since=2, since_count=4)


def test_the_report_and_its_review_name_the_month_the_improvement_stopped() -> None:
    measurements = dict(
        zip(
            ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"],
            ["120", "140", "160", "160", "160", "160"],
            strict=True,
        )
    )
    calculation = v1_calculation(measurements=measurements)
    report = tracker_report(single_calculation_tracker(calculation), Month.parse("2026-06"))
    calc = report.use_cases[0].calculations[0]
    assert calc.trend.headline is Trend.FLAT
    stalled = [f for f in report.findings if f.kind is FindingKind.STALLED]
    assert [(f.month, f.calculation_id) for f in stalled] == [(Month.parse("2026-03"), "v1")]
    assert stalled[0].detail.startswith("Stalled since 2026-03: no improvement over the last 4")


def test_a_recent_decline_is_a_finding_from_its_peak() -> None:
    values = ["100", "140", "180", "220", "210", "200", "190"]
    months = [str(START + i) for i in range(len(values))]
    calculation = v1_calculation(measurements=dict(zip(months, values, strict=True)))
    report = tracker_report(single_calculation_tracker(calculation), START + 6)
    declines = [f for f in report.findings if f.kind is FindingKind.RECENT_DECLINE]
    assert [f.month for f in declines] == [START + 3]


values_strategy = st.lists(st.integers(-500, 500), min_size=3, max_size=14)
directions = st.sampled_from(list(Direction))


@given(values_strategy, st.integers(-300, 300), directions)
def test_mirroring_around_the_baseline_under_the_other_direction_changes_nothing(
    values: list[int], baseline: int, direction: Direction
) -> None:
    other = (
        Direction.LOWER_IS_BETTER
        if direction is Direction.HIGHER_IS_BETTER
        else Direction.HIGHER_IS_BETTER
    )
    metric = ImprovementMetric("m", "u", D(baseline), direction)
    mirror = ImprovementMetric("m", "u", D(baseline), other)
    series = [(START + i, D(v)) for i, v in enumerate(values)]
    mirrored = [(m, 2 * D(baseline) - v) for m, v in series]
    assert read_measured(metric, series) == read_measured(mirror, mirrored)


@given(values_strategy, st.integers(1, 300), directions)
def test_repeating_the_last_value_ends_in_a_recent_flat(
    values: list[int], baseline: int, direction: Direction
) -> None:
    metric = ImprovementMetric("m", "u", D(baseline), direction)
    padded = values + [values[-1]] * (RECENT_MEASUREMENTS - 1)
    reading = read_measured(metric, [(START + i, D(v)) for i, v in enumerate(padded)])
    assert reading.recent is Trend.FLAT
    if reading.headline is Trend.FLAT and reading.since is not None:
        assert reading.since <= len(padded) - RECENT_MEASUREMENTS


@given(
    st.integers(3, 24),
    st.decimals(D("0.01"), D(1000), places=2),
    st.integers(-1000, 1000),
    st.integers(-1000, 1000),
    directions,
)
def test_constant_steps_never_read_volatile_or_accelerating(
    count: int, step: Decimal, start: int, baseline: int, direction: Direction
) -> None:
    """A strictly improving series with constant steps is a steady climb, except that it
    is `flat` (by definition) where the window moved no more than FLAT_SHARE of the scale."""
    metric = ImprovementMetric("m", "u", D(baseline), direction)
    sign = 1 if direction is Direction.HIGHER_IS_BETTER else -1
    series = [(START + i, D(start) + sign * i * step) for i in range(count)]
    reading = read_measured(metric, series)
    scale = abs(D(baseline)) or max(abs(v) for _, v in series) or D(1)
    for trend, changes in (
        (reading.whole, count - 1),
        (reading.recent, min(count, RECENT_MEASUREMENTS) - 1),
    ):
        expected = Trend.FLAT if changes * step <= FLAT_SHARE * scale else Trend.STEADY_CLIMB
        assert trend is expected
    assert reading.headline in (Trend.STEADY_CLIMB, Trend.FLAT)


@given(values_strategy, st.integers(-300, 300), directions)
def test_the_headline_is_the_whole_class_unless_a_recent_stall_or_decline_follows_gains(
    values: list[int], baseline: int, direction: Direction
) -> None:
    metric = ImprovementMetric("m", "u", D(baseline), direction)
    reading = read_measured(metric, [(START + i, D(v)) for i, v in enumerate(values)])
    overridden = reading.whole in (S, A, V) and reading.recent in (F, DE)
    assert reading.headline is (reading.recent if overridden else reading.whole)
    assert (reading.since is not None) == overridden
