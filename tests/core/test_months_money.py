from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuecalc_core.money import (
    MINOR_UNITS,
    CurrencyMismatchError,
    DecimalValueError,
    Money,
    UnknownCurrencyError,
    parse_decimal,
    quantize_money,
    quantize_ratio,
)
from valuecalc_core.months import Month, MonthFormatError, Period


@pytest.mark.parametrize(
    "text", ["2026-13", "26-1", "", "2026-00", "2026-1", "2026/01", " 2026-01"]
)
def test_malformed_months_are_refused_with_a_clear_error(text: str) -> None:
    with pytest.raises(MonthFormatError) as error:
        Month.parse(text)
    assert "YYYY-MM" in str(error.value) or "01 to 12" in str(error.value)


def test_month_arithmetic_and_inclusive_periods() -> None:
    december = Month.parse("2026-12")
    assert str(december + 1) == "2027-01"
    assert str(Month.parse("2026-01") + -1) == "2025-12"
    period = Period.parse("2026-01", "2026-12")
    assert len(period) == 12
    assert [str(m) for m in period][:2] == ["2026-01", "2026-02"]
    assert Month.parse("2026-12") in period
    assert Month.parse("2027-01") not in period
    assert period.index_of(Month.parse("2026-06")) == 5
    assert period.through(Month.parse("2026-03")) == Period.parse("2026-01", "2026-03")
    assert period.through(Month.parse("2025-12")) is None
    with pytest.raises(MonthFormatError):
        Period.parse("2026-05", "2026-04")


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=12))
def test_month_text_round_trips(year: int, month: int) -> None:
    parsed = Month.parse(f"{year:04d}-{month:02d}")
    assert (parsed.year, parsed.month) == (year, month)
    assert Month.parse(str(parsed)) == parsed


@pytest.mark.parametrize(
    ("currency", "amount", "expected"),
    [
        ("USD", "16666.666666", "16666.67"),
        ("USD", "0.125", "0.12"),
        ("USD", "0.135", "0.14"),
        ("JPY", "2.5", "2"),
        ("JPY", "3.5", "4"),
        ("KWD", "1.0005", "1.000"),
        ("BHD", "1.0015", "1.002"),
    ],
)
def test_money_rounds_half_even_to_the_minor_unit(
    currency: str, amount: str, expected: str
) -> None:
    assert str(quantize_money(Decimal(amount), currency)) == expected


def test_ratios_round_to_four_decimals() -> None:
    assert str(quantize_ratio(Decimal("0.58"))) == "0.5800"
    assert str(quantize_ratio(Decimal(2) / Decimal(3))) == "0.6667"


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15),
    st.sampled_from(sorted(MINOR_UNITS)),
)
def test_rounding_moves_a_value_by_at_most_half_a_minor_unit(
    amount: Decimal, currency: str
) -> None:
    half_unit = Decimal(1).scaleb(-MINOR_UNITS[currency]) / 2
    assert abs(quantize_money(amount, currency) - amount) <= half_unit


def test_mixing_currencies_raises() -> None:
    with pytest.raises(CurrencyMismatchError):
        _ = Money(Decimal(1), "USD") + Money(Decimal(1), "EUR")
    assert (Money(Decimal("1.10"), "EUR") + Money(Decimal("2"), "EUR")).amount == Decimal("3.10")


def test_unknown_currency_is_refused() -> None:
    with pytest.raises(UnknownCurrencyError):
        Money(Decimal(1), "XYZ")


@pytest.mark.parametrize("value", [1.5, "NaN", "Infinity", "-inf", "", "abc", "1" * 16, True, None])
def test_inexact_or_non_finite_decimals_are_refused(value: object) -> None:
    with pytest.raises(DecimalValueError):
        parse_decimal(value)


def test_exact_decimals_are_accepted() -> None:
    assert parse_decimal("109000.00") == Decimal("109000.00")
    assert parse_decimal(12) == Decimal(12)
    assert parse_decimal("9" * 15 + ".99") == Decimal("9" * 15 + ".99")


def test_a_month_is_stored_as_its_first_day() -> None:
    assert Month.parse("2026-03").first_day() == date(2026, 3, 1)
    assert Month.of_day(date(2026, 3, 31)) == Month.parse("2026-03")


@given(st.dates())
def test_the_day_lies_in_its_month_and_the_month_comes_back_from_its_first_day(day: date) -> None:
    month = Month.of_day(day)
    assert (month.year, month.month) == (day.year, day.month)
    assert month.first_day() <= day
    assert Month.of_day(month.first_day()) == month
