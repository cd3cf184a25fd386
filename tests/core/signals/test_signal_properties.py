"""Invariants of the signals core (issue 14), as hypothesis properties."""

from __future__ import annotations

import uuid
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tests.core.signals.strategies import (
    CUSTOMERS,
    END,
    START,
    answers,
    distributions,
    scored_kinds,
    usage_months,
)
from valuecalc_core.signals.engagement import Direction, TouchDay, engagement
from valuecalc_core.signals.onboarding import duration_summary
from valuecalc_core.signals.surveys import SurveyKind, score_from_distribution, survey_score
from valuecalc_core.signals.usage import (
    UsageMonthInput,
    UtilizationStatus,
    usage_month,
    usage_rollup,
    utilization,
)


@given(distributions(SurveyKind.nps))
def test_nps_is_between_minus_100_and_100(counts: dict[int, int]) -> None:
    result = score_from_distribution(SurveyKind.nps, counts)
    assert result.score is None or -100 <= result.score <= 100


@given(st.sampled_from([SurveyKind.csat, SurveyKind.ces]), st.data())
def test_csat_and_ces_are_between_0_and_100(kind: SurveyKind, data: st.DataObject) -> None:
    result = score_from_distribution(kind, data.draw(distributions(kind)))
    assert result.score is None or 0 <= result.score <= 100


@given(distributions(SurveyKind.nps), st.sampled_from([9, 10]))
def test_adding_a_promoter_never_lowers_nps(counts: dict[int, int], promoter: int) -> None:
    before = score_from_distribution(SurveyKind.nps, counts).score
    more = {**counts, promoter: counts.get(promoter, 0) + 1}
    after = score_from_distribution(SurveyKind.nps, more).score
    assert after is not None
    assert before is None or after >= before


@given(scored_kinds, st.data())
def test_distribution_sums_to_the_response_count(kind: SurveyKind, data: st.DataObject) -> None:
    result = survey_score(data.draw(answers(kind)), kind, START, END)
    assert sum(count for _, count in result.distribution) == result.response_count


@given(scored_kinds, st.data(), st.integers(2, 5))
def test_margin_of_error_shrinks_as_answers_of_the_same_mix_are_added(
    kind: SurveyKind, data: st.DataObject, factor: int
) -> None:
    counts = data.draw(distributions(kind).filter(lambda c: sum(c.values()) > 0))
    few = score_from_distribution(kind, counts).interval
    many = score_from_distribution(kind, {s: n * factor for s, n in counts.items()}).interval
    assert few is not None
    assert many is not None
    assert many.margin_of_error < few.margin_of_error


@given(scored_kinds, st.data())
def test_permuting_answers_changes_nothing(kind: SurveyKind, data: st.DataObject) -> None:
    rows = data.draw(answers(kind))
    shuffled = data.draw(st.permutations(rows))
    assert survey_score(rows, kind, START, END) == survey_score(shuffled, kind, START, END)


@given(usage_months, st.lists(st.sampled_from(["reports", "alerts", "api"]), max_size=3))
def test_license_utilization_never_divides_by_zero(month: object, features: list[str]) -> None:
    from valuecalc_core.signals.usage import UsageMonthInput

    assert isinstance(month, UsageMonthInput)
    result = usage_month(month, features)  # never raises
    if result.license_utilization is not None:
        assert result.utilization_status is UtilizationStatus.ratio
        assert result.seats
    if result.unlimited_seats:
        assert result.license_utilization is None
    if result.adoption_breadth is not None:
        assert 0 <= result.adoption_breadth <= 1


@given(st.one_of(st.none(), st.integers(0, 100)))
def test_zero_seats_is_no_seats_not_a_ratio(actives: int | None) -> None:
    from tests.core.signals.strategies import CUSTOMERS
    from valuecalc_core.signals.usage import SeatRecord

    status, ratio = utilization(actives, SeatRecord(CUSTOMERS[0], date(2026, 1, 1), 0))
    assert (status, ratio) == (UtilizationStatus.no_seats, None)


@given(st.lists(usage_months, max_size=8), st.data())
def test_permuting_customers_changes_no_usage_rollup(
    months: list[UsageMonthInput], data: st.DataObject
) -> None:
    figures = [usage_month(m, ["reports", "alerts"]) for m in months]
    shuffled = data.draw(st.permutations(figures))
    assert usage_rollup(figures) == usage_rollup(shuffled)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(CUSTOMERS),
            st.dates(date(2026, 1, 1), date(2026, 3, 31)),
            st.sampled_from(list(Direction)),
        ),
        max_size=30,
    ),
    st.data(),
)
def test_permuting_touches_changes_no_engagement(
    rows: list[tuple[uuid.UUID, date, Direction]], data: st.DataObject
) -> None:
    touches = [TouchDay(c, d, direction) for c, d, direction in rows]
    shuffled = data.draw(st.permutations(touches))
    run = (CUSTOMERS, date(2026, 2, 1), date(2026, 3, 31), 30)
    assert engagement(CUSTOMERS, touches, *run[1:]) == engagement(CUSTOMERS, shuffled, *run[1:])


@given(st.lists(st.integers(0, 400), max_size=30), st.data())
def test_onboarding_percentiles_are_ordered_and_permutation_free(
    days: list[int], data: st.DataObject
) -> None:
    summary = duration_summary(days)
    assert summary == duration_summary(data.draw(st.permutations(days)))
    assert sum(n for _, n in summary.distribution) == len(days)
    if days:
        assert summary.p25 is not None
        assert summary.median is not None
        assert summary.p75 is not None
        assert summary.p90 is not None
        assert min(days) <= summary.p25 <= summary.median <= summary.p75 <= summary.p90 <= max(days)
