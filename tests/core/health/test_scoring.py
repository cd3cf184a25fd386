"""Health scores: the issue's worked examples exactly, and the invariants as properties."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.health_strategies import profiles, raw_values, readings
from valuecalc_core.health.profile import (
    Band,
    BandCutoffs,
    HealthProfile,
    IndicatorKind,
    IndicatorRule,
    profile_problems,
)
from valuecalc_core.health.scoring import (
    NO_INDICATOR_VALUED,
    IndicatorReading,
    health_score,
    points,
)

K = IndicatorKind
D = Decimal
BANDS = BandCutoffs(D(40), D(70))


def _profile(*rules: IndicatorRule) -> HealthProfile:
    return HealthProfile(rules, BANDS)


def _reading(kind: IndicatorKind, value: str | None) -> IndicatorReading:
    return IndicatorReading(kind, None if value is None else D(value))


def test_80_w50_40_w30_and_no_value_w20_score_65() -> None:
    profile = _profile(
        IndicatorRule(K.pulse, D(50), D(0), D(100)),
        IndicatorRule(K.nps, D(30), D(0), D(100)),
        IndicatorRule(K.csat, D(20), D(0), D(100)),
    )
    score = health_score(
        profile,
        {
            K.pulse: _reading(K.pulse, "80"),
            K.nps: _reading(K.nps, "40"),
            K.csat: _reading(K.csat, None),
        },
    )
    assert score.score == D("65.00")
    assert score.band is Band.yellow
    assert score.skipped == (K.csat,)
    pulse, nps, csat = score.indicators
    assert (pulse.points, pulse.weight_share, pulse.contribution) == (
        D("80.00"),
        D("0.6250"),
        D("50.00"),
    )
    assert (nps.points, nps.weight_share, nps.contribution) == (D("40.00"), D("0.3750"), D("15.00"))
    assert (csat.points, csat.weight_share, csat.contribution) == (None, None, None)
    assert csat.missing_reason == "no_value"


def test_days_since_touch_0_at_30_100_at_7_scores_18_days_as_52_17() -> None:
    rule = IndicatorRule(K.days_since_last_touch, D(1), D(30), D(7))
    assert points(rule, D(18)).quantize(D("0.01")) == D("52.17")
    assert points(rule, D(30)) == 0
    assert points(rule, D(45)) == 0
    assert points(rule, D(7)) == 100
    assert points(rule, D(2)) == 100


def test_contributions_are_rounded_by_largest_remainder_to_sum_to_the_score() -> None:
    # Three equal weights at 10, 10, 11 points: exact contributions 3.333.., 3.333.., 3.666..
    # (sum 10.333.. shown 10.33): cut to 3.33, 3.33, 3.66 = 10.32; the cent goes to 3.666...
    profile = _profile(*(IndicatorRule(k, D(1), D(0), D(100)) for k in (K.nps, K.csat, K.pulse)))
    score = health_score(
        profile,
        {
            K.nps: _reading(K.nps, "10"),
            K.csat: _reading(K.csat, "10"),
            K.pulse: _reading(K.pulse, "11"),
        },
    )
    assert score.score == D("10.33")
    assert [e.contribution for e in score.indicators] == [D("3.33"), D("3.33"), D("3.67")]


def test_every_indicator_missing_is_undefined_with_a_reason_never_0() -> None:
    profile = _profile(*(IndicatorRule(k, D(1), D(0), D(100)) for k in (K.nps, K.csat, K.pulse)))
    score = health_score(
        profile, {K.nps: IndicatorReading(K.nps, None, missing_reason="no_survey")}
    )
    assert score.score is None
    assert score.band is None
    assert score.undefined_reason == NO_INDICATOR_VALUED
    assert [e.missing_reason for e in score.indicators] == ["no_survey", "no_value", "no_value"]


def test_band_is_judged_on_the_shown_score_at_the_cutoffs() -> None:
    assert BANDS.band(D("39.99")) is Band.red
    assert BANDS.band(D("40.00")) is Band.yellow
    assert BANDS.band(D("69.99")) is Band.yellow
    assert BANDS.band(D("70.00")) is Band.green


def test_profile_problems_name_the_field() -> None:
    problems = profile_problems(
        [("nps", D(1), D(0), D(100)), ("mood", D(0), D(5), D(5)), ("nps", D(1), D(0), D(1))],
        D(80),
        D(60),
    )
    assert {(p.field, p.code) for p in problems} == {
        ("indicators.1.kind", "unknown_indicator"),
        ("indicators.1.weight", "weight_not_positive"),
        ("indicators.1.full_at", "thresholds_equal"),
        ("indicators.2.kind", "duplicate_indicator"),
        ("bands.green_from", "cutoffs_out_of_order"),
    }
    assert [p.field for p in profile_problems([("nps", D(1), D(0), D(1))] * 1, D(0), D(1))] == [
        "indicators"
    ]


@given(st.data(), profiles())
def test_a_score_is_within_0_100_and_its_contributions_sum_to_it(
    data: st.DataObject, profile: HealthProfile
) -> None:
    score = health_score(profile, data.draw(readings(profile)))
    if score.score is None:
        assert all(e.points is None for e in score.indicators)
        assert score.undefined_reason == NO_INDICATOR_VALUED
        return
    assert D(0) <= score.score <= D(100)
    shown = [e.contribution for e in score.indicators if e.contribution is not None]
    assert sum(shown, D(0)) == score.score
    assert all(c >= 0 for c in shown)
    assert score.band is profile.bands.band(score.score)


@given(st.data(), profiles())
def test_all_missing_is_undefined_never_0(data: st.DataObject, profile: HealthProfile) -> None:
    empty = {rule.kind: IndicatorReading(rule.kind, None) for rule in profile.indicators}
    score = health_score(profile, empty)
    assert score.score is None
    assert score.undefined_reason == NO_INDICATOR_VALUED
    assert score.skipped == tuple(rule.kind for rule in profile.indicators)


@given(st.data(), profiles(increasing=True), raw_values)
def test_raising_one_value_never_lowers_an_increasing_profiles_score(
    data: st.DataObject, profile: HealthProfile, raise_by: Decimal
) -> None:
    found = data.draw(readings(profile, allow_missing=False))
    kind = data.draw(st.sampled_from([rule.kind for rule in profile.indicators]))
    before = health_score(profile, found).score
    old = found[kind].value
    assert old is not None
    raised = {**found, kind: replace(found[kind], value=old + abs(raise_by))}
    after = health_score(profile, raised).score
    assert before is not None
    assert after is not None
    assert after >= before


@given(st.data(), profiles())
def test_a_score_recomputed_under_the_same_profile_and_data_is_identical(
    data: st.DataObject, profile: HealthProfile
) -> None:
    found = data.draw(readings(profile))
    assert health_score(profile, found) == health_score(profile, dict(found))
