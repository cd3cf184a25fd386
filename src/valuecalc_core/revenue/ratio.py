"""A metric's ratio with the numbers behind it, so a reviewer can reproduce it (SPEC 1, 4).

Ratios keep full precision (28 significant digits, half-even); `rounded()` gives the 4-decimal
presentation value. A zero denominator gives an undefined ratio (`value` None) with the reason,
never an exception and never a huge number.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)

from valuecalc_core.money import quantize_ratio

# Sums of money are exact: 60 digits hold any sum of 15-integer-digit amounts times FX rates,
# and the Inexact trap turns a (never expected) rounding into an error instead of a wrong sum.
EXACT = Context(prec=60, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])
# Ratios are divisions: full precision is 28 significant digits, rounded half to even.
RATIO_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, Overflow])


@dataclass(frozen=True, slots=True)
class Ratio:
    """`numerator` / `denominator` under `definition`; `value` None when undefined."""

    numerator: Decimal
    denominator: Decimal
    value: Decimal | None
    definition: str
    undefined_reason: str | None = None

    def rounded(self) -> Decimal | None:
        """The value rounded to 4 decimals for presentation (None when undefined)."""
        return None if self.value is None else quantize_ratio(self.value)


def ratio(numerator: Decimal, denominator: Decimal, definition: str, when_zero: str) -> Ratio:
    """Divide, or report the ratio undefined with `when_zero` as the reason."""
    if denominator == 0:
        return Ratio(numerator, denominator, None, definition, when_zero)
    return Ratio(numerator, denominator, RATIO_CONTEXT.divide(numerator, denominator), definition)
