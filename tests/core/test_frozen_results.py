"""A tracker report's results stay frozen dataclasses although `fast_init` builds them."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from decimal import Decimal

import pytest

from tests.strategies import single_calculation_tracker, v1_calculation
from valuecalc_core.months import Month
from valuecalc_core.report import tracker_report


def test_report_results_are_frozen_equal_and_copyable() -> None:
    tracker = single_calculation_tracker(v1_calculation(target=Decimal(150)))
    as_of = tracker.period.last
    report = tracker_report(tracker, as_of)
    again = tracker_report(tracker, as_of)
    calculation = report.use_cases[0].calculations[0]
    results = [
        calculation,
        calculation.table,
        calculation.table.inputs[0],
        calculation.table.timeline,
        calculation.projection,
        calculation.comparison,
        calculation.trend,
        report.use_cases[0],
        report.use_cases[0].table,
        *calculation.findings,
    ]
    assert calculation.projection is not None
    assert calculation.findings  # the months after the last measurement are missing ones
    for result in results:
        assert dataclasses.is_dataclass(result)
        field = dataclasses.fields(result)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(result, field, None)
        assert copy.copy(result) == result
        assert pickle.loads(pickle.dumps(result)) == result  # noqa: S301 - bytes made here
    assert again == report
    assert hash(calculation.trend) == hash(again.use_cases[0].calculations[0].trend)
    finding = calculation.findings[0]
    moved = dataclasses.replace(finding, month=Month.parse("2030-01"))
    assert (moved.month, moved.kind, moved.detail) == (
        Month.parse("2030-01"),
        finding.kind,
        finding.detail,
    )
