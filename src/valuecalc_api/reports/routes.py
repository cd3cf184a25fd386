"""HTTP endpoints of the read side of value tracking: tables, Measurements tab, reports.

All reads: any key of the organization (viewer included) may call them; another
organization's tracker or use case, or one outside a tracker-limited key, is a 404.
Months: `as_of` defaults to the contract's last month, a later one is clipped to it, an
earlier one than the contract's start is a 422; the Measurements tab's `month` must lie
in the period. Tables and the report come as JSON, or CSV (`?format=csv` or
`Accept: text/csv`).

Tracker reads (tables, Measurements tab, report) carry a strong `ETag`, answer a matching
`If-None-Match` with 304, and are served from an in-memory cache keyed by the tracker's
data version (`reports.tracker_read`, `reports.cached_reads`, `reports.cache`); the
portfolio is computed each time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.cpu_work import run_cpu
from valuecalc_api.db import SessionDep
from valuecalc_api.problem_refs import CACHED_READ, problem_doc
from valuecalc_api.reports import cached_reads, csv_export, loading
from valuecalc_api.reports.bodies import body_json
from valuecalc_api.reports.cache import ReportKey
from valuecalc_api.reports.cached_reads import Built
from valuecalc_api.reports.formats import Representation, representation
from valuecalc_api.reports.measurements_tab import default_month, measurements_view
from valuecalc_api.reports.report_payload import (
    DEFINITIONS,
    default_portfolio_as_of,
    portfolio_payload,
    tracker_report_payload,
)
from valuecalc_api.reports.schemas import (
    MeasurementsViewOut,
    PortfolioOut,
    ReportModel,
    TrackerReportOut,
    TrackerTableOut,
    UseCaseTableResponse,
)
from valuecalc_api.reports.tables import single_use_case_payload, tracker_table_payload
from valuecalc_api.reports.tracker_read import (
    TrackerRead,
    TrackerReadDep,
    as_of_month,
    asked_month,
    month_in_period,
)
from valuecalc_api.schema_types import MONTH_PARAMETER, month_param
from valuecalc_core.measurement_table import tracker_table, use_case_table
from valuecalc_core.months import Month, Period
from valuecalc_core.report import portfolio_report, tracker_report

router = APIRouter(tags=["reports"])

AsOfQuery = Annotated[
    str | None,
    Query(
        json_schema_extra=MONTH_PARAMETER,
        description="Last month of the report, YYYY-MM (default: the contract's last month; "
        "a later month is clipped to it).",
        examples=["2026-03"],
    ),
]
# Tracker reads: an ETag, and 304 for an `If-None-Match` naming it.
_CACHED: dict[int | str, dict[str, Any]] = {
    200: CACHED_READ,
    304: {"description": "Not modified: `If-None-Match` names the current `ETag`.", **CACHED_READ},
}
# The JSON operations: `?format=csv` and `Accept: text/csv` still answer CSV there (an
# alias kept for existing scripts, not documented); clients use the `.csv` operation.
_JSON: dict[int | str, dict[str, Any]] = {
    **_CACHED,
    406: problem_doc(
        "`not-acceptable`: the Accept header allows neither JSON nor CSV.", "not-acceptable"
    ),
}
_CSV: dict[int | str, dict[str, Any]] = {
    **_CACHED,
    200: {
        "description": "The figures as CSV (UTF-8, one row per month and figure).",
        "content": {"text/csv": {"schema": {"type": "string"}}},
        **CACHED_READ,
    },
}
# The JSON route's alias, hidden from the contract (one success media type per operation).
HiddenFormatQuery = Annotated[Representation | None, Query(alias="format", include_in_schema=False)]


def json_response(model: type[ReportModel], payload: dict[str, Any]) -> Response:
    """The payload serialized through its documented response model (`reports.bodies`)."""
    return Response(content=body_json(model, payload), media_type="application/json")


async def computed(work: Callable[[], Response]) -> Response:
    """Run a report's computation (CPU only, no I/O) off the event loop (`cpu_work`), so
    one large report does not hold up every other request meanwhile."""
    return await run_cpu(work)


@router.get(
    "/trackers/{tracker_id}/measurements-view",
    response_model=MeasurementsViewOut,
    responses=_CACHED,
)
async def get_measurements_view(
    tracker_id: uuid.UUID,
    request: Request,
    read: TrackerReadDep,
    session: SessionDep,
    month: Annotated[
        str | None,
        Query(
            json_schema_extra=MONTH_PARAMETER,
            description="The month shown, YYYY-MM, inside the contract (default: the latest "
            "month with any measurement of an active use case, else the contract's first).",
            examples=["2026-03"],
        ),
    ] = None,
) -> Response:
    """The Measurements tab: each active metric's value, improvement, benefit and trend
    line for one month, and the period's timeline with the fully measured months."""
    principal = read.principal
    chosen = None if month is None else month_in_period(month, read.state.period)

    async def build() -> Built:
        loaded = await loading.load_tracker(session, principal, tracker_id)
        period = loaded.spec.period
        if chosen is None:
            shown = default_month(loaded.spec)
        elif chosen in period:
            shown = chosen
        else:  # the contract period changed since the key's query: as if asked now
            shown = month_in_period(str(chosen), period)
        annotations = await loading.calculation_annotations(session, principal, tracker_id)
        response = await computed(
            lambda: json_response(
                MeasurementsViewOut, measurements_view(loaded, shown, annotations)
            )
        )
        return response, ("default" if chosen is None else str(shown),)

    parameters = ("default" if chosen is None else str(chosen),)
    key = ReportKey("measurements_view", principal.organization_id, tracker_id, parameters)
    return await cached_reads.respond(request, session, key, read.state.version, build)


@router.get("/trackers/{tracker_id}/table", response_model=TrackerTableOut, responses=_JSON)
async def get_tracker_table(
    tracker_id: uuid.UUID,
    request: Request,
    read: TrackerReadDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
    format_: HiddenFormatQuery = None,
) -> Response:
    """Every use case's measurement table (months as columns); the totals count the active
    use cases only, draft and inactive ones are listed with `counted: false`."""
    wanted = representation(format_, request.headers.get("accept"))
    return await _tracker_table(request, read, session, as_of, wanted)


@router.get("/trackers/{tracker_id}/table.csv", response_class=Response, responses=_CSV)
async def get_tracker_table_csv(
    tracker_id: uuid.UUID,
    request: Request,
    read: TrackerReadDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
) -> Response:
    """The tracker table as CSV: one row per use case, calculation and figure, months as
    columns."""
    return await _tracker_table(request, read, session, as_of, Representation.CSV)


async def _tracker_table(
    request: Request,
    read: TrackerRead,
    session: SessionDep,
    as_of: str | None,
    wanted: Representation,
) -> Response:
    principal, tracker_id = read.principal, read.tracker_id
    asked = asked_month(as_of)
    clipped = as_of_month(asked, read.state.period)

    async def build() -> Built:
        loaded = await loading.load_tracker(session, principal, tracker_id)
        month = _month_for(asked, clipped, read, loaded.spec.period)
        annotations = await loading.calculation_annotations(session, principal, tracker_id)

        def work() -> Response:
            payload = tracker_table_payload(
                tracker_table(loaded.spec, month), loaded.calculation_keys, annotations
            )
            if wanted is Representation.CSV:
                return csv_export.csv_response(
                    csv_export.tracker_table_csv(payload),
                    f"tracker-{tracker_id}-table-{month}.csv",
                )
            return json_response(TrackerTableOut, payload)

        return await computed(work), (str(month), wanted.value)

    key = ReportKey(
        "tracker_table", principal.organization_id, tracker_id, (str(clipped), wanted.value)
    )
    return await cached_reads.respond(request, session, key, read.state.version, build)


def _month_for(asked: Month | None, clipped: Month, read: TrackerRead, period: Period) -> Month:
    """The month `asked` clipped to the contract `period` the snapshot read: `clipped`
    (clipped to the period read with the key) unless the period changed in between."""
    return clipped if period == read.state.period else as_of_month(asked, period)


@router.get("/use-cases/{use_case_id}/table", response_model=UseCaseTableResponse, responses=_JSON)
async def get_use_case_table(
    use_case_id: uuid.UUID,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
    format_: HiddenFormatQuery = None,
) -> Response:
    """One use case's measurement table: its calculations stacked, and their sum."""
    wanted = representation(format_, request.headers.get("accept"))
    return await _use_case_table(use_case_id, request, principal, session, as_of, wanted)


@router.get("/use-cases/{use_case_id}/table.csv", response_class=Response, responses=_CSV)
async def get_use_case_table_csv(
    use_case_id: uuid.UUID,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
) -> Response:
    """One use case's measurement table as CSV."""
    csv = Representation.CSV
    return await _use_case_table(use_case_id, request, principal, session, as_of, csv)


async def _use_case_table(
    use_case_id: uuid.UUID,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    as_of: str | None,
    wanted: Representation,
) -> Response:
    tracker_id = await loading.use_case_tracker_id(session, principal, use_case_id)
    state = await cached_reads.tracker_state(session, principal, tracker_id)
    asked = asked_month(as_of)
    clipped = as_of_month(asked, state.period)

    async def build() -> Built:
        loaded, use_case_id_text = await loading.load_use_case_tracker(
            session, principal, use_case_id
        )
        period = loaded.spec.period
        # The contract period may have changed since it was read above.
        month = clipped if period == state.period else as_of_month(asked, period)
        use_case = next(u for u in loaded.spec.use_cases if u.id == use_case_id_text)
        annotations = await loading.calculation_annotations(session, principal, tracker_id)

        def work() -> Response:
            payload = single_use_case_payload(
                loaded.spec,
                use_case_table(use_case, loaded.spec, month),
                loaded.calculation_keys,
                annotations,
            )
            if wanted is Representation.CSV:
                return csv_export.csv_response(
                    csv_export.use_case_table_csv(payload),
                    f"use-case-{use_case_id}-table-{month}.csv",
                )
            return json_response(UseCaseTableResponse, payload)

        return await computed(work), (loaded.spec.id, str(month), wanted.value)

    key = ReportKey(
        "use_case_table",
        principal.organization_id,
        tracker_id,
        (str(tracker_id), str(clipped), wanted.value),
    )
    return await cached_reads.respond(request, session, key, state.version, build)


@router.get("/trackers/{tracker_id}/report", response_model=TrackerReportOut, responses=_JSON)
async def get_tracker_report(
    tracker_id: uuid.UUID,
    request: Request,
    read: TrackerReadDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
    format_: HiddenFormatQuery = None,
) -> Response:
    """The QBR / renewal report: realized vs projected, cost, net ROI and value multiple,
    payback, trends, and the findings to review."""
    wanted = representation(format_, request.headers.get("accept"))
    return await _tracker_report(request, read, session, as_of, wanted)


@router.get("/trackers/{tracker_id}/report.csv", response_class=Response, responses=_CSV)
async def get_tracker_report_csv(
    tracker_id: uuid.UUID,
    request: Request,
    read: TrackerReadDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
) -> Response:
    """The report's monthly figures as CSV (realized, projected, variance, cost, per
    calculation and in total)."""
    return await _tracker_report(request, read, session, as_of, Representation.CSV)


async def _tracker_report(
    request: Request,
    read: TrackerRead,
    session: SessionDep,
    as_of: str | None,
    wanted: Representation,
) -> Response:
    principal, tracker_id = read.principal, read.tracker_id
    asked = asked_month(as_of)
    clipped = as_of_month(asked, read.state.period)

    async def build() -> Built:
        loaded = await loading.load_tracker(session, principal, tracker_id)
        month = _month_for(asked, clipped, read, loaded.spec.period)
        annotations = await loading.calculation_annotations(session, principal, tracker_id)

        def work() -> Response:
            payload = tracker_report_payload(
                tracker_report(loaded.spec, month, annotations), loaded
            )
            if wanted is Representation.CSV:
                return csv_export.csv_response(
                    csv_export.report_monthly_csv(payload),
                    f"tracker-{tracker_id}-report-{month}.csv",
                )
            return json_response(TrackerReportOut, payload)

        return await computed(work), (str(month), wanted.value)

    key = ReportKey("report", principal.organization_id, tracker_id, (str(clipped), wanted.value))
    return await cached_reads.respond(request, session, key, read.state.version, build)


@router.get(
    "/reports/portfolio",
    response_model=PortfolioOut,
    responses={
        404: problem_doc("`not-found`: no such customer (`customer_id`).", "customer-not-found"),
        422: problem_doc(
            "`validation-error`: `errors` names every bad parameter; `portfolio-too-large`: "
            "more trackers than one portfolio covers (`limit`), narrow it with `customer_id`.",
            "portfolio-too-large",
        ),
    },
)
async def get_portfolio(
    principal: PrincipalDep,
    session: SessionDep,
    as_of: Annotated[
        str | None,
        Query(
            json_schema_extra=MONTH_PARAMETER,
            description="Last month counted, YYYY-MM (default: the latest contract end among "
            "the trackers); each tracker is clipped to its own period.",
            examples=["2026-03"],
        ),
    ] = None,
    customer_id: Annotated[uuid.UUID | None, Query(description="Only this customer's.")] = None,
) -> Response:
    """Realized value, projection and ROI per tracker and per currency (never added across
    currencies), for every tracker the key can see; at most 500 trackers."""
    month = None if as_of is None else month_param(as_of, "as_of")
    trackers = await loading.load_portfolio(session, principal, customer_id)
    month = month or default_portfolio_as_of(trackers)
    if month is None:  # no trackers, no month to speak of
        return json_response(
            PortfolioOut,
            {
                "as_of": None,
                "customer_id": None if customer_id is None else str(customer_id),
                "tracker_count": 0,
                "definitions": DEFINITIONS,
                "currencies": [],
                "trackers": [],
            },
        )
    as_of_month = month

    def work() -> Response:
        report = portfolio_report([t.spec for t in trackers], as_of_month)
        return json_response(PortfolioOut, portfolio_payload(report, trackers, customer_id))

    return await computed(work)
