"""The trend of a metric over its measured months (SPEC 3 "Trends"), as the seed names them.

Only months with their own value count (measured or estimate, never carried).
Values are direction-adjusted (negated when lower is better) so "better" is up.
With v_1..v_n those values, d_k = v_{k+1} - v_k the changes, path = sum |d_k|,
net = v_n - v_1, and scale = |baseline| (or the largest |v| when the baseline
is 0, or 1 if all are 0), the rule, checked in this order, is:

1. n < MIN_MEASUREMENTS                         -> insufficient_data
2. path <= FLAT_SHARE x scale                   -> flat (it hardly moved at all)
3. path > VOLATILITY_FACTOR x |net|             -> volatile (it wanders more than it goes anywhere)
4. net < 0                                      -> declining
5. rate_late > ACCELERATION_FACTOR x rate_early -> accelerating
6. otherwise                                    -> steady_climb

rate_early and rate_late are the average change per calendar month over the
first and the last half of the changes (the middle change is left out when
their number is odd); per calendar month so a gap between measurements does not
look like a jump.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from operator import itemgetter, neg, sub

from valuecalc_core.months import Month
from valuecalc_core.tracker_model import Direction, ImprovementMetric

MIN_MEASUREMENTS = 3
FLAT_SHARE = Decimal("0.05")
VOLATILITY_FACTOR = Decimal(2)
ACCELERATION_FACTOR = Decimal("1.5")


_VALUE = itemgetter(1)
_ZERO = Decimal(0)
_ONE = Decimal(1)


class Trend(StrEnum):
    STEADY_CLIMB = "steady_climb"
    ACCELERATING = "accelerating"
    FLAT = "flat"
    DECLINING = "declining"
    VOLATILE = "volatile"
    INSUFFICIENT_DATA = "insufficient_data"


def classify_trend(metric: ImprovementMetric, measured: Sequence[tuple[Month, Decimal]]) -> Trend:
    """Classify `measured` (month, value) pairs, months ascending and distinct, by the rule above."""
    return classify_values(
        metric, list(map(_VALUE, measured)), [month.ordinal for month, _ in measured]
    )


def classify_values(
    metric: ImprovementMetric, measured: Sequence[Decimal], ordinals: Sequence[int]
) -> Trend:
    """`classify_trend` on the measured values and their months' ordinals, as two columns.

    The report has these columns already (one pair per month with its own value),
    so it does not build (month, value) pairs only to take them apart again.
    """
    if len(measured) < MIN_MEASUREMENTS:
        return Trend.INSUFFICIENT_DATA
    # Lower is better: classify_changes works on the negated values' own changes.
    higher = metric.direction is Direction.HIGHER_IS_BETTER
    changes = measured_changes(measured) if higher else []
    return classify_changes(metric, measured, changes, ordinals)


def measured_changes(values: Sequence[Decimal]) -> list[Decimal]:
    """v_{k+1} - v_k of consecutive values, as measured (not direction-adjusted).

    The report computes them once for both the trend and the review's spikes.
    """
    return list(map(sub, values[1:], values[:-1]))


def classify_changes(
    metric: ImprovementMetric,
    measured: Sequence[Decimal],
    changes: Sequence[Decimal],
    ordinals: Sequence[int],
) -> Trend:
    """`classify_values` given `changes = measured_changes(measured)` (unused when lower is better).

    `ordinals` may be any month numbering with the same differences (e.g. month
    indices). When higher is better the values are already direction-adjusted and
    `changes` are used as given. When lower is better the values are negated and
    their changes recomputed, as the rule says: negating the changes instead
    would differ for a value with more significant digits than the context keeps.
    """
    if len(measured) < MIN_MEASUREMENTS:
        return Trend.INSUFFICIENT_DATA
    values = measured
    if metric.direction is Direction.LOWER_IS_BETTER:
        values = list(map(neg, measured))
        changes = measured_changes(values)
    path = sum(map(abs, changes), _ZERO)
    net = values[-1] - values[0]
    scale = abs(metric.baseline) or max(map(abs, values)) or _ONE
    if path <= FLAT_SHARE * scale:
        return Trend.FLAT
    if path > VOLATILITY_FACTOR * abs(net):
        return Trend.VOLATILE
    if net < 0:
        return Trend.DECLINING
    half = len(changes) // 2
    # The calendar months spanned by the first and the last `half` changes: the
    # gaps between consecutive ordinals summed (integers: the sum telescopes exactly).
    early = sum(changes[:half], _ZERO) / (ordinals[half] - ordinals[0])
    late = sum(changes[-half:], _ZERO) / (ordinals[-1] - ordinals[-1 - half])
    if late > ACCELERATION_FACTOR * early:
        return Trend.ACCELERATING
    return Trend.STEADY_CLIMB
