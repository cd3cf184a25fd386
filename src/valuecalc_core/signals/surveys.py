"""Survey scores: NPS, CSAT, CES and "would you renew today" (SPEC 5).

Every score names its definition and returns the raw distribution (count per answer on
the whole scale) it came from, the number of answers counted, and a 95 % interval
(adjusted-Wald for NPS, Wilson for the CSAT/CES shares), so a score from 7 answers is not
read like one from 700. Within a window each respondent's latest answer of a kind counts
once (ties on the same day: the larger `external_id`); answers flagged `excluded` are
ignored as if never given.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from valuecalc_core.signals.days import day_problems
from valuecalc_core.signals.stats import Interval, adjusted_wald_nps, exact_decimal, wilson


class SurveyKind(StrEnum):
    nps = "nps"
    csat = "csat"
    ces = "ces"
    renew_today = "renew_today"


class RenewAnswer(StrEnum):
    yes = "yes"
    no = "no"
    unsure = "unsure"


SCALES: Mapping[SurveyKind, tuple[int, int]] = {
    SurveyKind.nps: (0, 10),
    SurveyKind.csat: (1, 5),
    SurveyKind.ces: (1, 7),
}
"""The inclusive score range of each scored kind."""

_POSITIVE_FROM = {SurveyKind.csat: 4, SurveyKind.ces: 5}
PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6


class ScoreDefinition(StrEnum):
    every_response = "every_response"
    customer_mean = "customer_mean"


DEFINITIONS: Mapping[tuple[SurveyKind, ScoreDefinition], str] = {
    (SurveyKind.nps, ScoreDefinition.every_response): (
        "NPS = % promoters (9-10) - % detractors (0-6) over every counted answer; each "
        "respondent's latest answer in the window counts once; from -100 to 100."
    ),
    (SurveyKind.nps, ScoreDefinition.customer_mean): (
        "B2B NPS = the mean over customers of each customer's NPS (% promoters (9-10) - % "
        "detractors (0-6) of its respondents' latest answers in the window), so every "
        "customer weighs the same whatever its number of respondents."
    ),
    (SurveyKind.csat, ScoreDefinition.every_response): (
        "CSAT = share of 4-5 answers on the 1-5 scale x 100 over every counted answer; each "
        "respondent's latest answer in the window counts once; from 0 to 100."
    ),
    (SurveyKind.ces, ScoreDefinition.every_response): (
        "CES = share of 5-7 answers on the 1-7 scale x 100 over every counted answer; each "
        "respondent's latest answer in the window counts once; from 0 to 100."
    ),
}


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    """One stored response. `score` for nps/csat/ces, `answer` for renew_today."""

    external_id: str
    customer_id: uuid.UUID
    respondent: str
    answered_on: date
    kind: SurveyKind
    score: int | None = None
    answer: RenewAnswer | None = None
    comment: str | None = None
    excluded: bool = False


def counted_answers(
    answers: Iterable[SurveyAnswer], kind: SurveyKind, start: date, end: date
) -> list[SurveyAnswer]:
    """The answers of `kind` that count in [start, end]: each respondent's (per customer)
    latest non-excluded one; ordered by customer, respondent."""
    latest: dict[tuple[uuid.UUID, str], SurveyAnswer] = {}
    for item in answers:
        if item.kind is not kind or item.excluded or not start <= item.answered_on <= end:
            continue
        key = (item.customer_id, item.respondent)
        held = latest.get(key)
        if held is None or (item.answered_on, item.external_id) > (
            held.answered_on,
            held.external_id,
        ):
            latest[key] = item
    return [latest[key] for key in sorted(latest, key=lambda k: (str(k[0]), k[1]))]


@dataclass(frozen=True, slots=True)
class SurveyScore:
    """A score with what it came from. `score` is None when no answer counted."""

    kind: SurveyKind
    definition: ScoreDefinition
    definition_text: str
    score: Decimal | None
    response_count: int
    distribution: tuple[tuple[int, int], ...]  # (answer on the scale, count), whole scale
    interval: Interval | None
    customer_count: int | None = None  # customers whose NPS is averaged (customer_mean)


def distribution_of(kind: SurveyKind, scores: Iterable[int]) -> dict[int, int]:
    low, high = SCALES[kind]
    counts = dict.fromkeys(range(low, high + 1), 0)
    for score in scores:
        counts[score] += 1
    return counts


def _full_scale(kind: SurveyKind, counts: Mapping[int, int]) -> tuple[tuple[int, int], ...]:
    low, high = SCALES[kind]
    unknown = set(counts) - set(range(low, high + 1))
    if unknown:
        raise ValueError(f"scores {sorted(unknown)} are outside the {kind} scale")
    return tuple((score, counts.get(score, 0)) for score in range(low, high + 1))


def nps_value(promoters: int, detractors: int, total: int) -> Decimal:
    return Decimal(100) * (promoters - detractors) / total


def score_from_distribution(kind: SurveyKind, counts: Mapping[int, int]) -> SurveyScore:
    """The every-response score of a distribution (count per score) of counted answers."""
    distribution = _full_scale(kind, counts)
    total = sum(count for _, count in distribution)
    definition_text = DEFINITIONS[(kind, ScoreDefinition.every_response)]
    if kind is SurveyKind.nps:
        promoters = sum(c for s, c in distribution if s >= PROMOTER_FROM)
        detractors = sum(c for s, c in distribution if s <= DETRACTOR_UP_TO)
        score = nps_value(promoters, detractors, total) if total else None
        interval = adjusted_wald_nps(promoters, detractors, total)
    else:
        positive = sum(c for s, c in distribution if s >= _POSITIVE_FROM[kind])
        score = Decimal(100) * positive / total if total else None
        interval = wilson(positive, total)
    return SurveyScore(
        kind, ScoreDefinition.every_response, definition_text, score, total, distribution, interval
    )


def survey_score(
    answers: Iterable[SurveyAnswer], kind: SurveyKind, start: date, end: date
) -> SurveyScore:
    """The every-response score of `kind` over [start, end] from raw answers."""
    counted = counted_answers(answers, kind, start, end)
    return score_from_distribution(
        kind, distribution_of(kind, (a.score for a in counted if a.score is not None))
    )


def nps_customer_mean(per_customer: Mapping[uuid.UUID, Mapping[int, int]]) -> SurveyScore:
    """B2B NPS as the mean of per-customer NPS. The distribution is the pooled one; no
    interval is given (the answers of one customer are not independent draws)."""
    pooled: dict[int, int] = distribution_of(SurveyKind.nps, ())
    values: list[Fraction] = []  # exact, so the order of the customers cannot matter
    for counts in per_customer.values():
        one = score_from_distribution(SurveyKind.nps, counts)
        for score, count in one.distribution:
            pooled[score] += count
        total = sum(c for _, c in one.distribution)
        if total:
            promoters = sum(c for s, c in one.distribution if s >= PROMOTER_FROM)
            detractors = sum(c for s, c in one.distribution if s <= DETRACTOR_UP_TO)
            values.append(Fraction(100 * (promoters - detractors), total))
    mean = exact_decimal(sum(values, Fraction(0)) / len(values)) if values else None
    return SurveyScore(
        SurveyKind.nps,
        ScoreDefinition.customer_mean,
        DEFINITIONS[(SurveyKind.nps, ScoreDefinition.customer_mean)],
        mean,
        sum(pooled.values()),
        _full_scale(SurveyKind.nps, pooled),
        None,
        customer_count=len(values),
    )


def answer_problems(
    kind: str, score: int | None, answer: str | None, answered_on: date, today: date
) -> list[tuple[str, str, str]]:
    """(field, code, message) for each problem of one response; empty when it is valid."""
    try:
        known = SurveyKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in SurveyKind)
        return [("kind", "unknown_kind", f"kind must be one of {kinds}.")]
    problems = day_problems("answered_on", answered_on, today)
    if known is SurveyKind.renew_today:
        if score is not None:
            problems.append(("score", "score_not_allowed", "renew_today takes `answer`, no score."))
        if answer not in {a.value for a in RenewAnswer}:
            problems.append(
                ("answer", "unknown_answer", "renew_today needs `answer`: yes, no or unsure.")
            )
        return problems
    low, high = SCALES[known]
    if answer is not None:
        problems.append(("answer", "answer_not_allowed", f"{kind} takes `score`, no answer."))
    if score is None or not low <= score <= high:
        problems.append(
            ("score", "score_out_of_scale", f"{kind} needs a whole score from {low} to {high}.")
        )
    return problems


@dataclass(frozen=True, slots=True)
class AnswerArr:
    """The ARR behind one renew-today answer and its share of the answering customers' ARR."""

    answer: RenewAnswer
    arr: Decimal
    share: Decimal | None


@dataclass(frozen=True, slots=True)
class RenewToday:
    response_count: int
    counts: tuple[tuple[RenewAnswer, int], ...]
    follow_ups: tuple[SurveyAnswer, ...]  # the no and unsure answers, with their comments
    arr: tuple[AnswerArr, ...] | None
    currency: str | None
    arr_unavailable_reason: str | None
    customers_without_arr: int


def renew_today(
    counted: Sequence[SurveyAnswer], arr_by_customer: Mapping[uuid.UUID, tuple[Decimal, str]]
) -> RenewToday:
    """Counts, follow-ups and ARR behind each answer of counted renew-today answers.

    A customer's ARR is split equally over its counted answers (two respondents, a yes
    and a no: half behind each). Shares are of the ARR of the customers that answered.
    ARR is unavailable (with the reason) when the revenue ledger has none of them, or
    when they are in several currencies (never added without an FX table, SPEC 2).
    """
    counts = dict.fromkeys(RenewAnswer, 0)
    per_customer: dict[uuid.UUID, list[RenewAnswer]] = {}
    for item in counted:
        assert item.answer is not None
        counts[item.answer] += 1
        per_customer.setdefault(item.customer_id, []).append(item.answer)
    follow_ups = tuple(
        sorted(
            (a for a in counted if a.answer in (RenewAnswer.no, RenewAnswer.unsure)),
            key=lambda a: (a.answered_on, a.external_id),
            reverse=True,
        )
    )
    known = {c: arr_by_customer[c] for c in per_customer if c in arr_by_customer}
    currencies = {currency for _, currency in known.values()}
    reason = None
    if not per_customer:
        reason = "No renew-today answers in the window."
    elif not known:
        reason = "The revenue ledger has no ARR for the customers that answered."
    elif len(currencies) > 1:
        reason = f"The answering customers' ARR is in several currencies ({', '.join(sorted(currencies))})."
    if reason is not None:
        arr = None
        currency = None
    else:
        # Exact shares (Fractions), so the order of the customers cannot matter.
        behind = dict.fromkeys(RenewAnswer, Fraction(0))
        for customer, (amount, _) in known.items():
            given = per_customer[customer]
            for answer in given:
                behind[answer] += Fraction(amount) / len(given)
        total = sum(behind.values(), Fraction(0))
        arr = tuple(
            AnswerArr(answer, exact_decimal(value), exact_decimal(value / total) if total else None)
            for answer, value in behind.items()
        )
        (currency,) = currencies
    return RenewToday(
        response_count=len(counted),
        counts=tuple(counts.items()),
        follow_ups=follow_ups,
        arr=arr,
        currency=currency,
        arr_unavailable_reason=reason,
        customers_without_arr=len(per_customer) - len(known),
    )
