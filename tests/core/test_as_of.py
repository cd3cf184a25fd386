"""The report's last month: default, clipped to the contract, refused before it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuecalc_core.as_of import MonthBeforePeriodError, report_as_of
from valuecalc_core.months import Month, Period

PERIOD = Period.parse("2026-01", "2026-12")


def test_no_month_asked_is_the_contracts_last_month() -> None:
    assert report_as_of(None, PERIOD) == Month.parse("2026-12")


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("2026-01", "2026-01"),
        ("2026-07", "2026-07"),
        ("2026-12", "2026-12"),
        ("2027-03", "2026-12"),
    ],
)
def test_a_month_is_kept_inside_the_contract_and_clipped_after_it(
    asked: str, expected: str
) -> None:
    assert report_as_of(Month.parse(asked), PERIOD) == Month.parse(expected)


def test_a_month_before_the_contract_is_refused_with_its_code() -> None:
    with pytest.raises(MonthBeforePeriodError) as error:
        report_as_of(Month.parse("2025-12"), PERIOD)
    assert error.value.code == "month_before_period"
    assert str(error.value) == "2025-12 is before the contract period 2026-01..2026-12 starts."


ordinals = st.integers(min_value=24_000, max_value=24_400)


@given(first=ordinals, length=st.integers(min_value=0, max_value=60), asked=ordinals)
def test_the_month_is_in_the_period_and_never_later_than_asked(
    first: int, length: int, asked: int
) -> None:
    period = Period(Month(first), Month(first + length))
    month = Month(asked)
    if month < period.first:
        with pytest.raises(MonthBeforePeriodError):
            report_as_of(month, period)
        return
    clipped = report_as_of(month, period)
    assert clipped in period
    assert clipped <= month
    assert clipped == month or clipped == period.last
