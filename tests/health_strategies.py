"""Hypothesis strategies for health profiles and indicator readings."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from valuecalc_core.health.profile import BandCutoffs, HealthProfile, IndicatorKind, IndicatorRule
from valuecalc_core.health.scoring import IndicatorReading

raw_values = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
weights = st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2)


@st.composite
def rules(draw: st.DrawFn, kind: IndicatorKind, increasing: bool | None = None) -> IndicatorRule:
    low = draw(st.decimals(min_value=-500, max_value=400, places=2))
    high = draw(st.decimals(min_value=low + Decimal("0.01"), max_value=500, places=2))
    up = draw(st.booleans()) if increasing is None else increasing
    zero_at, full_at = (low, high) if up else (high, low)
    return IndicatorRule(kind, draw(weights), zero_at, full_at)


@st.composite
def profiles(draw: st.DrawFn, increasing: bool | None = None) -> HealthProfile:
    kinds = draw(
        st.lists(st.sampled_from(list(IndicatorKind)), min_size=3, max_size=5, unique=True)
    )
    yellow = draw(st.decimals(min_value=0, max_value=100, places=2))
    green = draw(st.decimals(min_value=yellow, max_value=100, places=2))
    return HealthProfile(
        tuple(draw(rules(kind, increasing)) for kind in kinds), BandCutoffs(yellow, green)
    )


@st.composite
def readings(
    draw: st.DrawFn, profile: HealthProfile, allow_missing: bool = True
) -> dict[IndicatorKind, IndicatorReading]:
    found = {}
    for rule in profile.indicators:
        value = draw(st.none() | raw_values) if allow_missing else draw(raw_values)
        found[rule.kind] = IndicatorReading(rule.kind, value)
    return found
