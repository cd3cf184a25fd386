"""Order statistics and 95 % intervals with exact Decimal arithmetic (SPEC 5).

Percentiles interpolate linearly between order statistics (the "type 7" rule of R and
NumPy's default): position (n - 1) * q, so the median of 30, 45, 60, 90 is 52.5.
Square roots are taken with `Decimal.sqrt` in a local context of 28 digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

Z_95 = Decimal("1.96")
"""The two-sided 95 % normal quantile used by every margin of error."""

_PRECISION = 28


def exact_decimal(value: Fraction) -> Decimal:
    """An exact sum or quotient as a Decimal, divided once: sums of rounded quotients
    would depend on the order of their terms."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def sqrt(value: Decimal) -> Decimal:
    """The square root of a non-negative Decimal, to 28 significant digits."""
    with localcontext() as context:
        context.prec = _PRECISION
        return context.sqrt(value)


def percentile(values: Sequence[Decimal], q: Decimal) -> Decimal | None:
    """The q-quantile (0 <= q <= 1) of `values` by linear interpolation; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    lower = int(position)
    fraction = position - lower
    if lower + 1 >= len(ordered):
        return ordered[-1]
    return ordered[lower] + (ordered[lower + 1] - ordered[lower]) * fraction


def median(values: Sequence[Decimal]) -> Decimal | None:
    return percentile(values, Decimal("0.5"))


@dataclass(frozen=True, slots=True)
class Interval:
    """A 95 % interval: its bounds and half-width, in the unit of the score it is about."""

    low: Decimal
    high: Decimal
    margin_of_error: Decimal


def wilson(successes: int, total: int, scale: Decimal = Decimal(100)) -> Interval | None:
    """Wilson score interval of the share successes / total, times `scale`; None if total 0."""
    if total <= 0:
        return None
    n = Decimal(total)
    p = Decimal(successes) / n
    z2 = Z_95 * Z_95
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = Z_95 / denominator * sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = max(Decimal(0), centre - half)
    high = min(Decimal(1), centre + half)
    return Interval(low * scale, high * scale, half * scale)


def adjusted_wald_nps(promoters: int, detractors: int, total: int) -> Interval | None:
    """Adjusted-Wald interval of an NPS (Rocks 2016): add 3 answers, 3/4 of them split
    onto promoters and detractors each, then p' - d' +- z * sqrt((p' + d' - (p' - d')^2)
    / n'). In NPS points (-100..100); None with no answers."""
    if total <= 0:
        return None
    n = Decimal(total) + 3
    p = (Decimal(promoters) + Decimal("0.75")) / n
    d = (Decimal(detractors) + Decimal("0.75")) / n
    centre = p - d
    half = Z_95 * sqrt((p + d - centre * centre) / n)
    low = max(Decimal(-1), centre - half)
    high = min(Decimal(1), centre + half)
    return Interval(low * 100, high * 100, half * 100)
