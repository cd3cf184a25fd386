"""The shared field types agree with the core's parsers on every input (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from tests.decimal_strategies import decimal_candidates, matches_decimal_contract
from valuecalc_api.schema_types import DecimalStr, MonthStr
from valuecalc_core.errors import CoreError
from valuecalc_core.money import parse_decimal
from valuecalc_core.months import Month

_DECIMAL = TypeAdapter(DecimalStr)
_MONTH = TypeAdapter(MonthStr)


@given(decimal_candidates)
def test_decimal_field_accepts_exactly_the_contract_pattern(text: str) -> None:
    if matches_decimal_contract(text):
        assert _DECIMAL.validate_python(text) == Decimal(text)
        assert parse_decimal(text) == Decimal(text)
    else:
        with pytest.raises(ValidationError):
            _DECIMAL.validate_python(text)
        with pytest.raises(CoreError):
            parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("999999999999999.999999999999", "999999999999999.999999999999"),
        ("-0.50", "-0.50"),
        ("120000.00", "120000.00"),
        ("-0.00", "0.00"),
    ],
)
def test_decimal_field_keeps_the_digits_it_was_given(text: str, shown: str) -> None:
    assert str(_DECIMAL.validate_python(text)) == shown


@pytest.mark.parametrize(
    "value",
    [
        "1000000000000000",
        "0.0000000000001",
        "NaN",
        "Infinity",
        "1e999",
        "1e3",
        "1E+3",
        "0E+999999",
        " 121",
        "121 ",
        "1_000",
        "١٢٣",
        "+1",
        ".5",
        "5.",
        "",
        "1,5",
        "121\n",
        1.5,
        True,
        10**15,
    ],
)
def test_decimal_field_refuses_what_the_contract_does_not_allow(value: object) -> None:
    with pytest.raises(ValidationError):
        _DECIMAL.validate_python(value)


def test_json_integers_of_at_most_15_digits_are_accepted() -> None:
    assert _DECIMAL.validate_python(10**15 - 1) == Decimal(10**15 - 1)
    assert _DECIMAL.validate_python(-12) == Decimal(-12)


@given(st.text(alphabet="0123456789-", max_size=9) | st.text(max_size=9))
def test_month_field_agrees_with_month_parse(text: str) -> None:
    try:
        expected = Month.parse(text)
    except CoreError:
        with pytest.raises(ValidationError):
            _MONTH.validate_python(text)
        # A refused text stays refused on the next call (errors are not remembered).
        with pytest.raises(ValidationError):
            _MONTH.validate_python(text)
    else:
        assert _MONTH.validate_python(text) == expected
        assert _MONTH.validate_python(text) == expected
