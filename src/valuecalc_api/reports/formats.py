"""How report figures are written (SPEC 2) and which representation a caller asked for.

Every decimal leaves as a string: money rounded half-even to the currency's minor unit,
ratios (improvement, ROI) to 4 decimals, measured values and inputs exactly as stored.
The core keeps full precision; rounding happens here, once, at the edge.

A report comes as JSON by default, as CSV with `?format=csv` or `Accept: text/csv`
(SPEC 6); `format` wins over `Accept`. An `Accept` that allows neither is a 406.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from itertools import repeat
from operator import add
from typing import Annotated, cast

from fastapi import Query

from valuecalc_api.problems import Problem
from valuecalc_core.measurement_table import has_missing
from valuecalc_core.money import RATIO_PLACES, money_quantum


class Representation(StrEnum):
    JSON = "json"
    CSV = "csv"


FormatQuery = Annotated[
    Representation | None,
    Query(
        alias="format",
        description="`json` (default) or `csv`; overrides the Accept header.",
    ),
]

_MEDIA_TYPES = {
    "application/json": Representation.JSON,
    "application/*": Representation.JSON,
    "*/*": Representation.JSON,
    "text/csv": Representation.CSV,
    "text/*": Representation.CSV,
}


def plain(value: Decimal | None) -> str | None:
    """A measured value, input or delta exactly as it is, in plain notation."""
    return None if value is None else format(value, "f")


def plain_column(values: Sequence[Decimal | None]) -> list[str | None]:
    if has_missing(values):
        return [None if v is None else format(v, "f") for v in values]
    return list(map(format, cast(Sequence[Decimal], values), repeat("f")))


class _Rounder:
    """Rounds half-even to a fixed quantum and writes the result as a string.

    Adding the quantum's zero (0.00) after rounding writes an exact 0 as "0.00" and a
    negative zero as "0.00". Columns without gaps go through `map` (C speed): a tracker
    report writes tens of thousands of figures.
    """

    __slots__ = ("_quantum", "_zero")

    def __init__(self, quantum: Decimal) -> None:
        self._quantum = quantum
        self._zero = Decimal(0).quantize(quantum)

    def one(self, value: Decimal | None) -> str | None:
        if value is None:
            return None
        return str(value.quantize(self._quantum, ROUND_HALF_EVEN) + self._zero)

    def required(self, value: Decimal) -> str:
        return str(value.quantize(self._quantum, ROUND_HALF_EVEN) + self._zero)

    def column(self, values: Sequence[Decimal | None]) -> list[str | None]:
        if has_missing(values):
            return [None if v is None else self.required(v) for v in values]
        rounded = map(
            Decimal.quantize,
            cast(Sequence[Decimal], values),  # no None: checked above
            repeat(self._quantum),
            repeat(ROUND_HALF_EVEN),
        )
        return list(map(str, map(add, rounded, repeat(self._zero))))


class MoneyWriter(_Rounder):
    """Amounts of one currency, rounded to its minor unit (USD 2 decimals, JPY 0)."""

    __slots__ = ()

    def __init__(self, currency: str) -> None:
        super().__init__(money_quantum(currency))


_RATIOS = _Rounder(Decimal(1).scaleb(-RATIO_PLACES))


def ratio(value: Decimal | None) -> str | None:
    """A fraction rounded half-even to 4 decimals ("0.5800" is 58 %)."""
    return _RATIOS.one(value)


def ratio_column(values: Sequence[Decimal | None]) -> list[str | None]:
    return _RATIOS.column(values)


def representation(format_query: Representation | None, accept: str | None) -> Representation:
    """The representation to answer with: `?format=` if given, else the best `Accept` match."""
    if format_query is not None:
        return format_query
    if not accept or not accept.strip():
        return Representation.JSON
    best: tuple[float, int, Representation] | None = None
    for position, item in enumerate(accept.split(",")):
        media, _, params = item.strip().partition(";")
        quality = accept_quality(params)
        chosen = _MEDIA_TYPES.get(media.strip().lower())
        if chosen is None or quality <= 0:
            continue
        # Highest quality wins; on a tie the earlier entry.
        candidate = (quality, -position, chosen)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        raise Problem(
            406,
            "not-acceptable",
            "This report is available as application/json or text/csv; the Accept header "
            f"allows neither ({accept.strip()[:100]!r}).",
        )
    return best[2]


def accept_quality(params: str) -> float:
    """The `q` of one Accept item's parameters (1 when absent, 0 when unreadable)."""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0
