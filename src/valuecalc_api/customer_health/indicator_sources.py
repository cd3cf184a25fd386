"""Where each indicator's raw value comes from: one registry, one reader per kind.

A reader gets the customers and the as-of date and answers the raw values it has (one
batch of queries for any number of customers) and the reason the others have none:
value realization from the Value Tracker reports, NRR from the revenue ledger's ARR, the
pulse, and the customer signals' own functions for health scores (NPS and CSAT over a
window, days since the last touch, share of goals achieved, DAU/MAU and license
utilization of the as-of month). Ratios the signals give as fractions are scored in %.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.customer_health import repository
from valuecalc_api.engagement.repository import touch_days
from valuecalc_api.goals.service import goal_shares_by_customer
from valuecalc_api.pulse.repository import latest_pulses
from valuecalc_api.reports import repository as report_repository
from valuecalc_api.reports.loading import tracker_specs
from valuecalc_api.revenue.arr_lookup import arr_by_customer
from valuecalc_api.signals.repository import signal_settings
from valuecalc_api.surveys.repository import ScoreQuery, score_counts
from valuecalc_api.surveys.service import latest_nps_by_customer
from valuecalc_api.usage.service import usage_by_customer
from valuecalc_core.health.profile import IndicatorKind, IndicatorRule
from valuecalc_core.health.scoring import IndicatorReading
from valuecalc_core.months import Month
from valuecalc_core.report import tracker_summary
from valuecalc_core.signals.engagement import Direction, TouchDay, engagement
from valuecalc_core.signals.surveys import SurveyKind, score_from_distribution

DEFAULT_RETENTION_WINDOW_DAYS = 365
DEFAULT_SURVEY_WINDOW_DAYS = 365
# As `engagement.service.days_since_last_touch` reads them for health scores.
ENGAGEMENT_WINDOW_DAYS = 90
SILENT_AFTER_DAYS = 30
# A computed raw value (a percentage) is rounded to this before it is scored, so the value
# shown and the points computed from it agree.
RAW_VALUE_QUANTUM = Decimal("0.0001")
_RAW_VALUE_EXPONENT = -4
PULSE_POINTS = {"red": Decimal(0), "yellow": Decimal(50), "green": Decimal(100)}
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class SourceRequest:
    session: AsyncSession
    organization_id: uuid.UUID
    customer_ids: Collection[uuid.UUID]
    as_of: date
    rule: IndicatorRule
    visible_tracker_ids: Collection[uuid.UUID] | None


@dataclass(frozen=True, slots=True)
class SourceAnswer:
    """The values found, by customer; the others have none, for `missing_reason`."""

    values: Mapping[uuid.UUID, tuple[Decimal, date]]
    missing_reason: str


Source = Callable[[SourceRequest], Awaitable[SourceAnswer]]


async def _value_realization(request: SourceRequest) -> SourceAnswer:
    """Realized value as a % of the projected value through the as-of month, over the
    customer's trackers the key can see (per currency; the mean over currencies, never
    adding amounts of different currencies)."""
    tracker_ids = await repository.trackers_of_customers(
        request.session,
        request.organization_id,
        request.customer_ids,
        request.visible_tracker_ids,
    )
    if not tracker_ids:
        return SourceAnswer({}, "no_tracker")
    rows = await report_repository.load_tracker_rows(
        request.session, request.organization_id, tracker_ids=tracker_ids
    )
    month = Month.of(request.as_of.year, request.as_of.month)
    totals: dict[uuid.UUID, dict[str, list[Decimal]]] = {}
    for loaded in tracker_specs(rows):
        spec = loaded.spec
        if month < spec.period.first:
            continue
        summary = tracker_summary(spec, min(month, spec.period.last))
        if summary.projected is None:
            continue  # no calculation projects anything: nothing to realize against
        sums = totals.setdefault(uuid.UUID(loaded.customer_id), {}).setdefault(
            spec.currency, [Decimal(0), Decimal(0)]
        )
        sums[0] += summary.realized
        sums[1] += summary.projected
    values: dict[uuid.UUID, tuple[Decimal, date]] = {}
    for customer_id, by_currency in totals.items():
        shares = [r * _HUNDRED / p for r, p in by_currency.values() if p > 0]
        if shares:
            values[customer_id] = (sum(shares, Decimal(0)) / len(shares), request.as_of)
    return SourceAnswer(values, "no_projected_value")


async def _net_revenue_retention(request: SourceRequest) -> SourceAnswer:
    """ARR at the as-of date as a % of ARR `window_days` before (same currency only)."""
    window = request.rule.window_days or DEFAULT_RETENTION_WINDOW_DAYS
    then = request.as_of - timedelta(days=window)
    now_arr = await arr_by_customer(request.session, request.organization_id, request.as_of)
    then_arr = await arr_by_customer(request.session, request.organization_id, then)
    values: dict[uuid.UUID, tuple[Decimal, date]] = {}
    for customer_id in request.customer_ids:
        start = then_arr.get(customer_id)
        if start is None or start[0] <= 0:
            continue
        end_amount, end_currency = now_arr.get(customer_id, (Decimal(0), start[1]))
        if end_currency == start[1]:
            values[customer_id] = (end_amount * _HUNDRED / start[0], request.as_of)
    return SourceAnswer(values, "no_arr_at_window_start")


async def _pulse(request: SourceRequest) -> SourceAnswer:
    """The CSM's latest pulse on or before the as-of date: red 0, yellow 50, green 100."""
    pulses = await latest_pulses(
        request.session, request.organization_id, request.as_of, request.customer_ids
    )
    return SourceAnswer(
        {c: (PULSE_POINTS[p.status], p.recorded_on) for c, p in pulses.items()}, "no_pulse"
    )


async def _nps(request: SourceRequest) -> SourceAnswer:
    """NPS (-100..100) of the `window_days` (default 365) ending on the as-of date."""
    window = request.rule.window_days or DEFAULT_SURVEY_WINDOW_DAYS
    scores = await latest_nps_by_customer(
        request.session, request.organization_id, request.as_of, window
    )
    return SourceAnswer(
        {c: (s.score, request.as_of) for c, s in scores.items() if s.score is not None},
        "no_survey_answer",
    )


async def _csat(request: SourceRequest) -> SourceAnswer:
    """CSAT (share of 4-5 answers x 100) of the `window_days` (default 365) to the as-of
    date, counted as the surveys count it (each respondent's latest answer once)."""
    window = request.rule.window_days or DEFAULT_SURVEY_WINDOW_DAYS
    query = ScoreQuery(
        request.organization_id,
        SurveyKind.csat.value,
        request.as_of - timedelta(days=window - 1),
        request.as_of,
        group_by="customer",
    )
    per_customer: dict[uuid.UUID, dict[int, int]] = {}
    for item in await score_counts(request.session, query, None):
        per_customer.setdefault(item.customer_id, {})[item.score] = item.count
    values: dict[uuid.UUID, tuple[Decimal, date]] = {}
    for customer_id, counts in per_customer.items():
        score = score_from_distribution(SurveyKind.csat, counts).score
        if score is not None:
            values[customer_id] = (score, request.as_of)
    return SourceAnswer(values, "no_survey_answer")


async def _days_since_last_touch(request: SourceRequest) -> SourceAnswer:
    """Days from the last touch (its day in the organization's time zone) to the as-of
    date, as the engagement report counts them, for the requested customers only."""
    time_zone, _, _ = await signal_settings(request.session, request.organization_id)
    first_day = request.as_of - timedelta(days=ENGAGEMENT_WINDOW_DAYS - 1)
    days = await touch_days(
        request.session, request.organization_id, time_zone, first_day, request.as_of, None, None
    )
    wanted = set(request.customer_ids)
    touches = [TouchDay(c, day, Direction(d)) for c, day, d in days if c in wanted]
    found = engagement(wanted, touches, first_day, request.as_of, SILENT_AFTER_DAYS)
    return SourceAnswer(
        {
            e.customer_id: (Decimal(e.days_since_last_touch), e.last_touch_on or request.as_of)
            for e in found
            if e.days_since_last_touch is not None
        },
        "no_touch",
    )


async def _goals_achieved(request: SourceRequest) -> SourceAnswer:
    shares = await goal_shares_by_customer(request.session, request.organization_id, request.as_of)
    return SourceAnswer(
        {
            c: (share.share_achieved * _HUNDRED, request.as_of)
            for c, share in shares.items()
            if share.share_achieved is not None
        },
        "no_goal",
    )


def _usage(figure: str) -> Source:
    """A usage ratio of the as-of month (`stickiness` = DAU/MAU, `license_utilization`)."""

    async def read(request: SourceRequest) -> SourceAnswer:
        month = Month.of(request.as_of.year, request.as_of.month)
        usage = await usage_by_customer(request.session, request.organization_id, month)
        values: dict[uuid.UUID, tuple[Decimal, date]] = {}
        for customer_id, found in usage.items():
            ratio: Decimal | None = getattr(found, figure)
            if ratio is not None:
                values[customer_id] = (ratio * _HUNDRED, request.as_of)
        return SourceAnswer(values, "no_usage")

    return read


SOURCES: dict[IndicatorKind, Source] = {
    IndicatorKind.value_realization: _value_realization,
    IndicatorKind.net_revenue_retention: _net_revenue_retention,
    IndicatorKind.pulse: _pulse,
    IndicatorKind.nps: _nps,
    IndicatorKind.csat: _csat,
    IndicatorKind.dau_mau: _usage("stickiness"),
    IndicatorKind.license_utilization: _usage("license_utilization"),
    IndicatorKind.days_since_last_touch: _days_since_last_touch,
    IndicatorKind.goals_achieved: _goals_achieved,
}


def _rounded(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < _RAW_VALUE_EXPONENT:
        return value.quantize(RAW_VALUE_QUANTUM, ROUND_HALF_EVEN)
    return value


async def read_indicators(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_ids: Collection[uuid.UUID],
    as_of: date,
    rules: Collection[IndicatorRule],
    visible_tracker_ids: Collection[uuid.UUID] | None,
) -> dict[uuid.UUID, dict[IndicatorKind, IndicatorReading]]:
    """Every rule's reading of every customer as of `as_of` (a missing value with its reason)."""
    readings: dict[uuid.UUID, dict[IndicatorKind, IndicatorReading]] = {
        customer_id: {} for customer_id in customer_ids
    }
    if not readings:
        return readings
    for rule in rules:
        request = SourceRequest(
            session, organization_id, customer_ids, as_of, rule, visible_tracker_ids
        )
        answer = await SOURCES[rule.kind](request)
        for customer_id, found in readings.items():
            value = answer.values.get(customer_id)
            found[rule.kind] = (
                IndicatorReading(rule.kind, _rounded(value[0]), value[1])
                if value is not None
                else IndicatorReading(rule.kind, None, None, answer.missing_reason)
            )
    return readings
