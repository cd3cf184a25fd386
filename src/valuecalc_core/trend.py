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
5. rate_late > ACCELERATION_FACTOR x rate_early
   and every monthly rate of the later half
   is above every one of the earlier half       -> accelerating
6. otherwise                                    -> steady_climb

rate_early and rate_late are the average change per calendar month over the
first and the last half of the changes (the middle change is left out when
their number is odd); per calendar month so a gap between measurements does not
look like a jump. A change's monthly rate is d_k / (months between the two
measurements). Acceleration must be consistent: one dip in the early half lowers
rate_early but leaves an early rate above a later one, so the series stays a
steady climb.

What is happening now (`read_trend`): the same rule over the latest
RECENT_MEASUREMENTS measured months (fewer when the series is shorter, so then
it equals the whole-series class), on the whole series' scale. The headline, the
class a CSM acts on, is the recent class when it is `flat` or `declining` and the
whole series climbed (`steady_climb`, `accelerating`) or wandered (`volatile`);
otherwise the whole-series class. With a recent `flat`, `since` is the first
measured month of the longest run of latest months that is flat by rule 2 ("stalled
since"); with a recent `declining`, it is the month of the peak the decline
started from (the highest value of the recent window, moved back over any earlier
months at least as high).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from operator import itemgetter, neg, sub

from valuecalc_core.frozen import fast_init
from valuecalc_core.months import Month
from valuecalc_core.tracker_model import Direction, ImprovementMetric

MIN_MEASUREMENTS = 3
FLAT_SHARE = Decimal("0.05")
VOLATILITY_FACTOR = Decimal(2)
ACCELERATION_FACTOR = Decimal("1.5")
RECENT_MEASUREMENTS = 4


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


_ACTIONABLE_NOW = frozenset({Trend.FLAT, Trend.DECLINING})
_GAINS = frozenset({Trend.STEADY_CLIMB, Trend.ACCELERATING, Trend.VOLATILE})


@fast_init
@dataclass(frozen=True, slots=True)
class TrendReading:
    """The whole series' class, the recent window's class and the headline between them.

    `recent_count` is the number of measured months the recent class looked at.
    `since` is the position, among the measured months, where the recent flat line
    or decline began (None unless the headline is the recent class); `since_count`
    is the number of measured months from there to the latest one.
    """

    whole: Trend
    recent: Trend
    headline: Trend
    recent_count: int
    since: int | None = None
    since_count: int = 0


def classify_trend(metric: ImprovementMetric, measured: Sequence[tuple[Month, Decimal]]) -> Trend:
    """Classify `measured` (month, value) pairs, months ascending and distinct, by the rule above."""
    return classify_values(
        metric, list(map(_VALUE, measured)), [month.ordinal for month, _ in measured]
    )


def read_measured(
    metric: ImprovementMetric, measured: Sequence[tuple[Month, Decimal]]
) -> TrendReading:
    """`read_trend` of `measured` (month, value) pairs, months ascending and distinct."""
    values = list(map(_VALUE, measured))
    return read_trend(metric, values, measured_changes(values), [m.ordinal for m, _ in measured])


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
    values, changes = _adjusted(metric, measured, changes)
    return _classify(values, changes, ordinals, _scale(metric, values))


def read_trend(
    metric: ImprovementMetric,
    measured: Sequence[Decimal],
    changes: Sequence[Decimal],
    ordinals: Sequence[int],
) -> TrendReading:
    """The whole-series class, the recent class and the headline (rules in the module doc).

    Arguments as for `classify_changes`.
    """
    count = len(measured)
    if count < MIN_MEASUREMENTS:
        insufficient = Trend.INSUFFICIENT_DATA
        return TrendReading(insufficient, insufficient, insufficient, count)
    values, changes = _adjusted(metric, measured, changes)
    scale = _scale(metric, values)
    whole = _classify(values, changes, ordinals, scale)
    if count <= RECENT_MEASUREMENTS:
        return TrendReading(whole, whole, whole, count)
    tail = count - RECENT_MEASUREMENTS
    recent = _classify(values[tail:], changes[tail:], ordinals[tail:], scale)
    if recent not in _ACTIONABLE_NOW or whole not in _GAINS:
        return TrendReading(whole, recent, whole, RECENT_MEASUREMENTS)
    since = _flat_since(changes, scale) if recent is Trend.FLAT else _peak(values, tail)
    return TrendReading(whole, recent, recent, RECENT_MEASUREMENTS, since, count - since)


def _adjusted(
    metric: ImprovementMetric, measured: Sequence[Decimal], changes: Sequence[Decimal]
) -> tuple[Sequence[Decimal], Sequence[Decimal]]:
    """The values and their changes with "better" up (negated when lower is better)."""
    if metric.direction is Direction.LOWER_IS_BETTER:
        values = list(map(neg, measured))
        return values, measured_changes(values)
    return measured, changes


def _scale(metric: ImprovementMetric, values: Sequence[Decimal]) -> Decimal:
    return abs(metric.baseline) or max(map(abs, values)) or _ONE


def _classify(
    values: Sequence[Decimal], changes: Sequence[Decimal], ordinals: Sequence[int], scale: Decimal
) -> Trend:
    """Rules 2-6 of the module doc on direction-adjusted values (at least MIN_MEASUREMENTS)."""
    path = sum(map(abs, changes), _ZERO)
    net = values[-1] - values[0]
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
    if late > ACCELERATION_FACTOR * early and _consistently_faster(changes, ordinals, half):
        return Trend.ACCELERATING
    return Trend.STEADY_CLIMB


def _consistently_faster(changes: Sequence[Decimal], ordinals: Sequence[int], half: int) -> bool:
    """Whether every monthly rate of the last `half` changes beats every one of the first `half`."""
    rates = [
        change / (after - before)
        for change, before, after in zip(changes, ordinals, ordinals[1:], strict=False)
    ]
    return min(rates[-half:]) > max(rates[:half])


def _flat_since(changes: Sequence[Decimal], scale: Decimal) -> int:
    """The first position of the longest run of latest values that is flat by rule 2."""
    limit = FLAT_SHARE * scale
    path = _ZERO
    position = len(changes)
    while position > 0:
        path += abs(changes[position - 1])
        if path > limit:
            break
        position -= 1
    return position


def _peak(values: Sequence[Decimal], tail: int) -> int:
    """The peak a recent decline started from: the recent window's highest value, moved
    back over earlier values at least as high."""
    window = values[tail:]
    position = tail + window.index(max(window))
    while position > 0 and values[position - 1] >= values[position]:
        position -= 1
    return position
