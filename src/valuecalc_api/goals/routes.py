"""HTTP endpoints of customer goals (SPEC 5)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.goals import service
from valuecalc_api.goals.schemas import (
    GOAL_BULK_EXAMPLE,
    CustomerGoalsOut,
    GoalOut,
    GoalRow,
    GoalShareOut,
    GoalSummaryOut,
)
from valuecalc_api.imports.row_parsing import rows_of_body, validate_rows
from valuecalc_api.imports.schemas import bulk_body_schema
from valuecalc_api.models.goal import Goal
from valuecalc_api.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from valuecalc_api.problems import not_found
from valuecalc_api.signals import repository as signals
from valuecalc_api.signals.access import check_customer
from valuecalc_api.signals.bulk import applied, applied_one, require_signal_writer
from valuecalc_api.signals.csv_out import CSV_OK, csv_table
from valuecalc_api.signals.route_parts import WRITE_ERRORS, CustomerQuery
from valuecalc_api.signals.schemas import SignalBulkResult
from valuecalc_api.trackers.paging import page_of, position_after
from valuecalc_core.money import quantize_ratio
from valuecalc_core.signals.goals import GoalShare

router = APIRouter(tags=["goals"])


@router.post(
    "/goals/bulk",
    response_model=SignalBulkResult,
    responses=WRITE_ERRORS,
    openapi_extra={"requestBody": bulk_body_schema(GoalRow, GOAL_BULK_EXAMPLE)},
)
async def bulk_goals(request: Request, principal: EditorDep, session: SessionDep) -> Response:
    """Add or update up to 10,000 goals, matched on `external_id`."""
    require_signal_writer(principal)
    rows, problems = validate_rows(rows_of_body(await request.body()), GoalRow)
    return await applied(service.write_goals(session, principal, rows, problems))


@router.post(
    "/goals",
    response_model=GoalOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "A goal with this `external_id` existed.", "model": GoalOut},
        403: WRITE_ERRORS[403],
    },
)
async def create_goal(
    body: GoalRow, principal: EditorDep, session: SessionDep, response: Response
) -> GoalOut:
    """Add one goal or update it by `external_id` (the bulk write with one row)."""
    require_signal_writer(principal)
    row_id, outcome = await applied_one(service.write_goals(session, principal, [body], []))
    if outcome.value != "created":
        response.status_code = status.HTTP_200_OK
    stored = await signals.get_signal_row(session, Goal, principal.organization_id, row_id, None)
    return GoalOut.model_validate(stored)


@router.get("/goals", response_model=Page[GoalOut])
async def list_goals(
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    customer_id: CustomerQuery = None,
) -> Page[GoalOut]:
    await check_customer(session, principal, customer_id)
    found = await signals.list_signal_rows(
        session,
        Goal,
        principal.organization_id,
        principal.tracker_ids,
        customer_id=customer_id,
        limit=limit + 1,
        after=position_after(cursor),
    )
    return page_of(found, limit, GoalOut.model_validate)


@router.get("/goals/{goal_id}", response_model=GoalOut)
async def get_goal(goal_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> GoalOut:
    stored = await signals.get_signal_row(
        session, Goal, principal.organization_id, goal_id, principal.tracker_ids
    )
    if stored is None:
        raise not_found("goal")
    return GoalOut.model_validate(stored)


def _share(share: GoalShare) -> dict[str, object]:
    return {
        "goal_count": share.goal_count,
        "achieved": share.achieved,
        "missed": share.missed,
        "open": share.open,
        "overdue": share.overdue,
        "share_achieved": None
        if share.share_achieved is None
        else quantize_ratio(share.share_achieved),
    }


async def _summary(
    session: SessionDep,
    principal: PrincipalDep,
    as_of: Annotated[
        date | None,
        Query(alias="as_of_day", description="Overdue and due as of this day; default today."),
    ] = None,
    customer_id: CustomerQuery = None,
) -> GoalSummaryOut:
    await check_customer(session, principal, customer_id)
    _, _, today = await signals.signal_settings(session, principal.organization_id)
    day = as_of or today
    summary = await service.goal_summary(
        session, principal.organization_id, day, customer_id, principal.tracker_ids
    )
    return GoalSummaryOut(
        as_of_day=day,
        book=GoalShareOut.model_validate(_share(summary.book)),
        customers=[
            CustomerGoalsOut.model_validate({"customer_id": c, "name": name, **_share(share)})
            for c, name, share in summary.customers
        ],
        overdue=[GoalOut.model_validate(goal) for goal in summary.overdue],
    )


SummaryDep = Annotated[GoalSummaryOut, Depends(_summary)]


@router.get("/goal-summary", response_model=GoalSummaryOut)
async def goal_summary(summary: SummaryDep) -> GoalSummaryOut:
    """Share of goals achieved over the book and per customer, and the overdue goals."""
    return summary


@router.get("/goal-summary.csv", response_class=Response, responses=CSV_OK)
async def goal_summary_csv(summary: SummaryDep) -> Response:
    """One line per customer with goals."""
    head = [
        "customer_id",
        "name",
        "goal_count",
        "achieved",
        "missed",
        "open",
        "overdue",
        "share_achieved",
    ]
    rows = [
        [
            c.customer_id,
            c.name,
            c.goal_count,
            c.achieved,
            c.missed,
            c.open,
            c.overdue,
            c.share_achieved,
        ]
        for c in summary.customers
    ]
    return csv_table(head, rows, f"goals-{summary.as_of_day}.csv")
