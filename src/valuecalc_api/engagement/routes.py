"""HTTP endpoints of touches and engagement (SPEC 5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from valuecalc_api.auth.dependencies import PrincipalDep
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
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.models.touch import Touch
from valuecalc_api.signals.access import check_customer
from valuecalc_api.signals.csv_out import CSV_OK, csv_table, one_decimal
from valuecalc_api.signals.route_parts import CUSTOMER_NOT_FOUND, CustomerQuery, WindowDep
from valuecalc_api.signals.row_routes import SignalKind, add_row_routes
from valuecalc_api.signals.schemas import WindowOut

router = APIRouter(tags=["engagement"])


add_row_routes(
    router,
    SignalKind(
        path="/touches",
        id_parameter="touch_id",
        singular="touch",
        plural="touches",
        model=Touch,
        entity=AuditEntity.touch,
        row=TouchRow,
        out=TouchOut,
        write=service.write_touches,
        bulk_example=TOUCH_BULK_EXAMPLE,
        bulk_doc="Add or update up to 10,000 touches, matched on `external_id`.",
        create_doc="Add one touch (the bulk write with one row): 201 when new, 200 when a "
        "touch with the same `external_id` was updated or already equal.",
        exists_doc="A touch with this `external_id` existed.",
    ),
)


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


@router.get("/engagement", response_model=EngagementOut, responses=CUSTOMER_NOT_FOUND)
async def engagement(report: EngagementDep) -> EngagementOut:
    """Days since the last touch and the last inbound touch, touches and cadence in the
    window (`from`/`to`, or `window_days` ending `as_of_day`; default the 90 days to today),
    per customer (the longest silent first) and over the book."""
    return report


@router.get("/engagement.csv", response_class=Response, responses=CSV_OK | CUSTOMER_NOT_FOUND)
async def engagement_csv(report: EngagementDep) -> Response:
    """The engagement report as CSV: per customer, days since the last touch and the last inbound touch, touches in the period, cadence."""
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
