"""HTTP endpoints of touches and engagement (SPEC 5)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.engagement import service
from valuecalc_api.engagement.schemas import (
    TOUCH_BULK_EXAMPLE,
    BookEngagementOut,
    CustomerEngagementOut,
    EngagementOut,
    TouchOut,
    TouchRow,
)
from valuecalc_api.imports.row_parsing import rows_of_body, validate_rows
from valuecalc_api.imports.schemas import bulk_body_schema
from valuecalc_api.models.touch import Touch
from valuecalc_api.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from valuecalc_api.problems import not_found
from valuecalc_api.signals import repository as signals
from valuecalc_api.signals.access import check_customer
from valuecalc_api.signals.bulk import applied, applied_one, require_signal_writer
from valuecalc_api.signals.csv_out import CSV_OK, csv_table, one_decimal
from valuecalc_api.signals.route_parts import WRITE_ERRORS, CustomerQuery, WindowDep
from valuecalc_api.signals.schemas import SignalBulkResult, WindowOut
from valuecalc_api.trackers.paging import page_of, position_after

router = APIRouter(tags=["engagement"])


@router.post(
    "/touches/bulk",
    response_model=SignalBulkResult,
    responses=WRITE_ERRORS,
    openapi_extra={"requestBody": bulk_body_schema(TouchRow, TOUCH_BULK_EXAMPLE)},
)
async def bulk_touches(request: Request, principal: EditorDep, session: SessionDep) -> Response:
    """Add or update up to 10,000 touches, matched on `external_id`."""
    require_signal_writer(principal)
    rows, problems = validate_rows(rows_of_body(await request.body()), TouchRow)
    return await applied(service.write_touches(session, principal, rows, problems))


@router.post(
    "/touches",
    response_model=TouchOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "A touch with this `external_id` existed.", "model": TouchOut},
        403: WRITE_ERRORS[403],
    },
)
async def create_touch(
    body: TouchRow, principal: EditorDep, session: SessionDep, response: Response
) -> TouchOut:
    """Add one touch (the bulk write with one row): 201 when new, 200 when updated."""
    require_signal_writer(principal)
    row_id, outcome = await applied_one(service.write_touches(session, principal, [body], []))
    if outcome.value != "created":
        response.status_code = status.HTTP_200_OK
    stored = await signals.get_signal_row(session, Touch, principal.organization_id, row_id, None)
    return TouchOut.model_validate(stored)


@router.get("/touches", response_model=Page[TouchOut])
async def list_touches(
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    customer_id: CustomerQuery = None,
) -> Page[TouchOut]:
    await check_customer(session, principal, customer_id)
    found = await signals.list_signal_rows(
        session,
        Touch,
        principal.organization_id,
        principal.tracker_ids,
        customer_id=customer_id,
        limit=limit + 1,
        after=position_after(cursor),
    )
    return page_of(found, limit, TouchOut.model_validate)


@router.get("/touches/{touch_id}", response_model=TouchOut)
async def get_touch(touch_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> TouchOut:
    stored = await signals.get_signal_row(
        session, Touch, principal.organization_id, touch_id, principal.tracker_ids
    )
    if stored is None:
        raise not_found("touch")
    return TouchOut.model_validate(stored)


async def _engagement(
    session: SessionDep,
    principal: PrincipalDep,
    window: WindowDep,
    silent_after_days: Annotated[
        int, Query(ge=1, le=3650, description="Silent: no touch in this many days.")
    ] = 30,
    silent_only: Annotated[bool, Query(description="Only the silent customers.")] = False,
    customer_id: CustomerQuery = None,
) -> EngagementOut:
    await check_customer(session, principal, customer_id)
    report = await service.engagement_report(
        session,
        principal.organization_id,
        window.start,
        window.end,
        silent_after_days,
        customer_id,
        principal.tracker_ids,
    )
    rows = [r for r in report.customers if r.silent or not silent_only]
    return EngagementOut(
        as_of_day=report.as_of,
        time_zone=report.time_zone,
        window=WindowOut(first_day=window.start, last_day=window.end),
        silent_after_days=silent_after_days,
        book=BookEngagementOut(
            customer_count=report.book.customer_count,
            touches_in_period=report.book.touches_in_period,
            median_days_since_last_touch=one_decimal(report.book.median_days_since_last_touch),
            silent_customers=report.book.silent_customers,
        ),
        customers=[
            CustomerEngagementOut(
                customer_id=r.customer_id,
                name=report.names[r.customer_id],
                last_touch_on=r.last_touch_on,
                days_since_last_touch=r.days_since_last_touch,
                last_inbound_on=r.last_inbound_on,
                days_since_last_inbound=r.days_since_last_inbound,
                touches_in_period=r.touches_in_period,
                inbound_in_period=r.inbound_in_period,
                cadence_days=one_decimal(r.cadence_days),
                silent=r.silent,
            )
            for r in sorted(
                rows,
                key=lambda r: (
                    -(r.days_since_last_touch if r.days_since_last_touch is not None else 10**9),
                    report.names[r.customer_id],
                ),
            )
        ],
    )


EngagementDep = Annotated[EngagementOut, Depends(_engagement)]


@router.get("/engagement", response_model=EngagementOut)
async def engagement(report: EngagementDep) -> EngagementOut:
    """Days since the last touch and the last inbound touch, touches and cadence in the
    window (`from`/`to`, or `window_days` ending `as_of_day`; default the 90 days to today),
    per customer (the longest silent first) and over the book."""
    return report


@router.get("/engagement.csv", response_class=Response, responses=CSV_OK)
async def engagement_csv(report: EngagementDep) -> Response:
    head = [
        "customer_id", "name", "last_touch_on", "days_since_last_touch", "last_inbound_on",
        "days_since_last_inbound", "touches_in_period", "inbound_in_period", "cadence_days",
        "silent",
    ]  # fmt: skip
    rows = [
        [
            c.customer_id, c.name, c.last_touch_on, c.days_since_last_touch, c.last_inbound_on,
            c.days_since_last_inbound, c.touches_in_period, c.inbound_in_period, c.cadence_days,
            c.silent,
        ]
        for c in report.customers
    ]  # fmt: skip
    return csv_table(head, rows, f"engagement-{report.as_of_day}.csv")
