"""Issue 14's worked examples, exactly (SPEC 5)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from valuecalc_core.signals.engagement import Direction, TouchDay, engagement
from valuecalc_core.signals.goals import Goal, GoalStatus, goal_share
from valuecalc_core.signals.onboarding import Milestones, cohort, onboarding
from valuecalc_core.signals.planning import RowStatus, plan_rows
from valuecalc_core.signals.stats import adjusted_wald_nps, wilson
from valuecalc_core.signals.surveys import (
    RenewAnswer,
    SurveyAnswer,
    SurveyKind,
    answer_problems,
    nps_customer_mean,
    renew_today,
    score_from_distribution,
    survey_score,
)
from valuecalc_core.signals.usage import (
    SeatRecord,
    UsageMonthInput,
    UtilizationStatus,
    usage_month,
)

A = uuid.UUID(int=1)
B = uuid.UUID(int=2)
DAY = date(2026, 3, 10)
FROM, TO = date(2026, 1, 1), date(2026, 3, 31)


def _answers(kind: SurveyKind, scores: list[int], customer: uuid.UUID = A) -> list[SurveyAnswer]:
    return [
        SurveyAnswer(f"x{i}", customer, f"person{i}", DAY, kind, score=s)
        for i, s in enumerate(scores)
    ]


def test_nps_of_five_promoters_three_passives_two_detractors_is_30() -> None:
    result = survey_score(
        _answers(SurveyKind.nps, [10, 9, 9, 10, 9, 8, 7, 7, 3, 6]), SurveyKind.nps, FROM, TO
    )
    assert result.score == Decimal(30)
    assert result.response_count == 10
    assert dict(result.distribution) == {
        0: 0,
        1: 0,
        2: 0,
        3: 1,
        4: 0,
        5: 0,
        6: 1,
        7: 2,
        8: 1,
        9: 3,
        10: 2,
    }
    assert "promoters (9-10)" in result.definition_text


def test_csat_of_5_4_3_1_is_50() -> None:
    result = survey_score(_answers(SurveyKind.csat, [5, 4, 3, 1]), SurveyKind.csat, FROM, TO)
    assert result.score == Decimal(50)
    assert dict(result.distribution) == {1: 1, 2: 0, 3: 1, 4: 1, 5: 1}


def test_ces_of_7_6_5_4_1_is_60() -> None:
    result = survey_score(_answers(SurveyKind.ces, [7, 6, 5, 4, 1]), SurveyKind.ces, FROM, TO)
    assert result.score == Decimal(60)


def test_a_respondent_answering_twice_in_the_window_counts_once_with_the_latest() -> None:
    answers = [
        SurveyAnswer("a1", A, "ann", date(2026, 1, 5), SurveyKind.nps, score=2),
        SurveyAnswer("a2", A, "ann", date(2026, 2, 5), SurveyKind.nps, score=10),
        SurveyAnswer("b1", A, "bob", date(2026, 2, 1), SurveyKind.nps, score=9),
        # outside the window: ignored, and so is an excluded answer
        SurveyAnswer("b2", A, "bob", date(2026, 4, 2), SurveyKind.nps, score=0),
        SurveyAnswer("c1", A, "cy", date(2026, 2, 1), SurveyKind.nps, score=0, excluded=True),
    ]
    result = survey_score(answers, SurveyKind.nps, FROM, TO)
    assert result.response_count == 2
    assert result.score == Decimal(100)


def test_margins_of_error_adjusted_wald_and_wilson() -> None:
    # 5 promoters, 2 detractors of 10: n' = 13, p' = 5.75/13, d' = 2.75/13.
    interval = adjusted_wald_nps(5, 2, 10)
    assert interval is not None
    p, d = Decimal("5.75") / 13, Decimal("2.75") / 13
    expected = Decimal("1.96") * ((p + d - (p - d) ** 2) / 13).sqrt() * 100
    assert abs(interval.margin_of_error - expected) < Decimal("1e-20")
    assert round(interval.margin_of_error, 2) == Decimal("42.13")
    share = wilson(2, 4)
    assert share is not None
    assert round(share.low, 2) == Decimal("15.00")
    assert round(share.high, 2) == Decimal("85.00")


def test_score_from_counts_equals_score_from_rows() -> None:
    counts = {9: 3, 10: 2, 7: 2, 8: 1, 3: 1, 6: 1}
    assert score_from_distribution(SurveyKind.nps, counts).score == Decimal(30)


def test_customer_mean_nps_weighs_each_customer_the_same() -> None:
    # A: 3 promoters (NPS 100); B: 1 detractor (NPS -100); every response: (3-1)/4 = 50.
    result = nps_customer_mean({A: {10: 3}, B: {0: 1}})
    assert result.score == Decimal(0)
    assert result.customer_count == 2
    assert result.response_count == 4


def test_renew_today_counts_follow_ups_and_arr_shares() -> None:
    answers = [
        SurveyAnswer("1", A, "ann", DAY, SurveyKind.renew_today, answer=RenewAnswer.yes),
        SurveyAnswer(
            "2", A, "bob", DAY, SurveyKind.renew_today, answer=RenewAnswer.no, comment="price"
        ),
        SurveyAnswer("3", B, "cy", DAY, SurveyKind.renew_today, answer=RenewAnswer.unsure),
    ]
    result = renew_today(answers, {A: (Decimal(100_000), "USD"), B: (Decimal(50_000), "USD")})
    assert dict(result.counts) == {RenewAnswer.yes: 1, RenewAnswer.no: 1, RenewAnswer.unsure: 1}
    assert [a.external_id for a in result.follow_ups] == ["3", "2"]
    assert result.arr is not None
    shares = {a.answer: (a.arr, a.share) for a in result.arr}
    assert shares[RenewAnswer.yes] == (Decimal(50_000), Decimal(50_000) / 150_000)
    assert shares[RenewAnswer.unsure] == (Decimal(50_000), Decimal(50_000) / 150_000)
    unavailable = renew_today(answers, {})
    assert unavailable.arr is None
    assert unavailable.arr_unavailable_reason is not None
    mixed = renew_today(answers, {A: (Decimal(1), "USD"), B: (Decimal(1), "EUR")})
    assert mixed.arr is None
    assert "several currencies" in (mixed.arr_unavailable_reason or "")


def test_answer_problems_name_each_field() -> None:
    assert answer_problems("nps", 11, None, DAY, DAY)[0][:2] == ("score", "score_out_of_scale")
    assert answer_problems("csat", 0, None, DAY, DAY)[0][1] == "score_out_of_scale"
    assert answer_problems("ces", 8, None, DAY, DAY)[0][1] == "score_out_of_scale"
    assert answer_problems("mood", 3, None, DAY, DAY)[0][1] == "unknown_kind"
    assert answer_problems("nps", 9, None, date(2026, 3, 11), DAY)[0][1] == "date_in_future"
    assert answer_problems("renew_today", None, "maybe", DAY, DAY)[0][1] == "unknown_answer"
    assert answer_problems("renew_today", None, "no", DAY, DAY) == []


def test_median_time_to_onboard_of_30_45_60_90_is_52_5() -> None:
    kickoff = date(2026, 1, 1)
    rows = [
        onboarding(
            Milestones(uuid.UUID(int=i), kickoff, date.fromordinal(kickoff.toordinal() + d)),
            DAY.replace(month=12),
        )
        for i, d in enumerate([30, 45, 60, 90])
    ]
    still = onboarding(Milestones(uuid.UUID(int=9), date(2026, 11, 1)), date(2026, 12, 10))
    summary = cohort([*rows, still])
    assert summary.time_to_onboard.median == Decimal("52.5")
    assert summary.time_to_onboard.count == 4
    assert summary.time_to_onboard.p25 == Decimal("41.25")
    assert summary.still_onboarding == 1
    assert still.days_so_far == 39
    assert still.days_to_onboard is None
    assert dict(summary.time_to_onboard.distribution)["30-59"] == 2


def test_engagement_days_since_and_cadence() -> None:
    touches = [
        TouchDay(A, date(2026, 3, 1), Direction.outbound),
        TouchDay(A, date(2026, 3, 5), Direction.inbound),
        TouchDay(A, date(2026, 3, 15), Direction.outbound),
        TouchDay(A, date(2026, 3, 15), Direction.outbound),
    ]
    (a, b) = engagement([A, B], touches, date(2026, 3, 1), date(2026, 3, 20), 30)
    assert (a.days_since_last_touch, a.days_since_last_inbound) == (5, 15)
    assert a.touches_in_period == 4
    assert a.cadence_days == Decimal(7)
    assert not a.silent
    assert b.silent
    assert b.days_since_last_touch is None


def test_goal_share_counts_decided_and_overdue_goals() -> None:
    goals = [
        Goal(A, GoalStatus.achieved, date(2026, 2, 1), date(2026, 1, 20)),
        Goal(A, GoalStatus.missed, date(2026, 2, 1)),
        Goal(A, GoalStatus.in_progress, date(2026, 3, 1)),  # overdue
        Goal(A, GoalStatus.planned, date(2026, 6, 1)),  # not due yet: not judged
    ]
    share = goal_share(goals, DAY)
    assert share.share_achieved == Decimal(1) / 3
    assert share.overdue == 1
    assert goal_share([], DAY).share_achieved is None


def test_usage_month_stickiness_utilization_adoption() -> None:
    month = UsageMonthInput(
        A, 31, 31, 31 * 12, 40, SeatRecord(A, date(2026, 1, 1), 50), frozenset({"reports"})
    )
    result = usage_month(month, ["reports", "alerts"])
    assert result.average_daily_actives == Decimal(12)
    assert result.stickiness == Decimal("0.3")
    assert result.license_utilization == Decimal("0.8")
    assert result.adoption_breadth == Decimal("0.5")
    unlimited = usage_month(
        UsageMonthInput(A, 31, 31, 10, 5, SeatRecord(A, DAY, None), frozenset()), []
    )
    assert unlimited.utilization_status is UtilizationStatus.unlimited
    assert unlimited.license_utilization is None
    assert unlimited.adoption_breadth is None


def test_row_plan_created_updated_unchanged_and_duplicates() -> None:
    plan = plan_rows([("a", 1), ("b", 2), ("c", 3), ("a", 9)], {"b": 2, "c": 4})
    assert plan.statuses == (RowStatus.created, RowStatus.unchanged, RowStatus.updated, None)
    assert plan.duplicates == ((3, 0),)
