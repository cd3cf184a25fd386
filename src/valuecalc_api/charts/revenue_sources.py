"""Where the revenue charts get their figures: the revenue reports' payloads, computed
by the same service calls and written by the same schemas as `GET /v1/revenue/...`.

The revenue ledger has no data version (the trackers' triggers do not cover it), so
these charts are computed on each request and tagged by their content (304 when the
bytes are unchanged).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.charts import revenue_charts
from valuecalc_api.charts.service import ChartSource
from valuecalc_api.charts.vega import ChartOptions, Spec
from valuecalc_api.cpu_work import run_cpu
from valuecalc_api.db import SessionDep
from valuecalc_api.revenue import metrics_service
from valuecalc_api.revenue.metrics_routes import (
    AsOfQuery,
    EndQuery,
    GranularityQuery,
    StartQuery,
    span,
)
from valuecalc_api.revenue.metrics_schemas import renewal_rates_out, series_out
from valuecalc_core.revenue import Granularity


async def renewal_waterfall_chart(
    principal: PrincipalDep,
    session: SessionDep,
    start: StartQuery,
    end: EndQuery,
    as_of: AsOfQuery = None,
) -> ChartSource:
    first, last = span(start, end)

    async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
        rates = await metrics_service.renewals_due(session, principal, first, last, as_of)
        payload = renewal_rates_out(rates).model_dump(mode="json")
        spec = await run_cpu(revenue_charts.renewal_waterfall, payload, options)
        return spec, ()

    return ChartSource(
        kind="revenue.renewal-waterfall",
        organization_id=principal.organization_id,
        tracker_id=None,
        version=None,
        parameters=(str(first), str(last), str(as_of)),
        build=build,
        filename=f"renewal-waterfall-{first}-{last}",
        query_names=("start", "end", "as_of"),
    )


def _series_chart(kind: str) -> Callable[..., Awaitable[ChartSource]]:
    """The dependency of a chart over the metric series (`movements` or `retention`)."""

    async def source(
        principal: PrincipalDep,
        session: SessionDep,
        start: StartQuery,
        end: EndQuery,
        granularity: GranularityQuery = Granularity.MONTH,
        as_of: AsOfQuery = None,
    ) -> ChartSource:
        first, last = span(start, end)

        async def build(options: ChartOptions) -> tuple[Spec, tuple[str, ...]]:
            found = await metrics_service.series(
                session, principal, first, last, granularity, None, as_of
            )
            payload = series_out(found).model_dump(mode="json")
            draw = revenue_charts.movements if kind == "movements" else revenue_charts.retention
            return await run_cpu(draw, payload, options), ()

        return ChartSource(
            kind=f"revenue.{kind}",
            organization_id=principal.organization_id,
            tracker_id=None,
            version=None,
            parameters=(str(first), str(last), granularity.value, str(as_of)),
            build=build,
            filename=f"revenue-{kind}-{first}-{last}",
            query_names=("start", "end", "granularity", "as_of"),
        )

    return source


movements_chart = _series_chart("movements")
retention_chart = _series_chart("retention")
