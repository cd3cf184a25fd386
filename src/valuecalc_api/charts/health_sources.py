"""Where the health and experience charts get their figures: the payloads of
`GET /v1/customers/{id}/health`, `.../health/history`, `GET /v1/pulse-book` and
`GET /v1/survey-scores`, computed by the same service calls and written by the same
schemas, so a chart's data are the report's figures digit for digit.

Each is scoped like its report (a customer the key cannot see answers 404). Scores,
pulses, surveys and the ledger have no data version, so these charts are computed on each
request and tagged by their content (304 when the bytes are unchanged).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import Query

from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.charts import health_charts
from valuecalc_api.charts.chart_problems import currency_required
from valuecalc_api.charts.service import ChartSource
from valuecalc_api.charts.vega import ChartOptions, Spec
from valuecalc_api.cpu_work import run_cpu
from valuecalc_api.customer_health.days import Day
from valuecalc_api.customer_health.score_routes import ProfileQuery, VersionQuery
from valuecalc_api.customer_health.score_views import (
    customer_history,
    customer_score,
    default_start,
)
from valuecalc_api.customer_health.scores import chosen_profile
from valuecalc_api.customer_view.pulse_book import pulse_book
from valuecalc_api.customer_view.routes import OwnerQuery, SegmentQuery
from valuecalc_api.customers.repository import BookFilter
from valuecalc_api.db import SessionDep
from valuecalc_api.pulse.service import today
from valuecalc_api.signals.route_parts import CustomerQuery, WindowDep
from valuecalc_api.surveys.schemas import ScoredKind, ScoreGroupBy
from valuecalc_api.surveys.score_routes import _scores as survey_scores
from valuecalc_core.health.history import Every
from valuecalc_core.signals.surveys import ScoreDefinition

DayQuery = Annotated[Day | None, Query(description="Default: today (UTC).")]


async def health_history_chart(
    customer_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    from_: Annotated[
        Day | None,
        Query(alias="from", description="First day of the range (default: 12 months of points)."),
    ] = None,
    to: Annotated[Day | None, Query(description="Last day (default: today, UTC).")] = None,
    every: Annotated[Every, Query(description="A point per month end or per week.")] = (
        Every.month
    ),
    profile_id: ProfileQuery = None,
    version: VersionQuery = None,
) -> ChartSource:
    end = to or today()
    start = from_ or default_start(end)

    async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
        chosen = await chosen_profile(session, principal, profile_id, version)
        history = await customer_history(
            session,
            principal,
            customer_id,
            start=start,
            end=end,
            every=every,
            compare_with=None,
            flat_within=Decimal(2),
            chosen=chosen,
        )
        payload = history.model_dump(mode="json")
        # The bands of the very version the history was computed under.
        applied = await chosen_profile(
            session, principal, history.profile.id, history.profile.version
        )
        assert applied is not None  # a profile id was named
        bands = applied.definition.bands
        spec = await run_cpu(
            health_charts.health_history,
            payload,
            format(bands.yellow_from, "f"),
            format(bands.green_from, "f"),
            options,
        )
        return spec, ()

    return ChartSource(
        kind=f"health.history.{customer_id}",
        organization_id=principal.organization_id,
        tracker_id=None,
        version=None,
        parameters=(str(start), str(end), every.value, str(profile_id), str(version)),
        build=build,
        filename=f"health-history-{customer_id}-{end}",
        query_names=("from", "to", "every", "profile_id", "version"),
    )


async def health_contributions_chart(
    customer_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    as_of: DayQuery = None,
    profile_id: ProfileQuery = None,
    version: VersionQuery = None,
) -> ChartSource:
    day = as_of or today()

    async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
        chosen = await chosen_profile(session, principal, profile_id, version)
        score = await customer_score(session, principal, customer_id, day, chosen)
        payload = score.model_dump(mode="json")
        return await run_cpu(health_charts.health_contributions, payload, options), ()

    return ChartSource(
        kind=f"health.contributions.{customer_id}",
        organization_id=principal.organization_id,
        tracker_id=None,
        version=None,
        parameters=(str(day), str(profile_id), str(version)),
        build=build,
        filename=f"health-contributions-{customer_id}-{day}",
        query_names=("as_of", "profile_id", "version"),
    )


async def _pulse_payload(
    session: SessionDep, principal: PrincipalDep, day: Day, where: BookFilter
) -> dict[str, object]:
    book = await pulse_book(session, principal, day, where)
    return book.model_dump(mode="json")


async def pulse_customers_chart(
    principal: PrincipalDep,
    session: SessionDep,
    as_of: DayQuery = None,
    segment: SegmentQuery = None,
    owner: OwnerQuery = None,
) -> ChartSource:
    day = as_of or today()

    async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
        book = await _pulse_payload(session, principal, day, BookFilter(segment, owner))
        return health_charts.pulse_by_customers(book, options), ()

    return ChartSource(
        kind="pulse.customers",
        organization_id=principal.organization_id,
        tracker_id=None,
        version=None,
        parameters=(str(day), str(segment), str(owner)),
        build=build,
        filename=f"pulse-by-customers-{day}",
        query_names=("as_of", "segment", "owner"),
    )


async def pulse_arr_chart(
    principal: PrincipalDep,
    session: SessionDep,
    as_of: DayQuery = None,
    segment: SegmentQuery = None,
    owner: OwnerQuery = None,
    currency: Annotated[
        str | None,
        Query(
            pattern="^[A-Z]{3}$",
            description="The currency drawn (amounts are never added across currencies); "
            "required when the book's ARR is in more than one.",
            examples=["USD"],
        ),
    ] = None,
) -> ChartSource:
    day = as_of or today()

    async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
        book = await _pulse_payload(session, principal, day, BookFilter(segment, owner))
        currencies = health_charts.book_currencies(book)
        drawn = currency or (currencies[0] if len(currencies) == 1 else None)
        if drawn is None and currencies:
            raise currency_required(currencies)
        return health_charts.pulse_by_arr(book, drawn, options), (str(drawn),)

    return ChartSource(
        kind="pulse.arr",
        organization_id=principal.organization_id,
        tracker_id=None,
        version=None,
        parameters=(str(day), str(segment), str(owner), str(currency)),
        build=build,
        filename=f"pulse-by-arr-{day}",
        query_names=("as_of", "segment", "owner", "currency"),
    )


_WINDOW_NAMES = ("from", "to", "window_days", "as_of_day")


async def nps_distribution_chart(
    principal: PrincipalDep,
    session: SessionDep,
    window: WindowDep,
    customer_id: CustomerQuery = None,
) -> ChartSource:
    async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
        scores = await survey_scores(
            session,
            principal,
            window,
            ScoredKind.nps,
            ScoreDefinition.every_response,
            ScoreGroupBy.none,
            customer_id,
        )
        return health_charts.nps_distribution(scores.model_dump(mode="json"), options), ()

    return ChartSource(
        kind="surveys.nps-distribution",
        organization_id=principal.organization_id,
        tracker_id=None,
        version=None,
        parameters=(str(window.start), str(window.end), str(customer_id)),
        build=build,
        filename=f"nps-distribution-{window.start}-{window.end}",
        query_names=(*_WINDOW_NAMES, "customer_id"),
    )


async def nps_by_group_chart(
    principal: PrincipalDep,
    session: SessionDep,
    window: WindowDep,
    group_by: Annotated[
        ScoreGroupBy, Query(description="One bar per group (`none`: one for every answer).")
    ] = ScoreGroupBy.segment,
    customer_id: CustomerQuery = None,
) -> ChartSource:
    async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
        scores = await survey_scores(
            session,
            principal,
            window,
            ScoredKind.nps,
            ScoreDefinition.every_response,
            group_by,
            customer_id,
        )
        return health_charts.nps_by_group(scores.model_dump(mode="json"), options), ()

    return ChartSource(
        kind="surveys.nps-by-group",
        organization_id=principal.organization_id,
        tracker_id=None,
        version=None,
        parameters=(str(window.start), str(window.end), group_by.value, str(customer_id)),
        build=build,
        filename=f"nps-by-{group_by.value}-{window.start}-{window.end}",
        query_names=(*_WINDOW_NAMES, "group_by", "customer_id"),
    )
