"""HTTP endpoints of customer goals (SPEC 5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from valuecalc_api.auth.dependencies import PrincipalDep
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
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.models.goal import Goal
from valuecalc_api.signals import repository as signals
from valuecalc_api.signals.access import check_customer
from valuecalc_api.signals.csv_out import CSV_OK, csv_table
from valuecalc_api.signals.route_parts import CUSTOMER_NOT_FOUND, CustomerQuery
from valuecalc_api.signals.row_routes import SignalKind, add_row_routes
from valuecalc_api.signals.schemas import Day
from valuecalc_api.signals.windows import check_day
from valuecalc_core.money import quantize_ratio
from valuecalc_core.signals.goals import GoalShare

router = APIRouter(tags=["goals"])


add_row_routes(
    router,
    SignalKind(
        path="/goals",
        id_parameter="goal_id",
        singular="goal",
        plural="goals",
        model=Goal,
        entity=AuditEntity.goal,
        row=GoalRow,
        out=GoalOut,
        write=service.write_goals,
        bulk_example=GOAL_BULK_EXAMPLE,
        bulk_doc="Add or update up to 10,000 goals, matched on `external_id`.",
        create_doc="Add one goal or update it by `external_id` (the bulk write with one "
        "row): 201 when new, 200 when it existed.",
        exists_doc="A goal with this `external_id` existed.",
    ),
)


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
        Day | None,
        Query(alias="as_of_day", description="Overdue and due as of this day; default today."),
    ] = None,
    customer_id: CustomerQuery = None,
) -> GoalSummaryOut:
    await check_customer(session, principal, customer_id)
    _, _, today = await signals.signal_settings(session, principal.organization_id)
    check_day("as_of_day", as_of)
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


@router.get("/goal-summary", response_model=GoalSummaryOut, responses=CUSTOMER_NOT_FOUND)
async def goal_summary(summary: SummaryDep) -> GoalSummaryOut:
    """Share of goals achieved over the book and per customer, and the overdue goals."""
    return summary


@router.get("/goal-summary.csv", response_class=Response, responses=CSV_OK | CUSTOMER_NOT_FOUND)
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
