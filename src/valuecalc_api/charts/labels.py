"""How a chart or the renewal pack writes a report figure for a person.

Inputs are the report's own decimal strings (already rounded once, SPEC 2); a label only
adds grouping, a currency sign or a percent sign, so the label and the figure always
agree digit for digit.
"""

from __future__ import annotations

from decimal import Decimal

from valuecalc_core.months import Month

_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def money_label(amount: str, currency: str, *, whole_if_round: bool = False) -> str:
    """'109000.00' in USD -> '$109,000.00' ('-$1,500.00'; 'CHF 1,500.00' without a sign).

    With `whole_if_round`, an amount without minor units drops them ('$109,000'), as a
    headline says it."""
    value = Decimal(amount)
    if whole_if_round and value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    digits = f"{abs(value):,}"
    sign = _SIGNS.get(currency)
    text = f"{sign}{digits}" if sign else f"{currency} {digits}"
    return f"-{text}" if value < 0 else text


def plain_number(text: str) -> str:
    """A measured value with thousands grouped, its digits unchanged ('1234.5' -> '1,234.5')."""
    return f"{Decimal(text):,}"


def percent_label(ratio: str) -> str:
    """A ratio string as a percent: '0.5800' -> '58 %', '0.5825' -> '58.25 %'."""
    text = format(Decimal(ratio).scaleb(2), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{'0' if text in {'', '-0'} else text} %"


def multiple_label(ratio: str) -> str:
    """A value multiple: '2.5000' -> '2.5x'."""
    text = format(Decimal(ratio), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}x"


def month_label(month: str) -> str:
    """'2026-03' -> 'Mar 2026'."""
    parsed = Month.parse(month)
    return f"{_MONTH_NAMES[parsed.month - 1][:3]} {parsed.year}"


def long_month_label(month: str) -> str:
    """'2026-03' -> 'March 2026'."""
    parsed = Month.parse(month)
    return f"{_MONTH_NAMES[parsed.month - 1]} {parsed.year}"
