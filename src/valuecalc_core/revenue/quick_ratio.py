"""The quick ratio: growth efficiency over a period, across all customers (SPEC 4).

quick ratio = (new + expansion + reactivation) / (churn + contraction), expansion = upsell +
cross-sell, contraction = downsell. Bands: below 2 `bad`, 2 to 4 inclusive `healthy`, above 4
`strong`. With nothing lost the ratio is `undefined` (never a huge number, never an error).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from valuecalc_core.revenue.aggregate import MovementTotals
from valuecalc_core.revenue.ratio import Ratio, ratio

QUICK_RATIO_DEFINITION = (
    "quick ratio = (new + upsell + cross-sell + reactivation) / (churn + downsell) over the "
    "period, all customers; bands: < 2 bad, 2 to 4 inclusive healthy, > 4 strong (SPEC 4)"
)
NOTHING_LOST = "No ARR was lost to churn or downsell in the period."
HEALTHY_FROM = Decimal(2)
STRONG_ABOVE = Decimal(4)


class QuickRatioBand(StrEnum):
    BAD = "bad"
    HEALTHY = "healthy"
    STRONG = "strong"
    UNDEFINED = "undefined"


@dataclass(frozen=True, slots=True)
class QuickRatio:
    """The ratio with its parts: `ratio.numerator` = gained ARR, `ratio.denominator` = lost ARR."""

    new: Decimal
    expansion: Decimal
    reactivation: Decimal
    churn: Decimal
    contraction: Decimal
    ratio: Ratio
    band: QuickRatioBand


def quick_ratio_band(value: Decimal | None) -> QuickRatioBand:
    """The band of a full-precision quick ratio (exactly 2 and exactly 4 are healthy)."""
    if value is None:
        return QuickRatioBand.UNDEFINED
    if value < HEALTHY_FROM:
        return QuickRatioBand.BAD
    if value > STRONG_ABOVE:
        return QuickRatioBand.STRONG
    return QuickRatioBand.HEALTHY


def quick_ratio(totals: MovementTotals) -> QuickRatio:
    result = ratio(totals.gained, totals.lost, QUICK_RATIO_DEFINITION, NOTHING_LOST)
    return QuickRatio(
        new=totals.new,
        expansion=totals.expansion,
        reactivation=totals.reactivation,
        churn=totals.churn,
        contraction=totals.contraction,
        ratio=result,
        band=quick_ratio_band(result.value),
    )
