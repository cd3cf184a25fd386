"""The shared field types agree with the core's parsers on every input (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from valuecalc_api.fields import MAX_DECIMAL_PLACES, DecimalStr, MonthStr
from valuecalc_core.errors import CoreError
from valuecalc_core.money import parse_decimal
from valuecalc_core.months import Month

_DECIMAL = TypeAdapter(DecimalStr)
_MONTH = TypeAdapter(MonthStr)

# Text near the boundaries of the fast path: digits, signs, points, exponents, blanks.
_DECIMALISH = st.text(alphabet="0123456789-+.eE ", max_size=32) | st.from_regex(
    r"-?\d{1,18}(\.\d{1,14})?", fullmatch=True
)


def _reference(text: str) -> Decimal | None:
    """What the full checks make of `text`: the number, or None when it is refused."""
    try:
        number = parse_decimal(text)
    except CoreError:
        return None
    exponent = number.as_tuple().exponent
    return None if isinstance(exponent, int) and exponent < -MAX_DECIMAL_PLACES else number


@given(_DECIMALISH | st.text(max_size=20))
def test_decimal_field_agrees_with_the_full_checks(text: str) -> None:
    expected = _reference(text)
    if expected is None:
        with pytest.raises(ValidationError):
            _DECIMAL.validate_python(text)
    else:
        got = _DECIMAL.validate_python(text)
        assert got.as_tuple() == expected.as_tuple()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("999999999999999.999999999999", "999999999999999.999999999999"),
        ("-0.50", "-0.50"),
        (" 12.5 ", "12.5"),
        ("1E+3", "1E+3"),
    ],
)
def test_decimal_field_keeps_the_digits_it_was_given(text: str, shown: str) -> None:
    assert str(_DECIMAL.validate_python(text)) == shown


@pytest.mark.parametrize(
    "text", ["1000000000000000", "0.0000000000001", "NaN", "Infinity", "1e999", "", "1,5"]
)
def test_decimal_field_refuses_what_the_core_refuses(text: str) -> None:
    with pytest.raises(ValidationError):
        _DECIMAL.validate_python(text)


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
