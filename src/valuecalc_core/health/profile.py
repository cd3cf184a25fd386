"""Health score profiles: the weighted indicators and the band cut-offs (SPEC 5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

MIN_INDICATORS = 3
MAX_INDICATORS = 5
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


class IndicatorKind(StrEnum):
    """The signal an indicator reads, and the unit of its raw value."""

    value_realization = "value_realization"  # % of the projected value realized (Value Tracker)
    net_revenue_retention = "net_revenue_retention"  # ARR now / ARR a window ago, in %
    nps = "nps"  # -100..100
    csat = "csat"  # 0..100
    dau_mau = "dau_mau"  # daily / monthly active users, in %
    license_utilization = "license_utilization"  # active / purchased seats, in %
    days_since_last_touch = "days_since_last_touch"  # days
    goals_achieved = "goals_achieved"  # share of goals achieved, in %
    pulse = "pulse"  # the CSM's latest pulse: red 0, yellow 50, green 100


class Band(StrEnum):
    red = "red"
    yellow = "yellow"
    green = "green"


@dataclass(frozen=True, slots=True)
class IndicatorRule:
    """One indicator: its kind, its weight (any positive number; weights are normalized)
    and its linear mapping; `window_days` is the look-back of windowed kinds."""

    kind: IndicatorKind
    weight: Decimal
    zero_at: Decimal
    full_at: Decimal
    window_days: int | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.full_at > self.zero_at


@dataclass(frozen=True, slots=True)
class BandCutoffs:
    yellow_from: Decimal
    green_from: Decimal

    def band(self, score: Decimal) -> Band:
        if score < self.yellow_from:
            return Band.red
        if score < self.green_from:
            return Band.yellow
        return Band.green


@dataclass(frozen=True, slots=True)
class HealthProfile:
    indicators: tuple[IndicatorRule, ...]
    bands: BandCutoffs


@dataclass(frozen=True, slots=True)
class ProfileProblem:
    """What is wrong with a profile, naming the field as a dotted path."""

    field: str
    code: str
    message: str


def profile_problems(
    indicators: Sequence[tuple[str, Decimal, Decimal, Decimal]],
    yellow_from: Decimal,
    green_from: Decimal,
) -> list[ProfileProblem]:
    """Every problem of a profile given as (kind, weight, zero_at, full_at) per indicator."""
    problems: list[ProfileProblem] = []
    if not MIN_INDICATORS <= len(indicators) <= MAX_INDICATORS:
        problems.append(
            ProfileProblem(
                "indicators",
                "indicator_count",
                f"A profile has {MIN_INDICATORS} to {MAX_INDICATORS} indicators; "
                f"got {len(indicators)}.",
            )
        )
    seen: set[str] = set()
    known = {kind.value for kind in IndicatorKind}
    for index, (kind, weight, zero_at, full_at) in enumerate(indicators):
        where = f"indicators.{index}"
        if kind not in known:
            problems.append(
                ProfileProblem(
                    f"{where}.kind",
                    "unknown_indicator",
                    f"{kind!r} is not an indicator; use one of {', '.join(sorted(known))}.",
                )
            )
        elif kind in seen:
            problems.append(
                ProfileProblem(
                    f"{where}.kind", "duplicate_indicator", f"{kind} appears more than once."
                )
            )
        seen.add(kind)
        if weight <= _ZERO:
            problems.append(
                ProfileProblem(f"{where}.weight", "weight_not_positive", "weight must be > 0.")
            )
        if zero_at == full_at:
            problems.append(
                ProfileProblem(
                    f"{where}.full_at",
                    "thresholds_equal",
                    "full_at must differ from zero_at (above it: higher is better; "
                    "below it: lower is better).",
                )
            )
    for name, cutoff in (("yellow_from", yellow_from), ("green_from", green_from)):
        if not _ZERO <= cutoff <= _HUNDRED:
            problems.append(
                ProfileProblem(f"bands.{name}", "cutoff_out_of_range", f"{name} must be 0..100.")
            )
    if yellow_from > green_from:
        problems.append(
            ProfileProblem(
                "bands.green_from",
                "cutoffs_out_of_order",
                "green_from must be at least yellow_from.",
            )
        )
    return problems
