"""Overrides in force, history dates and trends, and the backtest (AUC) exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from valuecalc_core.health.backtest import BacktestCustomer, Outcome, backtest, outcome
from valuecalc_core.health.history import Every, TrendDirection, history_dates, score_trend
from valuecalc_core.health.overrides import OverrideStatus, ScoreOverride, override_in_force
from valuecalc_core.health.profile import Band, BandCutoffs

D = Decimal
BANDS = BandCutoffs(D(40), D(70))


def _override(id: str, starts: date, expires: date, ended: date | None = None) -> ScoreOverride:
    return ScoreOverride(id, D(30), "exec sponsor left", "key-1", starts, expires, ended)


def test_an_override_applies_through_its_expiry_day_and_not_the_day_after() -> None:
    override = _override("o1", date(2026, 3, 1), date(2026, 3, 31))
    assert override_in_force([override], date(2026, 2, 28)) is None
    assert override_in_force([override], date(2026, 3, 1)) == override
    assert override_in_force([override], date(2026, 3, 31)) == override
    assert override_in_force([override], date(2026, 4, 1)) is None
    assert override.status(date(2026, 4, 1)) is OverrideStatus.expired
    assert override.status(date(2026, 2, 1)) is OverrideStatus.scheduled


def test_an_ended_override_stops_on_its_end_day_and_the_latest_start_wins() -> None:
    ended = _override("o1", date(2026, 3, 1), date(2026, 12, 31), ended=date(2026, 3, 10))
    assert override_in_force([ended], date(2026, 3, 9)) == ended
    assert override_in_force([ended], date(2026, 3, 10)) is None
    early = _override("early", date(2026, 1, 1), date(2026, 12, 31))
    late = _override("late", date(2026, 2, 1), date(2026, 2, 28))
    assert override_in_force([late, early], date(2026, 2, 15)) == late
    assert override_in_force([late, early], date(2026, 3, 15)) == early


def test_monthly_history_dates_are_month_ends_and_the_end_date() -> None:
    assert history_dates(date(2026, 1, 15), date(2026, 4, 10), Every.month) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 10),
    ]
    assert history_dates(date(2026, 1, 1), date(2026, 2, 28), Every.month) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
    ]
    assert history_dates(date(2026, 3, 1), date(2026, 3, 22), Every.week) == [
        date(2026, 3, 1),
        date(2026, 3, 8),
        date(2026, 3, 15),
        date(2026, 3, 22),
    ]
    assert history_dates(date(2026, 3, 2), date(2026, 3, 1), Every.week) == []


def test_trend_against_the_comparison_date() -> None:
    up = score_trend(date(2026, 3, 31), D("65.00"), date(2025, 12, 31), D("50.50"), D(2))
    assert (up.change, up.direction) == (D("14.50"), TrendDirection.up)
    flat = score_trend(date(2026, 3, 31), D("65.00"), date(2026, 2, 28), D("63.00"), D(2))
    assert flat.direction is TrendDirection.flat
    down = score_trend(date(2026, 3, 31), D("60.00"), date(2026, 2, 28), D("63.00"), D(2))
    assert (down.change, down.direction) == (D("-3.00"), TrendDirection.down)
    none = score_trend(date(2026, 3, 31), D("60.00"), date(2026, 2, 28), None, D(2))
    assert (none.change, none.direction) == (None, TrendDirection.undefined)


def test_outcomes_from_arr_before_and_after() -> None:
    assert outcome(D(1000), None) is Outcome.churned
    assert outcome(D(1000), D(0)) is Outcome.churned
    assert outcome(D(1000), D(999)) is Outcome.contracted
    assert outcome(D(1000), D(1000)) is Outcome.retained
    assert outcome(D(1000), D(1500)) is Outcome.retained


def _customer(score: str | None, lost: Outcome) -> BacktestCustomer:
    value = None if score is None else D(score)
    return BacktestCustomer(value, None if value is None else BANDS.band(value), lost)


def test_a_score_that_separates_churners_perfectly_has_auc_1() -> None:
    book = [_customer(s, Outcome.churned) for s in ("10", "20", "35")]
    book += [_customer(s, Outcome.contracted) for s in ("45",)]
    book += [_customer(s, Outcome.retained) for s in ("50", "80", "90", "95")]
    book += [_customer(None, Outcome.churned)]
    result = backtest(book)
    assert result.auc == D(1)
    assert (result.scored, result.lost, result.retained) == (8, 4, 4)
    red, yellow, green, unscored = result.bands
    assert (red.band, red.customers, red.churned, red.churn_rate) == (Band.red, 3, 3, D(1))
    assert (yellow.customers, yellow.contracted, yellow.contraction_rate) == (2, 1, D("0.5"))
    assert (green.customers, green.churned, green.churn_rate) == (3, 0, D(0))
    assert (unscored.band, unscored.customers, unscored.churned) == (None, 1, 1)


def test_a_score_unrelated_to_churn_has_auc_about_one_half() -> None:
    # Scores 0..99; every 4th customer churned, whatever its score: a deterministic book in
    # which churn does not depend on the score (each churner has retained neighbours).
    book = [
        _customer(str(score), Outcome.churned if score % 4 == 1 else Outcome.retained)
        for score in range(100)
    ]
    auc = backtest(book).auc
    assert auc is not None
    assert abs(auc - D("0.5")) <= D("0.02")


def test_ties_count_half_and_a_one_sided_book_has_no_auc() -> None:
    tied = backtest([_customer("50", Outcome.churned), _customer("50", Outcome.retained)])
    assert tied.auc == D("0.5")
    mixed = backtest(
        [
            _customer("50", Outcome.churned),
            _customer("50", Outcome.retained),
            _customer("60", Outcome.retained),
        ]
    )
    assert mixed.auc == D("0.75")  # pairs: (50 vs 50) half, (60 vs 50) one: 1.5 / 2
    inverted = backtest([_customer("90", Outcome.churned), _customer("10", Outcome.retained)])
    assert inverted.auc == D(0)
    one_sided = backtest([_customer("50", Outcome.retained)])
    assert one_sided.auc is None
    assert one_sided.auc_undefined_reason == "needs_lost_and_retained_customers"
