"""HTTP endpoints of product usage (SPEC 5): bulk pushes of daily counts, monthly distinct
actives and purchased seats (resending a day, month or date replaces it), and the monthly
usage report in the organization's time zone, as JSON and CSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.bulk_writes.row_parsing import rows_of_body, validate_rows
from valuecalc_api.bulk_writes.schemas import bulk_body_schema
from valuecalc_api.db import SessionDep
from valuecalc_api.models import SeatCount, UsageDay, UsageMonth
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.schema_types import MONTH_PARAMETER, month_param
from valuecalc_api.signals.access import check_customer
from valuecalc_api.signals.bulk import applied, require_signal_writer
from valuecalc_api.signals.csv_out import CSV_OK, csv_table
from valuecalc_api.signals.dated_lists import DatedKind, add_dated_routes
from valuecalc_api.signals.route_parts import CUSTOMER_NOT_FOUND, WRITE_ERRORS, CustomerQuery
from valuecalc_api.signals.schemas import SignalBulkResult
from valuecalc_api.usage import service
from valuecalc_api.usage.schemas import (
    MONTHLY_ACTIVES_RULE,
    SEAT_ROWS_EXAMPLE,
    USAGE_DAY_ROWS_EXAMPLE,
    USAGE_MONTH_ROWS_EXAMPLE,
    SeatCountOut,
    SeatRow,
    UsageDayOut,
    UsageDayRow,
    UsageGroupBy,
    UsageGroupOut,
    UsageMonthOut,
    UsageMonthRow,
    UsageReportOut,
)

router = APIRouter(tags=["usage"])


def _body(row: Any, summary: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"requestBody": bulk_body_schema(row, {"summary": summary, "value": {"rows": rows}})}


@router.post(
    "/usage-days/bulk",
    response_model=SignalBulkResult,
    responses=WRITE_ERRORS,
    openapi_extra=_body(UsageDayRow, "One customer-day", USAGE_DAY_ROWS_EXAMPLE),
)
async def bulk_usage_days(request: Request, principal: EditorDep, session: SessionDep) -> Response:
    """Set up to 10,000 customer-days of usage; a day sent again replaces the stored one."""
    require_signal_writer(principal)
    rows, problems = validate_rows(rows_of_body(await request.body()), UsageDayRow)
    return await applied(service.write_days(session, principal, rows, problems))


@router.post(
    "/usage-months/bulk",
    response_model=SignalBulkResult,
    responses=WRITE_ERRORS,
    openapi_extra=_body(UsageMonthRow, "One customer-month", USAGE_MONTH_ROWS_EXAMPLE),
)
async def bulk_usage_months(
    request: Request, principal: EditorDep, session: SessionDep
) -> Response:
    """Set up to 10,000 customer-months of distinct monthly active users."""
    require_signal_writer(principal)
    rows, problems = validate_rows(rows_of_body(await request.body()), UsageMonthRow)
    return await applied(service.write_months(session, principal, rows, problems))


@router.post(
    "/seat-counts/bulk",
    response_model=SignalBulkResult,
    responses=WRITE_ERRORS,
    openapi_extra=_body(SeatRow, "60 seats from January", SEAT_ROWS_EXAMPLE),
)
async def bulk_seat_counts(request: Request, principal: EditorDep, session: SessionDep) -> Response:
    """Set purchased seats per customer from a date on (null: unlimited)."""
    require_signal_writer(principal)
    rows, problems = validate_rows(rows_of_body(await request.body()), SeatRow)
    return await applied(service.write_seats(session, principal, rows, problems))


async def _report(
    session: SessionDep,
    principal: PrincipalDep,
    month: Annotated[
        str,
        Query(
            json_schema_extra=MONTH_PARAMETER,
            description="The month, YYYY-MM.",
            examples=["2026-03"],
        ),
    ],
    group_by: Annotated[UsageGroupBy, Query(description="One line per group.")] = (
        UsageGroupBy.customer
    ),
    customer_id: CustomerQuery = None,
) -> UsageReportOut:
    await check_customer(session, principal, customer_id)
    usage = await service.month_of_usage(
        session, principal.organization_id, month_param(month), principal.tracker_ids, customer_id
    )
    return UsageReportOut(
        month=str(usage.month),
        time_zone=usage.time_zone,
        first_day=usage.first_day,
        last_day=usage.last_day,
        days_counted=(usage.last_day - usage.first_day).days + 1,
        value_features=usage.value_features,
        group_by=group_by,
        monthly_actives_rule=MONTHLY_ACTIVES_RULE,
        groups=[UsageGroupOut(**g) for g in service.usage_groups(usage, group_by.value)],
    )


ReportDep = Annotated[UsageReportOut, Depends(_report)]


@router.get("/usage", response_model=UsageReportOut, responses=CUSTOMER_NOT_FOUND)
async def usage_report(report: ReportDep) -> UsageReportOut:
    """DAU/MAU, license utilization (seats in force that month; unlimited seats have no
    ratio) and adoption breadth of one month, per customer (default), segment or owner."""
    return report


@router.get("/usage.csv", response_class=Response, responses=CSV_OK | CUSTOMER_NOT_FOUND)
async def usage_report_csv(report: ReportDep) -> Response:
    """The usage report (DAU/MAU, license utilization, adoption breadth) as CSV."""
    head = [
        "month", "time_zone", "group_by", "key", "label", "customer_count", "days_reported",
        "average_daily_actives", "monthly_actives", "stickiness", "seats",
        "unlimited_customers", "license_utilization", "utilization_status", "adoption_breadth",
    ]  # fmt: skip
    rows = [
        [
            report.month, report.time_zone, report.group_by.value, g.key, g.label,
            g.customer_count, g.days_reported, g.average_daily_actives, g.monthly_actives,
            g.stickiness, g.seats, g.unlimited_customers, g.license_utilization,
            g.utilization_status, g.adoption_breadth,
        ]
        for g in report.groups
    ]  # fmt: skip
    return csv_table(head, rows, f"usage-{report.month}.csv")


for _kind in (
    DatedKind(
        "/usage-days", "usage_day_id", "usage day", "usage days", UsageDay, "day",
        AuditEntity.usage_day, UsageDayOut,
    ),
    DatedKind(
        "/usage-months", "usage_month_id", "usage month", "usage months", UsageMonth, "month",
        AuditEntity.usage_month, UsageMonthOut,
    ),
    DatedKind(
        "/seat-counts", "seat_count_id", "seat count", "seat counts", SeatCount, "effective_on",
        AuditEntity.seat_count, SeatCountOut,
    ),
):  # fmt: skip
    add_dated_routes(router, _kind)
