"""CS-qualified leads summary and the quick-ratio bands' edges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from valuecalc_core.months import Month, Period
from valuecalc_core.revenue import (
    Customer,
    FxRates,
    InvalidLedgerError,
    Lead,
    LeadStatus,
    MixedCurrenciesError,
    MovementTotals,
    QuickRatioBand,
    RevenuePeriod,
    summarize_leads,
)
from valuecalc_core.revenue.quick_ratio import quick_ratio

D = Decimal
Q1 = RevenuePeriod.of_months(Period.parse("2026-01", "2026-03"))
CUSTOMERS = (Customer("acme", "Acme", "USD"), Customer("bmw", "BMW", "EUR"))


def test_lead_summary_counts_deals_revenue_and_win_rate() -> None:
    leads = [
        Lead("l1", "acme", date(2026, 1, 10), LeadStatus.WON, D("12000.00")),
        Lead("l2", "acme", date(2026, 2, 10), LeadStatus.LOST),
        Lead("l3", "acme", date(2026, 3, 10), LeadStatus.OPEN),
        Lead("l4", "acme", date(2026, 3, 11), LeadStatus.WON, D("3000.00")),
        Lead("l5", "acme", date(2026, 4, 1), LeadStatus.WON, D("99999")),  # after Q1
    ]
    summary = summarize_leads(leads, CUSTOMERS[:1], Q1)
    assert (summary.raised, summary.open, summary.closed_deals, summary.lost) == (4, 1, 2, 1)
    assert summary.closed_revenue == D("15000.00")
    assert summary.win_rate.rounded() == D("0.6667")
    assert summary.currency == "USD"


def test_lead_revenue_in_several_currencies_needs_rates() -> None:
    leads = [
        Lead("l1", "acme", date(2026, 1, 10), LeadStatus.WON, D("100")),
        Lead("l2", "bmw", date(2026, 2, 10), LeadStatus.WON, D("100")),
    ]
    with pytest.raises(MixedCurrenciesError, match="several currencies"):
        summarize_leads(leads, CUSTOMERS, Q1)
    rates = FxRates("USD", {("EUR", Month.parse("2026-02")): D("1.25")})
    assert summarize_leads(leads, CUSTOMERS, Q1, fx=rates).closed_revenue == D("225.00")


def test_no_closed_lead_leaves_the_win_rate_undefined() -> None:
    summary = summarize_leads(
        [Lead("l1", "acme", date(2026, 1, 1), LeadStatus.OPEN)], CUSTOMERS, Q1
    )
    assert summary.win_rate.value is None


def test_bad_leads_are_refused_with_codes() -> None:
    leads = [
        Lead("l1", "acme", date(2026, 1, 1), LeadStatus.WON),
        Lead("l2", "acme", date(2026, 1, 1), LeadStatus.LOST, D(5)),
        Lead("l2", "ghost", date(2026, 1, 1), LeadStatus.OPEN),
    ]
    with pytest.raises(InvalidLedgerError) as error:
        summarize_leads(leads, CUSTOMERS, Q1)
    assert error.value.codes == (
        "invalid_closed_revenue",
        "invalid_closed_revenue",
        "duplicate_id",
        "unknown_customer",
    )


@pytest.mark.parametrize(
    ("gained", "lost", "band"),
    [
        ("199", "100", QuickRatioBand.BAD),
        ("200", "100", QuickRatioBand.HEALTHY),
        ("400", "100", QuickRatioBand.HEALTHY),
        ("401", "100", QuickRatioBand.STRONG),
        ("0", "100", QuickRatioBand.BAD),
        ("500", "0", QuickRatioBand.UNDEFINED),
        ("0", "0", QuickRatioBand.UNDEFINED),
    ],
)
def test_quick_ratio_bands(gained: str, lost: str, band: QuickRatioBand) -> None:
    result = quick_ratio(MovementTotals(new=D(gained), churn=D(lost)))
    assert result.band is band
    assert (result.ratio.value is None) == (band is QuickRatioBand.UNDEFINED)
