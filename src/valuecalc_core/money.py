"""Exact money and ratio handling (SPEC 2).

Amounts are `Decimal`, never float. Values keep full precision through a
calculation and are quantized only at the edge: money to the currency's ISO 4217
minor unit with ROUND_HALF_EVEN, ratios to 4 decimals. Mixing currencies raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from valuecalc_core.errors import CoreError

MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 12
RATIO_PLACES = 4


class UnknownCurrencyError(CoreError):
    code = "unknown_currency"


class CurrencyMismatchError(CoreError):
    code = "currency_mismatch"


class DecimalValueError(CoreError):
    code = "invalid_decimal"


# ISO 4217 active codes whose minor unit is not 2 decimals.
_NON_TWO_DECIMAL: dict[str, int] = {
    # 0 decimals
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    # 3 decimals
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    # 4 decimals
    "CLF": 4, "UYW": 4,
}  # fmt: skip

# ISO 4217 active codes with 2 decimals.
_TWO_DECIMAL = [
    "AED",
    "AFN",
    "ALL",
    "AMD",
    "ANG",
    "AOA",
    "ARS",
    "AUD",
    "AWG",
    "AZN",
    "BAM",
    "BBD",
    "BDT",
    "BGN",
    "BMD",
    "BND",
    "BOB",
    "BOV",
    "BRL",
    "BSD",
    "BTN",
    "BWP",
    "BYN",
    "BZD",
    "CAD",
    "CDF",
    "CHE",
    "CHF",
    "CHW",
    "CNY",
    "COP",
    "COU",
    "CRC",
    "CUP",
    "CVE",
    "CZK",
    "DKK",
    "DOP",
    "DZD",
    "EGP",
    "ERN",
    "ETB",
    "EUR",
    "FJD",
    "FKP",
    "GBP",
    "GEL",
    "GHS",
    "GIP",
    "GMD",
    "GTQ",
    "GYD",
    "HKD",
    "HNL",
    "HTG",
    "HUF",
    "IDR",
    "ILS",
    "INR",
    "IRR",
    "JMD",
    "KES",
    "KGS",
    "KHR",
    "KPW",
    "KYD",
    "KZT",
    "LAK",
    "LBP",
    "LKR",
    "LRD",
    "LSL",
    "MAD",
    "MDL",
    "MGA",
    "MKD",
    "MMK",
    "MNT",
    "MOP",
    "MRU",
    "MUR",
    "MVR",
    "MWK",
    "MXN",
    "MXV",
    "MYR",
    "MZN",
    "NAD",
    "NGN",
    "NIO",
    "NOK",
    "NPR",
    "NZD",
    "PAB",
    "PEN",
    "PGK",
    "PHP",
    "PKR",
    "PLN",
    "QAR",
    "RON",
    "RSD",
    "RUB",
    "SAR",
    "SBD",
    "SCR",
    "SDG",
    "SEK",
    "SGD",
    "SHP",
    "SLE",
    "SOS",
    "SRD",
    "SSP",
    "STN",
    "SVC",
    "SYP",
    "SZL",
    "THB",
    "TJS",
    "TMT",
    "TOP",
    "TRY",
    "TTD",
    "TWD",
    "TZS",
    "UAH",
    "USD",
    "USN",
    "UYU",
    "UZS",
    "VED",
    "VES",
    "WST",
    "XCD",
    "XCG",
    "YER",
    "ZAR",
    "ZMW",
    "ZWG",
]

MINOR_UNITS: dict[str, int] = dict.fromkeys(_TWO_DECIMAL, 2) | _NON_TWO_DECIMAL

_QUANTUM: dict[int, Decimal] = {places: Decimal(1).scaleb(-places) for places in range(5)}
_RATIO_QUANTUM = Decimal(1).scaleb(-RATIO_PLACES)


def minor_units(currency: str) -> int:
    """Decimals of `currency`'s minor unit (JPY 0, USD 2, KWD 3)."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise UnknownCurrencyError(
            f"{currency!r} is not an ISO 4217 currency code (e.g. USD, EUR, JPY)."
        ) from None


def money_quantum(currency: str) -> Decimal:
    """The smallest amount of `currency`: Decimal('0.01') for USD, Decimal('1') for JPY."""
    return _QUANTUM[minor_units(currency)]


def quantize_money(amount: Decimal, currency: str) -> Decimal:
    """Round `amount` to `currency`'s minor unit, half to even (SPEC 2)."""
    return amount.quantize(_QUANTUM[minor_units(currency)], rounding=ROUND_HALF_EVEN)


def quantize_ratio(value: Decimal) -> Decimal:
    """Round a ratio (a fraction, not a percent) to 4 decimals, half to even."""
    return value.quantize(_RATIO_QUANTUM, rounding=ROUND_HALF_EVEN)


# SPEC 2: decimals are plain ASCII digits with an optional minus and point, at most 15
# integer digits and 12 decimals; no blanks, exponents, separators or other digits.
DECIMAL_PATTERN = r"^-?\d{1,15}(\.\d{1,12})?$"
_DECIMAL_TEXT = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,12})?")


def parse_decimal(value: object, *, field: str = "value") -> Decimal:
    """Turn a JSON value into a finite Decimal, accepting exactly the contract's forms (SPEC 2).

    A string must match DECIMAL_PATTERN (ASCII digits only); a JSON integer (not a
    boolean) must have at most 15 digits. A Decimal (from our own code) must be
    finite with at most 15 integer digits and 12 decimals. Everything else (floats,
    exponents, blanks, `_` or `,` separators, Unicode digits, NaN, Infinity) is refused.
    Negative zero is read as zero.
    """
    if isinstance(value, (bool, float)):
        raise DecimalValueError(
            f'{field} must be a decimal string such as "109000.00", not a floating-point number.'
        )
    if isinstance(value, str):
        if _DECIMAL_TEXT.fullmatch(value) is None:
            raise DecimalValueError(_text_refusal(value, field))
        number = Decimal(value)
    elif isinstance(value, int):
        if abs(value) >= 10**MAX_INTEGER_DIGITS:
            raise DecimalValueError(
                f"{field} has more than {MAX_INTEGER_DIGITS} digits before the decimal point."
            )
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = _checked_decimal(value, field)
    else:
        raise DecimalValueError(f'{field} must be a decimal string such as "109000.00".')
    return number.copy_abs() if number.is_zero() else number


_DIGITS_TEXT = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")


def _text_refusal(text: str, field: str) -> str:
    """Why `text` is not a decimal of the contract, as precisely as can be said."""
    digits = _DIGITS_TEXT.fullmatch(text)
    if digits is not None and len(digits.group(1)) > MAX_INTEGER_DIGITS:
        return f"{field} has more than {MAX_INTEGER_DIGITS} digits before the decimal point."
    if digits is not None:
        return f"{field} has more than {MAX_DECIMAL_PLACES} decimal places."
    if text.strip().lower().lstrip("+-") in ("nan", "snan", "inf", "infinity"):
        return f"{field} must be a finite decimal number, not {text[:20]!r}."
    return (
        f'{field} must be a decimal number such as "109000.00": ASCII digits with an '
        f"optional leading minus and decimal point, no exponent, blanks, plus sign or "
        f"separators; got {text[:40]!r}."
    )


def _checked_decimal(number: Decimal, field: str) -> Decimal:
    if not number.is_finite():
        raise DecimalValueError(f"{field} must be a finite decimal number, not {number}.")
    if integer_digits(number) > MAX_INTEGER_DIGITS:
        raise DecimalValueError(
            f"{field} has more than {MAX_INTEGER_DIGITS} digits before the decimal point."
        )
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMAL_PLACES:
        raise DecimalValueError(f"{field} has more than {MAX_DECIMAL_PLACES} decimal places.")
    return number


def integer_digits(number: Decimal) -> int:
    """How many digits `number` has before its decimal point (0 for |x| < 1)."""
    if number.is_zero():
        return 0
    return max(number.adjusted() + 1, 0)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Adding two currencies raises instead of converting."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        minor_units(self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                f"Cannot combine {self.currency} and {other.currency} amounts without an "
                "explicit exchange rate."
            )

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def rounded(self) -> Money:
        return Money(quantize_money(self.amount, self.currency), self.currency)


def sum_money(amounts: list[Money] | tuple[Money, ...], currency: str) -> Money:
    """Sum amounts that must all be in `currency` (an empty sum is zero)."""
    total = Money(Decimal(0), currency)
    for amount in amounts:
        total = total + amount
    return total
