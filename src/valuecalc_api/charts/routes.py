"""HTTP endpoints of the charts: one operation per form, and a negotiating alias.

For each chart family (a path ending in the chart's name): `<name>.vl.json` (the
Vega-Lite v5 spec, `application/vnd.vegalite.v5+json`), `<name>.svg` and `<name>.png`,
plus `<name>` itself answering the form named by `?format=` or the Accept header. All are
reads (any key of the organization, within its trackers); the tracker and calculation
charts carry an `ETag` keyed on the tracker's data version and are cached like the
reports, so a chart is rendered again only when its data changed.
"""

# No `from __future__ import annotations`: the endpoints made below must carry their
# dependency annotations as objects, which FastAPI reads at registration.

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from valuecalc_api.charts import health_sources, revenue_sources, value_sources
from valuecalc_api.charts.openapi_docs import (
    CUSTOMER_CHART_PROBLEMS,
    PORTFOLIO_PROBLEMS,
    PULSE_ARR_PROBLEMS,
    SURVEY_CHART_PROBLEMS,
    alias_responses,
    form_responses,
)
from valuecalc_api.charts.options import ChartOptionsDep, FormQuery, negotiated_form
from valuecalc_api.charts.service import ChartSource, answer
from valuecalc_api.charts.vega import ChartForm
from valuecalc_api.db import SessionDep

router = APIRouter(tags=["charts"])


def add_chart_routes(
    path: str,
    source: Callable[..., Any],
    *,
    name: str,
    what: str,
    problems: dict[int | str, dict[str, Any]] | None = None,
) -> None:
    """Register the four operations of one chart family at `path` (ending in the chart's
    name, or a path parameter naming it).

    `source` is the family's dependency (path and query parameters, access check) giving
    the `ChartSource`; a revenue or health family is one such function and one call."""
    SourceDep = Annotated[ChartSource, Depends(source)]

    def fixed(form: ChartForm) -> Callable[..., Any]:
        async def endpoint(
            request: Request, session: SessionDep, source: SourceDep, options: ChartOptionsDep
        ) -> Response:
            return await answer(request, session, source, options, form)

        return endpoint

    for form in ChartForm:
        suffix = form.value.replace(".", "_")
        router.add_api_route(
            f"{path}.{form.value}",
            fixed(form),
            methods=["GET"],
            name=f"get_{name}_chart_{suffix}",
            summary=f"{what} as {_FORM_NAMES[form]}",
            description=f"{what}, as {_FORM_NAMES[form]}. {_ABOUT}",
            response_class=Response,
            responses={**form_responses(form), **(problems or {})},
        )

    async def negotiated(
        request: Request,
        session: SessionDep,
        source: SourceDep,
        options: ChartOptionsDep,
        format_: FormQuery = None,
    ) -> Response:
        form = negotiated_form(format_, request.headers.get("accept"))
        return await answer(request, session, source, options, form, negotiated=True)

    router.add_api_route(
        path,
        negotiated,
        methods=["GET"],
        name=f"get_{name}_chart",
        summary=f"{what} in the form asked for",
        description=f"{what}, in the form named by `format` or the Accept header "
        "(the Vega-Lite spec when neither says). The same bytes as the operation of that "
        f"form. {_ABOUT}",
        response_class=Response,
        responses={**alias_responses(), **(problems or {})},
    )


_FORM_NAMES = {
    ChartForm.VEGA_LITE: "a Vega-Lite v5 spec",
    ChartForm.SVG: "SVG",
    ChartForm.PNG: "PNG",
}
_ABOUT = (
    "Every figure is the report's own decimal string (data inline, never a URL); texts and "
    "running totals are written on the server, so nothing is computed again in floats. "
    "`width` x `height` is the whole picture (a PNG is `scale` times that); `theme` "
    "`light` or `dark`; the title and description are the chart's accessible name."
)

# Each family registers its form suffixes before the bare path, whose chart parameter
# would otherwise also match `name.svg`. The chart parameter is named per family
# (`tracker_chart`, `calculation_chart`): each takes its own closed set of names.
add_chart_routes(
    "/trackers/{tracker_id}/charts/{tracker_chart}",
    value_sources.tracker_chart,
    name="tracker",
    what="A tracker's chart (`realized-vs-projected`, `cumulative-realized-vs-projected`, "
    "`benefit-vs-cost` with the payback month)",
)
add_chart_routes(
    "/calculations/{calculation_id}/charts/{calculation_chart}",
    value_sources.calculation_chart,
    name="calculation",
    what="A calculation's chart (`metric-trend`: measured, estimated and carried months, "
    "baseline and target, months with notes or evidence)",
)
add_chart_routes(
    "/reports/portfolio/charts/realized-by-customer",
    value_sources.portfolio_chart,
    name="portfolio",
    what="The portfolio's realized value by customer (in one currency; never added across "
    "currencies)",
    problems=PORTFOLIO_PROBLEMS,
)
add_chart_routes(
    "/revenue/charts/renewal-waterfall",
    revenue_sources.renewal_waterfall_chart,
    name="renewal_waterfall",
    what="The renewal waterfall of the renewals due in `start`..`end` (renewable, -churn, "
    "-downsell, gross renewed, +upsell, +cross-sell, net renewed; each bar placed from a "
    "running total computed in Decimal and checked against the report's totals)",
)
add_chart_routes(
    "/revenue/charts/movements",
    revenue_sources.movements_chart,
    name="revenue_movements",
    what="The ARR movements per period (new, expansion, reactivation above zero; "
    "contraction, churn below) with the quick ratio of each period",
)
add_chart_routes(
    "/revenue/charts/retention",
    revenue_sources.retention_chart,
    name="revenue_retention",
    what="GRR, NRR and logo retention per period",
)
add_chart_routes(
    "/customers/{customer_id}/health/charts/history",
    health_sources.health_history_chart,
    name="health_history",
    what="A customer's health score per month end (or week) from `from` to `to`, all "
    "under one profile version, over that version's red, yellow and green bands, with the "
    "trend (the figures of `GET /v1/customers/{customer_id}/health/history`)",
    problems=CUSTOMER_CHART_PROBLEMS,
)
add_chart_routes(
    "/customers/{customer_id}/health/charts/contributions",
    health_sources.health_contributions_chart,
    name="health_contributions",
    what="A customer's health score as of a date, indicator by indicator: each bar the "
    "indicator's contribution (points x weight share; they add up to the score), those "
    "without a value named (the figures of `GET /v1/customers/{customer_id}/health`)",
    problems=CUSTOMER_CHART_PROBLEMS,
)
add_chart_routes(
    "/pulse-book/charts/customers-by-pulse",
    health_sources.pulse_customers_chart,
    name="pulse_customers",
    what="Customers per pulse status (red, yellow, green, no pulse) as of a date (the "
    "figures of `GET /v1/pulse-book`)",
)
add_chart_routes(
    "/pulse-book/charts/arr-by-pulse",
    health_sources.pulse_arr_chart,
    name="pulse_arr",
    what="ARR per pulse status as of a date, in one currency (never added across "
    "currencies; the figures of `GET /v1/pulse-book`)",
    problems=PULSE_ARR_PROBLEMS,
)
add_chart_routes(
    "/survey-scores/charts/nps-distribution",
    health_sources.nps_distribution_chart,
    name="nps_distribution",
    what="How many answered each of 0-10 in the window (detractors, passives, promoters "
    "coloured), with the NPS and its 95 % margin of error (the figures of "
    "`GET /v1/survey-scores?kind=nps`)",
    problems=SURVEY_CHART_PROBLEMS,
)
add_chart_routes(
    "/survey-scores/charts/nps-by-group",
    health_sources.nps_by_group_chart,
    name="nps_by_group",
    what="NPS per segment, owner or customer in the window, the 95 % interval as "
    "whiskers (the figures of `GET /v1/survey-scores?kind=nps&group_by=`)",
    problems=SURVEY_CHART_PROBLEMS,
)
