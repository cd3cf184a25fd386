"""A customer's health score with its explanation (SPEC 5; definitions in `__init__`)."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from valuecalc_core.health.profile import Band, HealthProfile, IndicatorKind, IndicatorRule

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
CENT = Decimal("0.01")
WEIGHT_PLACES = Decimal("0.0001")
# Enough digits that a quotient's last digit never reaches the cent of a 0-100 score.
_CONTEXT = decimal.Context(prec=40, rounding=ROUND_HALF_EVEN)

NO_INDICATOR_VALUED = "no_indicator_has_a_value"


@dataclass(frozen=True, slots=True)
class IndicatorReading:
    """An indicator's raw value as of a date, or None with the reason it has none."""

    kind: IndicatorKind
    value: Decimal | None
    as_of: date | None = None
    missing_reason: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorExplanation:
    """One indicator's part of the score; `points`, `weight_share` and `contribution` are
    None when it had no value (it was skipped and its weight shared out)."""

    kind: IndicatorKind
    weight: Decimal
    value: Decimal | None
    as_of: date | None
    points: Decimal | None
    weight_share: Decimal | None
    contribution: Decimal | None
    missing_reason: str | None


@dataclass(frozen=True, slots=True)
class HealthScore:
    """The shown score (2 decimals) and band, or None with `undefined_reason`; the shown
    contributions add up to the shown score exactly."""

    score: Decimal | None
    band: Band | None
    undefined_reason: str | None
    indicators: tuple[IndicatorExplanation, ...]
    skipped: tuple[IndicatorKind, ...]


def points(rule: IndicatorRule, value: Decimal) -> Decimal:
    """The exact 0-100 points of `value` (linear between zero_at and full_at, clamped)."""
    zero_at, full_at = rule.zero_at, rule.full_at
    if full_at > zero_at:
        if value <= zero_at:
            return _ZERO
        if value >= full_at:
            return _HUNDRED
    else:
        if value >= zero_at:
            return _ZERO
        if value <= full_at:
            return _HUNDRED
    return _CONTEXT.divide(_CONTEXT.multiply(value - zero_at, _HUNDRED), full_at - zero_at)


def health_score(
    profile: HealthProfile, readings: Mapping[IndicatorKind, IndicatorReading]
) -> HealthScore:
    """Score `readings` (by kind; a kind absent from them has no value) under `profile`."""
    return health_scores(profile, [readings])[0]


def health_scores(
    profile: HealthProfile, book: Iterable[Mapping[IndicatorKind, IndicatorReading]]
) -> list[HealthScore]:
    """`health_score` of each customer's readings: the profile's constants (weight totals
    and shares for each set of valued indicators) are worked out once for the whole book."""
    rules = profile.indicators
    band = profile.bands.band
    shares: dict[tuple[int, ...], tuple[Decimal, dict[int, Decimal]]] = {}
    multiply, divide, add = _CONTEXT.multiply, _CONTEXT.divide, _CONTEXT.add
    scores: list[HealthScore] = []
    for readings in book:
        valued: list[tuple[int, IndicatorRule, IndicatorReading, Decimal]] = []
        for index, rule in enumerate(rules):
            reading = readings.get(rule.kind)
            if reading is not None and reading.value is not None:
                valued.append((index, rule, reading, points(rule, reading.value)))
        if not valued:
            explanations = tuple(_skipped(rule, readings.get(rule.kind)) for rule in rules)
            skipped_kinds = tuple(rule.kind for rule in rules)
            scores.append(HealthScore(None, None, NO_INDICATOR_VALUED, explanations, skipped_kinds))
            continue
        mask = tuple(index for index, _, _, _ in valued)
        known = shares.get(mask)
        if known is None:
            total = sum((rules[i].weight for i in mask), _ZERO)
            known = shares[mask] = (
                total,
                {
                    i: divide(rules[i].weight, total).quantize(WEIGHT_PLACES, ROUND_HALF_EVEN)
                    for i in mask
                },
            )
        total_weight, weight_shares = known
        weighted = [multiply(p, rule.weight) for _, rule, _, p in valued]
        weighted_sum = _ZERO
        for product in weighted:
            weighted_sum = add(weighted_sum, product)
        score = divide(weighted_sum, total_weight).quantize(CENT, ROUND_HALF_EVEN)
        shown = _largest_remainder([divide(pw, total_weight) for pw in weighted], score)
        by_index = {
            index: IndicatorExplanation(
                rule.kind,
                rule.weight,
                reading.value,
                reading.as_of,
                p.quantize(CENT, ROUND_HALF_EVEN),
                weight_shares[index],
                contribution,
                None,
            )
            for (index, rule, reading, p), contribution in zip(valued, shown, strict=True)
        }
        if len(by_index) == len(rules):
            explanations = tuple(by_index.values())
            skipped: tuple[IndicatorKind, ...] = ()
        else:
            explanations = tuple(
                by_index.get(index) or _skipped(rule, readings.get(rule.kind))
                for index, rule in enumerate(rules)
            )
            skipped = tuple(e.kind for e in explanations if e.points is None)
        scores.append(HealthScore(score, band(score), None, explanations, skipped))
    return scores


def _skipped(rule: IndicatorRule, reading: IndicatorReading | None) -> IndicatorExplanation:
    reason = reading.missing_reason if reading is not None else None
    return IndicatorExplanation(
        kind=rule.kind,
        weight=rule.weight,
        value=None,
        as_of=reading.as_of if reading is not None else None,
        points=None,
        weight_share=None,
        contribution=None,
        missing_reason=reason or "no_value",
    )


def _largest_remainder(exact: list[Decimal], total: Decimal) -> list[Decimal]:
    """`exact` (non-negative) rounded to cents so that they add up to `total` (in cents):
    each cut down to the cent, the missing cents to the largest remainders, earlier first."""
    floors = [value.quantize(CENT, ROUND_FLOOR) for value in exact]
    # 0 <= missing <= the number of non-zero remainders: the shown total is within half a
    # cent of the exact sum, and each remainder is below a cent.
    missing = int((total - sum(floors, _ZERO)) / CENT)
    if missing:
        order = sorted(range(len(exact)), key=lambda i: (floors[i] - exact[i], i))
        for i in order[:missing]:
            floors[i] += CENT
    return floors
