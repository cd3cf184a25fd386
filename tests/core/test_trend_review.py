"""Trend classes and the data-quality review, each on a hand-built series (SPEC 3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.strategies import START, single_calculation_tracker, v1_calculation
from valuecalc_core.months import Month
from valuecalc_core.report import tracker_report
from valuecalc_core.review import (
    CalculationAnnotations,
    Finding,
    FindingKind,
    review_calculation,
)
from valuecalc_core.timeline import Provenance
from valuecalc_core.tracker_model import Direction, ImprovementMetric
from valuecalc_core.trend import Trend, classify_trend

D = Decimal
M = Month.parse

HIGHER = ImprovementMetric("tickets", "t/day", D(100), Direction.HIGHER_IS_BETTER)
LOWER = ImprovementMetric("minutes", "min", D(40), Direction.LOWER_IS_BETTER)


def _series(*values: str, gaps: tuple[int, ...] = ()) -> list[tuple[Month, Decimal]]:
    months, month = [], START
    for index in range(len(values)):
        months.append(month)
        month = month + (1 + (index in gaps))
    return [(m, D(v)) for m, v in zip(months, values, strict=True)]


@pytest.mark.parametrize(
    ("metric", "values", "expected"),
    [
        (HIGHER, ("100", "110", "120", "130"), Trend.STEADY_CLIMB),
        (HIGHER, ("100", "102", "106", "115", "130"), Trend.ACCELERATING),
        (HIGHER, ("100", "101", "100", "102"), Trend.FLAT),
        (HIGHER, ("150", "140", "130"), Trend.DECLINING),
        (HIGHER, ("100", "130", "100", "130", "100"), Trend.VOLATILE),
        (HIGHER, ("100", "158"), Trend.INSUFFICIENT_DATA),
        (LOWER, ("40", "35", "30", "25"), Trend.STEADY_CLIMB),
        (LOWER, ("25", "30", "35"), Trend.DECLINING),
    ],
)
def test_trend_classes(metric: ImprovementMetric, values: tuple[str, ...], expected: Trend) -> None:
    assert classify_trend(metric, _series(*values)) is expected


def test_acceleration_is_per_calendar_month_so_a_gap_is_not_a_jump() -> None:
    # +10, +10, then +20 over two months (a gap): the same pace, not acceleration.
    assert classify_trend(HIGHER, _series("100", "110", "120", "140", gaps=(2,))) is (
        Trend.STEADY_CLIMB
    )
    assert classify_trend(HIGHER, _series("100", "110", "120", "140")) is Trend.ACCELERATING


def test_trend_ignores_carried_months() -> None:
    calculation = v1_calculation(measurements={"2026-01": "121", "2026-02": "130"})
    report = tracker_report(single_calculation_tracker(calculation), M("2026-12"))
    # Ten carried months of 130 do not make a third measurement.
    assert report.use_cases[0].calculations[0].trend.headline is Trend.INSUFFICIENT_DATA


def _review(
    values: list[str | None],
    estimates: tuple[int, ...] = (),
    annotations: CalculationAnnotations | None = None,
) -> tuple[Finding, ...]:
    months = [START + i for i in range(len(values))]
    metric: list[Decimal | None] = []
    provenance: list[Provenance] = []
    current: Decimal | None = None
    for index, value in enumerate(values):
        if value is None:
            metric.append(current)
            provenance.append(Provenance.NONE if current is None else Provenance.CARRIED)
        else:
            current = D(value)
            metric.append(current)
            provenance.append(Provenance.ESTIMATE if index in estimates else Provenance.MEASURED)
    return review_calculation(
        "c1", D(100), months, metric, provenance, annotations or CalculationAnnotations()
    )


def _kinds(findings: tuple[Finding, ...]) -> list[tuple[FindingKind, str]]:
    return [(f.kind, str(f.month)) for f in findings]


def test_missing_months_include_carried_and_before_the_first_measurement() -> None:
    findings = _review([None, "100", "101", None, "102"])
    assert _kinds(findings) == [
        (FindingKind.MISSING_MONTH, "2026-01"),
        (FindingKind.MISSING_MONTH, "2026-04"),
    ]


def test_spike_by_modified_z_score_and_without_context() -> None:
    findings = _review(["100", "102", "104", "106", "150", "152", "154"])
    assert _kinds(findings) == [
        (FindingKind.SPIKE, "2026-05"),
        (FindingKind.SPIKE_WITHOUT_CONTEXT, "2026-05"),
    ]
    spike = findings[0]
    assert spike.value == D(150)
    assert spike.score is not None
    assert spike.score > D("3.5")


def test_a_spike_with_evidence_or_a_note_only_needs_a_look() -> None:
    values: list[str | None] = ["100", "102", "104", "106", "150", "152", "154"]
    with_evidence = CalculationAnnotations(evidence_months=frozenset({M("2026-05")}))
    assert _kinds(_review(values, annotations=with_evidence)) == [(FindingKind.SPIKE, "2026-05")]
    with_note = CalculationAnnotations(note_months=frozenset({M("2026-05")}))
    assert _kinds(_review(values, annotations=with_note)) == [(FindingKind.SPIKE, "2026-05")]


def test_steady_changes_are_not_spikes() -> None:
    assert _review(["100", "102", "104", "106", "108", "111", "113"]) == ()


@pytest.mark.parametrize(
    ("suspect", "factor"),
    [("720", "7"), ("515", "5"), ("3000", "30"), ("21", "0.2"), ("4.1", "0.04")],
)
def test_suspected_unit_mistakes(suspect: str, factor: str) -> None:
    findings = _review(["100", "102", suspect, "104", "106"])
    units = [f for f in findings if f.kind is FindingKind.SUSPECTED_UNIT_MISTAKE]
    assert [str(f.month) for f in units] == ["2026-03"]
    assert units[0].score is not None
    ratio = units[0].score
    assert abs(ratio - D(factor)) <= D("0.1") * D(factor)


def test_a_doubling_is_not_a_unit_mistake() -> None:
    findings = _review(["100", "102", "204", "104", "106"])
    assert FindingKind.SUSPECTED_UNIT_MISTAKE not in {f.kind for f in findings}


def test_estimates_without_a_note() -> None:
    findings = _review(["100", "101", "102"], estimates=(1,))
    assert _kinds(findings) == [(FindingKind.ESTIMATE_WITHOUT_NOTE, "2026-02")]
    noted = CalculationAnnotations(note_months=frozenset({M("2026-02")}))
    assert _review(["100", "101", "102"], estimates=(1,), annotations=noted) == ()
    # Evidence is not a note saying how the value was estimated.
    evidenced = CalculationAnnotations(evidence_months=frozenset({M("2026-02")}))
    assert _kinds(_review(["100", "101", "102"], estimates=(1,), annotations=evidenced)) == [
        (FindingKind.ESTIMATE_WITHOUT_NOTE, "2026-02")
    ]


def test_tracker_report_reviews_with_annotations_by_calculation() -> None:
    calculation = v1_calculation(measurements={"2026-01": "121", "2026-03": "158"})
    tracker = single_calculation_tracker(calculation)
    report = tracker_report(tracker, M("2026-04"))
    assert _kinds(report.findings) == [
        (FindingKind.MISSING_MONTH, "2026-02"),
        (FindingKind.MISSING_MONTH, "2026-04"),
    ]
    assert all(f.calculation_id == "v1" for f in report.findings)
