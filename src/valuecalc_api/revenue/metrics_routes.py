"""HTTP endpoints of the revenue reads (SPEC 4 definitions, SPEC 6 report forms).

Each report is JSON, with its CSV as its own `.csv` operation (`?format=csv` or
`Accept: text/csv` on the JSON path are aliases kept for scripts, left out of the contract:
each documented operation has one success media type, SPEC 6). Any key of the organization may read; a
tracker-limited key's figures cover only its trackers' customers. Periods are months
`YYYY-MM` (`start`..`end`, both included, at most 240 months).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from valuecalc_api.audit.service import record
from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.auth.tracker_scope import require_whole_organization
from valuecalc_api.db import SessionDep
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.problem_refs import problem_doc
from valuecalc_api.problems import invalid
from valuecalc_api.reports.csv_export import csv_response
from valuecalc_api.reports.formats import Representation, representation
from valuecalc_api.revenue import (
    arr_lookup,
    ledger_repository,
    metrics_csv,
    metrics_repository,
    metrics_service,
)
from valuecalc_api.revenue.metrics_examples import attach_examples
from valuecalc_api.revenue.metrics_schemas import (
    ArrAtOut,
    ArrBridgeOut,
    CustomerArrOut,
    LeadSummaryOut,
    MetricSeriesOut,
    RenewalRatesOut,
    RevenueMetricsOut,
    bridge_out,
    lead_summary_out,
    metrics_out,
    renewal_rates_out,
    series_out,
)
from valuecalc_api.revenue.record_schemas import RevenueSettingsOut
from valuecalc_api.schema_types import MONTH_PARAMETER, CurrencyCode, InputModel, month_param
from valuecalc_core.months import Month
from valuecalc_core.revenue import Granularity, SplitBy

router = APIRouter(tags=["revenue metrics"])
attach_examples()

MAX_MONTHS = 240
StartQuery = Annotated[
    str,
    Query(
        description="First month, YYYY-MM.", examples=["2026-01"], json_schema_extra=MONTH_PARAMETER
    ),
]
EndQuery = Annotated[
    str,
    Query(
        description="Last month, YYYY-MM.", examples=["2026-12"], json_schema_extra=MONTH_PARAMETER
    ),
]
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _day_text(value: Any) -> Any:
    """A date parameter is written YYYY-MM-DD: pydantic alone would also read `0` or
    `1700000000` as a Unix time."""
    if not isinstance(value, str) or re.fullmatch(DAY_PATTERN, value) is None:
        raise PydanticCustomError("date_from_iso", "Write the date as YYYY-MM-DD.")
    return value


Day = Annotated[datetime.date, BeforeValidator(_day_text)]
SplitQuery = Annotated[
    SplitBy | None, Query(description="Also per `segment` or per `owner` (plus the total).")
]
GranularityQuery = Annotated[Granularity, Query(description="month, quarter or year")]
AsOfQuery = Annotated[
    Day | None,
    Query(
        description="Renewals decided after this date count as open, and movements tagged "
        "with a renewal after it are left out (default: as recorded)."
    ),
]
AcceptHeader = Annotated[str | None, Header(include_in_schema=False)]
# The JSON operations' `?format=` alias, hidden like the tracker reports' (reports/routes.py).
HiddenFormatQuery = Annotated[Representation | None, Query(alias="format", include_in_schema=False)]

_MISSING_RATE = problem_doc(
    "`validation-error`: a bad month or span, customers in several currencies without a "
    "reporting currency, or a missing FX rate (`errors[0]` names `currency` and `month`).",
    "missing-fx-rate",
)
_CSV_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
    422: _MISSING_RATE,
}
_JSON_DOC: dict[int | str, dict[str, Any]] = {
    406: problem_doc("`not-acceptable`: neither JSON nor CSV accepted.", "not-acceptable"),
    422: _MISSING_RATE,
}


def span(start: str, end: str) -> tuple[Month, Month]:
    first, last = month_param(start, "start"), month_param(end, "end")
    if last < first:
        raise invalid([{"field": "end", "code": "end_before_start", "message": "end < start"}])
    if last.ordinal - first.ordinal + 1 > MAX_MONTHS:
        raise invalid(
            [
                {
                    "field": "end",
                    "code": "period_too_long",
                    "message": f"A span covers at most {MAX_MONTHS} months.",
                }
            ]
        )
    return first, last


def _answer(
    body: BaseModel, to_csv: Callable[[Any], str], name: str, form: Representation
) -> Response:
    if form is Representation.CSV:
        return csv_response(to_csv(body), f"{name}.csv")
    return Response(body.model_dump_json(), media_type="application/json")


async def _series(
    principal: Any, session: Any, start: str, end: str, granularity: Any, split_by: Any, as_of: Any
) -> MetricSeriesOut:
    first, last = span(start, end)
    found = await metrics_service.series(
        session, principal, first, last, granularity, split_by, as_of
    )
    return series_out(found)


@router.get("/revenue/metrics/series", response_model=MetricSeriesOut, responses=_JSON_DOC)
async def get_metric_series(
    principal: PrincipalDep,
    session: SessionDep,
    start: StartQuery,
    end: EndQuery,
    granularity: GranularityQuery = Granularity.MONTH,
    split_by: SplitQuery = None,
    as_of: AsOfQuery = None,
    format_query: HiddenFormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """GRR, NRR, logo retention, quick ratio with its band, the movement bars and renewal
    rates per month, quarter or year (first and last buckets clipped to the span)."""
    form = representation(format_query, accept)
    body = await _series(principal, session, start, end, granularity, split_by, as_of)
    return _answer(body, metrics_csv.series_csv, "revenue-series", form)


@router.get("/revenue/metrics/series.csv", responses=_CSV_DOC, response_class=Response)
async def get_metric_series_csv(
    principal: PrincipalDep,
    session: SessionDep,
    start: StartQuery,
    end: EndQuery,
    granularity: GranularityQuery = Granularity.MONTH,
    split_by: SplitQuery = None,
    as_of: AsOfQuery = None,
) -> Response:
    """The series as CSV: one row per period, then per split and period."""
    body = await _series(principal, session, start, end, granularity, split_by, as_of)
    return _answer(body, metrics_csv.series_csv, "revenue-series", Representation.CSV)


async def _metrics(
    principal: Any, session: Any, start: str, end: str, split_by: Any, as_of: Any
) -> RevenueMetricsOut:
    first, last = span(start, end)
    found = await metrics_service.period_metrics(session, principal, first, last, split_by, as_of)
    return metrics_out(found)


@router.get("/revenue/metrics", response_model=RevenueMetricsOut, responses=_JSON_DOC)
async def get_revenue_metrics(
    principal: PrincipalDep,
    session: SessionDep,
    start: StartQuery,
    end: EndQuery,
    split_by: SplitQuery = None,
    as_of: AsOfQuery = None,
    format_query: HiddenFormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """Every revenue metric of the period `start`..`end`, each with numerator, denominator
    and definition; optionally per segment or owner."""
    form = representation(format_query, accept)
    body = await _metrics(principal, session, start, end, split_by, as_of)
    return _answer(body, metrics_csv.metrics_csv, "revenue-metrics", form)


@router.get("/revenue/metrics.csv", responses=_CSV_DOC, response_class=Response)
async def get_revenue_metrics_csv(
    principal: PrincipalDep,
    session: SessionDep,
    start: StartQuery,
    end: EndQuery,
    split_by: SplitQuery = None,
    as_of: AsOfQuery = None,
) -> Response:
    """The period's metrics as CSV (the total, then each split)."""
    body = await _metrics(principal, session, start, end, split_by, as_of)
    return _answer(body, metrics_csv.metrics_csv, "revenue-metrics", Representation.CSV)


async def _bridge(principal: Any, session: Any, start: str, end: str) -> ArrBridgeOut:
    first, last = span(start, end)
    return bridge_out(await metrics_service.bridge(session, principal, first, last))


@router.get("/revenue/arr-bridge", response_model=ArrBridgeOut, responses=_JSON_DOC)
async def get_arr_bridge(
    principal: PrincipalDep,
    session: SessionDep,
    start: StartQuery,
    end: EndQuery,
    format_query: HiddenFormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """Opening ARR, new, expansion, reactivation, contraction, churn, the FX effect on its own
    line, closing ARR."""
    form = representation(format_query, accept)
    body = await _bridge(principal, session, start, end)
    return _answer(body, metrics_csv.bridge_csv, "arr-bridge", form)


@router.get("/revenue/arr-bridge.csv", responses=_CSV_DOC, response_class=Response)
async def get_arr_bridge_csv(
    principal: PrincipalDep, session: SessionDep, start: StartQuery, end: EndQuery
) -> Response:
    """The ARR bridge as CSV, one line per row."""
    body = await _bridge(principal, session, start, end)
    return _answer(body, metrics_csv.bridge_csv, "arr-bridge", Representation.CSV)


async def _renewals(
    principal: Any, session: Any, start: str, end: str, as_of: Any
) -> RenewalRatesOut:
    first, last = span(start, end)
    return renewal_rates_out(
        await metrics_service.renewals_due(session, principal, first, last, as_of)
    )


@router.get("/revenue/renewal-rates", response_model=RenewalRatesOut, responses=_JSON_DOC)
async def get_renewal_rates(
    principal: PrincipalDep,
    session: SessionDep,
    start: StartQuery,
    end: EndQuery,
    as_of: AsOfQuery = None,
    format_query: HiddenFormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """Renewals due in the period: gross, net and logo renewal rates, the open ones apart,
    and the waterfall (each step's amount and the level after it)."""
    form = representation(format_query, accept)
    body = await _renewals(principal, session, start, end, as_of)
    return _answer(body, metrics_csv.renewal_rates_csv, "renewal-rates", form)


@router.get("/revenue/renewal-rates.csv", responses=_CSV_DOC, response_class=Response)
async def get_renewal_rates_csv(
    principal: PrincipalDep,
    session: SessionDep,
    start: StartQuery,
    end: EndQuery,
    as_of: AsOfQuery = None,
) -> Response:
    """The renewal waterfall and rates as CSV."""
    body = await _renewals(principal, session, start, end, as_of)
    return _answer(body, metrics_csv.renewal_rates_csv, "renewal-rates", Representation.CSV)


async def _leads(principal: Any, session: Any, start: str, end: str) -> LeadSummaryOut:
    first, last = span(start, end)
    total, owners = await metrics_service.lead_summaries(session, principal, first, last)
    return lead_summary_out(total, owners)


@router.get("/revenue/lead-summary", response_model=LeadSummaryOut, responses=_JSON_DOC)
async def get_lead_summary(
    principal: PrincipalDep,
    session: SessionDep,
    start: StartQuery,
    end: EndQuery,
    format_query: HiddenFormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """CS-qualified leads raised in the period: count, open, won, lost, closed revenue and
    win rate, in total and by lead owner."""
    form = representation(format_query, accept)
    body = await _leads(principal, session, start, end)
    return _answer(body, metrics_csv.lead_summary_csv, "lead-summary", form)


@router.get("/revenue/lead-summary.csv", responses=_CSV_DOC, response_class=Response)
async def get_lead_summary_csv(
    principal: PrincipalDep, session: SessionDep, start: StartQuery, end: EndQuery
) -> Response:
    """The CSQL summary as CSV."""
    body = await _leads(principal, session, start, end)
    return _answer(body, metrics_csv.lead_summary_csv, "lead-summary", Representation.CSV)


AtQuery = Annotated[Day, Query(description="The date, YYYY-MM-DD (end of day).")]


async def _arr(principal: Any, session: Any, at: datetime.date) -> ArrAtOut:
    visible = await metrics_repository.visible_customers(
        session, principal.organization_id, principal.tracker_ids
    )
    found = await arr_lookup.arr_by_customer(session, principal.organization_id, at)
    customers = [
        CustomerArrOut(
            customer_id=customer_id,
            customer_external_id=visible[customer_id],
            arr=format(arr, "f"),
            currency=currency,
        )
        for customer_id, (arr, currency) in found.items()
        if customer_id in visible
    ]
    customers.sort(key=lambda c: (c.customer_external_id or "", str(c.customer_id)))
    return ArrAtOut(at=at, customers=customers)


@router.get("/revenue/arr", response_model=ArrAtOut, responses=_JSON_DOC)
async def get_arr(
    principal: PrincipalDep,
    session: SessionDep,
    at: AtQuery,
    format_query: HiddenFormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """Each customer's ARR at the end of `at`, in its currency (customers with a movement by
    then; a churned one shows 0)."""
    form = representation(format_query, accept)
    return _answer(await _arr(principal, session, at), metrics_csv.arr_csv, "arr", form)


@router.get("/revenue/arr.csv", responses=_CSV_DOC, response_class=Response)
async def get_arr_csv(principal: PrincipalDep, session: SessionDep, at: AtQuery) -> Response:
    """Each customer's ARR at the date as CSV."""
    return _answer(
        await _arr(principal, session, at), metrics_csv.arr_csv, "arr", Representation.CSV
    )


class RevenueSettingsPut(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reporting_currency": "USD"}]}
    )

    reporting_currency: CurrencyCode


@router.get("/revenue/settings", response_model=RevenueSettingsOut)
async def get_revenue_settings(principal: PrincipalDep, session: SessionDep) -> RevenueSettingsOut:
    """The organization's reporting currency."""
    currency = await ledger_repository.reporting_currency(session, principal.organization_id)
    return RevenueSettingsOut(reporting_currency=currency)


@router.put("/revenue/settings", response_model=RevenueSettingsOut)
async def put_revenue_settings(
    body: RevenueSettingsPut, principal: EditorDep, session: SessionDep
) -> RevenueSettingsOut:
    """Set the reporting currency: reports then convert every customer's amounts to it with
    the FX table (`/v1/revenue/fx-rates`)."""
    require_whole_organization(principal, "changing the reporting currency")
    before = await ledger_repository.reporting_currency(session, principal.organization_id)
    await ledger_repository.set_reporting_currency(
        session, principal.organization_id, body.reporting_currency
    )
    await record(  # every converted figure follows it (SPEC 6: who, when, before, after)
        session,
        principal,
        entity_type=AuditEntity.revenue_settings,
        entity_id=principal.organization_id,
        tracker_id=None,
        action=AuditAction.update,
        before={"reporting_currency": before},
        after={"reporting_currency": body.reporting_currency},
    )
    return RevenueSettingsOut(reporting_currency=body.reporting_currency)
