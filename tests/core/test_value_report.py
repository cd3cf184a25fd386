"""Use-case and tracker totals (only active use cases count) and the portfolio across currencies."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from tests.strategies import single_calculation_tracker, v1_calculation
from valuecalc_core.measurement_table import tracker_table, use_case_table
from valuecalc_core.money import CurrencyMismatchError
from valuecalc_core.months import Month
from valuecalc_core.report import not_counted, portfolio_report, tracker_report
from valuecalc_core.review import FindingKind
from valuecalc_core.tracker_model import (
    BenefitKind,
    Fees,
    TrackerSpec,
    UseCaseSpec,
    UseCaseStatus,
)

D = Decimal
M = Month.parse


def _tracker_with_statuses() -> TrackerSpec:
    first = v1_calculation()
    second = dataclasses.replace(
        v1_calculation(measurements={"2026-01": "110", "2026-02": "110", "2026-03": "110"}),
        id="v1b",
        kind=BenefitKind.REVENUE_INCREASE,
    )
    tracker = single_calculation_tracker(first, fees=Fees(D("10000.00")))
    use_cases = (
        UseCaseSpec("active", "Support", UseCaseStatus.ACTIVE, (first, second)),
        UseCaseSpec(
            "inactive",
            "Old",
            UseCaseStatus.INACTIVE,
            (dataclasses.replace(first, id="old"),),
        ),
        UseCaseSpec("draft", "New", UseCaseStatus.DRAFT, (dataclasses.replace(first, id="new"),)),
    )
    return dataclasses.replace(tracker, use_cases=use_cases)


def test_use_case_stacks_its_calculations_and_sums_them() -> None:
    table = tracker_table(_tracker_with_statuses(), M("2026-03"))
    active = table.use_cases[0]
    assert [c.calculation.id for c in active.calculations] == ["v1", "v1b"]
    assert active.benefit == (D("31000.00"), D("40000.00"), D("68000.00"))
    assert active.total_benefit == D("139000.00")
    assert active.counted
    alone = use_case_table(
        _tracker_with_statuses().use_cases[0], _tracker_with_statuses(), M("2026-03")
    )
    assert alone.benefit == active.benefit


def test_inactive_and_draft_use_cases_are_shown_but_not_counted() -> None:
    table = tracker_table(_tracker_with_statuses(), M("2026-03"))
    assert [(u.use_case.id, u.counted) for u in table.use_cases] == [
        ("active", True),
        ("inactive", False),
        ("draft", False),
    ]
    assert table.use_cases[1].total_benefit == D("109000.00")
    assert table.benefit == (D("31000.00"), D("40000.00"), D("68000.00"))
    assert table.total_benefit == D("139000.00")

    report = tracker_report(_tracker_with_statuses(), M("2026-03"))
    assert report.roi.total_benefit == D("139000.00")
    assert report.comparison.total_realized == D("139000.00")
    assert report.roi.total_cost == D("30000.00")
    assert report.roi.value_multiple.value == D("4.633333333333333333333333333333333")
    counted_findings = {
        f for f in report.findings if f.kind is not FindingKind.MEASURED_NOT_COUNTED
    }
    assert {f.calculation_id for f in counted_findings} <= {"v1", "v1b"}
    # The not-active use cases' measurements are flagged, once per calculation.
    flagged = [
        (f.calculation_id, str(f.month))
        for f in report.findings
        if f.kind is FindingKind.MEASURED_NOT_COUNTED
    ]
    assert flagged == [("old", "2026-01"), ("new", "2026-01")]
    apart = {
        part.status.value: (part.use_case_ids, part.realized) for part in not_counted(report.table)
    }
    assert apart == {
        "draft": (("draft",), D("109000.00")),
        "inactive": (("inactive",), D("109000.00")),
    }


def test_each_use_case_s_roi_is_its_benefit_alone_against_the_whole_contract_s_cost() -> None:
    report = tracker_report(_tracker_with_statuses(), M("2026-03"))
    active, inactive, draft = report.use_cases
    assert active.roi.total_benefit == D("139000.00")
    assert inactive.roi.total_benefit == D("109000.00")
    assert draft.roi.total_benefit == D("109000.00")
    # The cost is the tracker's: 10,000.00 a month for three months, whichever use case.
    assert {u.roi.total_cost for u in report.use_cases} == {D("30000.00")}
    assert active.roi.value_multiple.value == D("4.633333333333333333333333333333333")
    assert inactive.roi.net_roi.value == D("2.633333333333333333333333333333333")


def _currency_tracker(ident: str, currency: str, fee: str) -> TrackerSpec:
    tracker = single_calculation_tracker(v1_calculation(), currency=currency, fees=Fees(D(fee)))
    return dataclasses.replace(tracker, id=ident, name=f"Customer {ident}")


def test_portfolio_sums_only_within_one_currency() -> None:
    trackers = [
        _currency_tracker("a", "USD", "10000"),
        _currency_tracker("b", "EUR", "5000"),
        _currency_tracker("c", "USD", "20000"),
    ]
    report = portfolio_report(trackers, M("2026-03"))
    assert [s.tracker_id for s in report.trackers] == ["a", "b", "c"]
    by_currency = {c.currency: c for c in report.currencies}
    assert set(by_currency) == {"EUR", "USD"}
    usd = by_currency["USD"]
    assert usd.tracker_ids == ("a", "c")
    assert usd.realized == D("218000.00")
    assert str(usd.cost) == "90000.00"
    assert usd.value_multiple.value == D("2.422222222222222222222222222222222")
    eur = by_currency["EUR"]
    assert (eur.realized, eur.cost) == (D("109000.00"), D("15000"))
    with pytest.raises(CurrencyMismatchError) as error:
        report.single_currency_totals()
    assert "EUR, USD" in str(error.value)


def test_portfolio_in_one_currency_has_single_totals() -> None:
    report = portfolio_report(
        [_currency_tracker("a", "JPY", "10000"), _currency_tracker("b", "JPY", "0")],
        M("2026-02"),
    )
    totals = report.single_currency_totals()
    assert totals.realized == D(102000)
    assert totals.cost == D(20000)
    assert report.trackers[1].roi.net_roi.value is None
