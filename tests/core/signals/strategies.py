"""Hypothesis strategies for the signals core: survey answers, seat records, usage months."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from hypothesis import strategies as st

from valuecalc_core.signals.surveys import SCALES, SurveyAnswer, SurveyKind
from valuecalc_core.signals.usage import SeatRecord, UsageMonthInput

START = date(2026, 1, 1)
END = date(2026, 3, 31)
CUSTOMERS = tuple(uuid.UUID(int=i + 1) for i in range(4))

scored_kinds = st.sampled_from([SurveyKind.nps, SurveyKind.csat, SurveyKind.ces])


def distributions(kind: SurveyKind) -> st.SearchStrategy[dict[int, int]]:
    low, high = SCALES[kind]
    return st.dictionaries(st.integers(low, high), st.integers(0, 40), max_size=high - low + 1)


@st.composite
def answers(draw: st.DrawFn, kind: SurveyKind) -> list[SurveyAnswer]:
    """Answers of one kind, respondents sometimes answering several times, some excluded."""
    low, high = SCALES[kind]
    count = draw(st.integers(0, 30))
    rows = []
    for index in range(count):
        rows.append(
            SurveyAnswer(
                external_id=f"r{index:03d}",
                customer_id=draw(st.sampled_from(CUSTOMERS)),
                respondent=draw(st.sampled_from(["ann", "bob", "cy", "di", "ed"])),
                answered_on=START + timedelta(days=draw(st.integers(-10, 100))),
                kind=kind,
                score=draw(st.integers(low, high)),
                excluded=draw(st.integers(0, 3)) == 0,
            )
        )
    return rows


seat_records = st.builds(
    SeatRecord,
    customer_id=st.just(CUSTOMERS[0]),
    effective_on=st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    seats=st.one_of(st.none(), st.integers(0, 500)),
)

usage_months = st.builds(
    UsageMonthInput,
    customer_id=st.sampled_from(CUSTOMERS),
    days_in_month=st.integers(0, 31),
    days_reported=st.integers(0, 31),
    active_user_days=st.integers(0, 10_000),
    monthly_actives=st.one_of(st.none(), st.integers(0, 1000)),
    seats=st.one_of(st.none(), seat_records),
    features_used=st.frozensets(st.sampled_from(["reports", "alerts", "api", "sso"])),
)
