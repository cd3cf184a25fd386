"""HTTP endpoints of survey responses (SPEC 5); the scores are in `score_routes`.

Writes need an editor or admin key for the whole organization; reads see the customers of
a tracker-limited key's trackers only. Bulk writes take `{"rows": [...]}` (1-10,000 rows),
apply all or nothing and name each bad row by index; a POST with `Idempotency-Key`
replays its first answer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal, PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.models.audit import AuditEntity
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
from valuecalc_api.signals.csv_out import (
    CSV_MAX_ROWS,
    RECORDS_CSV_OK,
    CsvLimitQuery,
    records_csv,
)
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


@dataclass(frozen=True, slots=True)
class SurveyFilter:
    """The filters of the survey response list, JSON and CSV alike."""

    customer_id: uuid.UUID | None
    where: list[ColumnElement[bool]]


async def _survey_filter(
    principal: PrincipalDep,
    session: SessionDep,
    customer_id: CustomerQuery = None,
    kind: Annotated[SurveyKind | None, Query(description="Only this kind.")] = None,
    first_day: Annotated[
        Day | None, Query(alias="from", description="Answered on or after this day.")
    ] = None,
    last_day: Annotated[Day | None, Query(alias="to", description="Answered on or before.")] = None,
) -> SurveyFilter:
    await check_customer(session, principal, customer_id)
    where: list[ColumnElement[bool]] = []
    if kind is not None:
        where.append(SurveyResponse.kind == kind.value)
    if first_day is not None:
        where.append(SurveyResponse.answered_on >= first_day)
    if last_day is not None:
        where.append(SurveyResponse.answered_on <= last_day)
    return SurveyFilter(customer_id, where)


SurveyFilterDep = Annotated[SurveyFilter, Depends(_survey_filter)]


async def _responses(
    session: AsyncSession,
    principal: Principal,
    survey_filter: SurveyFilter,
    limit: int,
    cursor: str | None,
) -> Page[SurveyResponseOut]:
    found = await signals.list_signal_rows(
        session,
        SurveyResponse,
        principal.organization_id,
        principal.tracker_ids,
        customer_id=survey_filter.customer_id,
        limit=limit + 1,
        after=position_after(cursor),
        where=survey_filter.where,
    )
    return page_of(found, limit, SurveyResponseOut.model_validate)


@router.get(
    "/survey-responses", response_model=Page[SurveyResponseOut], responses=CUSTOMER_NOT_FOUND
)
async def list_survey_responses(
    principal: PrincipalDep,
    session: SessionDep,
    survey_filter: SurveyFilterDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[SurveyResponseOut]:
    """Survey responses in the order they were stored."""
    return await _responses(session, principal, survey_filter, limit, cursor)


@router.get(
    "/survey-responses.csv",
    response_class=Response,
    responses=RECORDS_CSV_OK | CUSTOMER_NOT_FOUND,
)
async def list_survey_responses_csv(
    principal: PrincipalDep,
    session: SessionDep,
    survey_filter: SurveyFilterDep,
    limit: CsvLimitQuery = CSV_MAX_ROWS,
    cursor: CursorQuery = None,
) -> Response:
    """Survey responses as CSV: the JSON list's records and filters, up to 10,000 rows a
    file."""
    page = await _responses(session, principal, survey_filter, limit, cursor)
    return records_csv(SurveyResponseOut, page.items, page.next_cursor, "survey-responses.csv")


add_row_routes(
    router,
    SignalKind(
        path="/survey-responses",
        id_parameter="response_id",
        singular="survey response",
        plural="survey responses",
        model=SurveyResponse,
        entity=AuditEntity.survey_response,
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
