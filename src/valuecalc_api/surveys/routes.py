"""HTTP endpoints of survey responses (SPEC 5); the scores are in `score_routes`.

Writes need an editor or admin key for the whole organization; reads see the customers of
a tracker-limited key's trackers only. Bulk writes take `{"rows": [...]}` (1-10,000 rows),
apply all or nothing and name each bad row by index; a POST with `Idempotency-Key`
replays its first answer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.models.survey_response import SurveyResponse
from valuecalc_api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    page_of,
    position_after,
)
from valuecalc_api.signals import repository as signals
from valuecalc_api.signals.access import check_customer
from valuecalc_api.signals.route_parts import CUSTOMER_NOT_FOUND, CustomerQuery
from valuecalc_api.signals.row_routes import SignalKind, add_row_routes
from valuecalc_api.signals.schemas import Day
from valuecalc_api.surveys import service
from valuecalc_api.surveys.schemas import (
    SURVEY_BULK_EXAMPLE,
    SurveyResponseOut,
    SurveyResponseRow,
)
from valuecalc_core.signals.surveys import SurveyKind

router = APIRouter(tags=["surveys"])


@router.get(
    "/survey-responses", response_model=Page[SurveyResponseOut], responses=CUSTOMER_NOT_FOUND
)
async def list_survey_responses(
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    customer_id: CustomerQuery = None,
    kind: Annotated[SurveyKind | None, Query(description="Only this kind.")] = None,
    first_day: Annotated[
        Day | None, Query(alias="from", description="Answered on or after this day.")
    ] = None,
    last_day: Annotated[Day | None, Query(alias="to", description="Answered on or before.")] = None,
) -> Page[SurveyResponseOut]:
    """Survey responses in the order they were stored."""
    await check_customer(session, principal, customer_id)
    where = []
    if kind is not None:
        where.append(SurveyResponse.kind == kind.value)
    if first_day is not None:
        where.append(SurveyResponse.answered_on >= first_day)
    if last_day is not None:
        where.append(SurveyResponse.answered_on <= last_day)
    found = await signals.list_signal_rows(
        session,
        SurveyResponse,
        principal.organization_id,
        principal.tracker_ids,
        customer_id=customer_id,
        limit=limit + 1,
        after=position_after(cursor),
        where=where,
    )
    return page_of(found, limit, SurveyResponseOut.model_validate)


add_row_routes(
    router,
    SignalKind(
        path="/survey-responses",
        id_parameter="response_id",
        singular="survey response",
        plural="survey responses",
        model=SurveyResponse,
        row=SurveyResponseRow,
        out=SurveyResponseOut,
        write=service.write_responses,
        bulk_example=SURVEY_BULK_EXAMPLE,
        bulk_doc="Add or update up to 10,000 survey responses, matched on `external_id`.",
        create_doc="Add one survey response (the bulk write with one row): 201 when new, "
        "200 when a response with the same `external_id` was updated or already equal.",
        exists_doc="A response with this `external_id` existed: it was updated (or was "
        "already equal).",
    ),
    with_list=False,
)
