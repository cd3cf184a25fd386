"""Every `/v1` router, in one place. Add one `include_router` line per domain package.

`install_v1_routes(app)` adds them to the app: the reports router's routes first, on the
app's own router, then `v1_router` with every other one.
"""

from __future__ import annotations

import inspect

from fastapi import APIRouter, FastAPI

from valuecalc_api.audit.routes import router as audit_router
from valuecalc_api.calculations.routes import router as calculations_router
from valuecalc_api.charts.routes import router as charts_router
from valuecalc_api.csv_ingest.routes import router as csv_imports_router
from valuecalc_api.customer_health.routes import router as health_router
from valuecalc_api.customer_health.score_routes import router as customer_health_router
from valuecalc_api.customer_view.routes import router as customer_view_router
from valuecalc_api.customers.routes import router as customers_router
from valuecalc_api.engagement.routes import router as engagement_router
from valuecalc_api.evidence.note_routes import router as notes_router
from valuecalc_api.evidence.routes import router as evidence_router
from valuecalc_api.goals.routes import router as goals_router
from valuecalc_api.locks.routes import router as locks_router
from valuecalc_api.measurements.bulk_routes import router as imports_router
from valuecalc_api.measurements.routes import router as measurements_router
from valuecalc_api.onboarding.routes import router as onboarding_router
from valuecalc_api.organizations.routes import router as organizations_router
from valuecalc_api.pulse.routes import router as pulse_router
from valuecalc_api.renewal_pack.routes import router as renewal_pack_router
from valuecalc_api.reports.routes import router as reports_router
from valuecalc_api.revenue.csv_routes import router as revenue_csv_router
from valuecalc_api.revenue.metrics_routes import router as revenue_metrics_router
from valuecalc_api.revenue.write_routes import router as revenue_ledger_router
from valuecalc_api.signals.routes import router as signal_settings_router
from valuecalc_api.surveys.routes import router as surveys_router
from valuecalc_api.surveys.score_routes import router as survey_scores_router
from valuecalc_api.trackers.routes import router as trackers_router
from valuecalc_api.usage.routes import router as usage_router

V1_PREFIX = "/v1"
v1_router = APIRouter(prefix=V1_PREFIX)
v1_router.include_router(organizations_router)
v1_router.include_router(customers_router)
v1_router.include_router(trackers_router)
v1_router.include_router(calculations_router)
v1_router.include_router(measurements_router)
v1_router.include_router(audit_router)
v1_router.include_router(locks_router)
v1_router.include_router(evidence_router)
v1_router.include_router(notes_router)
v1_router.include_router(imports_router)
v1_router.include_router(csv_imports_router)
v1_router.include_router(charts_router)
v1_router.include_router(renewal_pack_router)
v1_router.include_router(revenue_ledger_router)
v1_router.include_router(revenue_metrics_router)
v1_router.include_router(revenue_csv_router)
v1_router.include_router(signal_settings_router)
v1_router.include_router(surveys_router)
v1_router.include_router(usage_router)
v1_router.include_router(engagement_router)
v1_router.include_router(goals_router)
v1_router.include_router(onboarding_router)
v1_router.include_router(survey_scores_router)
v1_router.include_router(health_router)
v1_router.include_router(customer_health_router)
v1_router.include_router(pulse_router)
v1_router.include_router(customer_view_router)


# Every argument of `add_api_route` that a route keeps as an attribute of the same name.
_ROUTE_SETTINGS = tuple(
    name
    for name in inspect.signature(APIRouter.add_api_route).parameters
    if name not in {"self", "path", "endpoint", "route_class_override"}
)


def install_v1_routes(app: FastAPI) -> None:
    """Add every `/v1` route to `app`, the reports router's first and directly.

    A route of an included router is matched, per request, through FastAPI's walk of the
    included routers (it checks every nested router's routes for changes, then matches
    twice: once to select the router, once inside it); on the app's own router it is one
    regular expression. A warm cached report is mostly that overhead (one query and a
    dictionary lookup besides), so the reports routes are added to the app as they are
    declared, same settings, same order in the contract (`make openapi-check`); no route
    of another router matches their paths.
    """
    for route in reports_router.routes:
        app.router.add_api_route(
            V1_PREFIX + route.path,  # type: ignore[attr-defined]
            route.endpoint,  # type: ignore[attr-defined]
            **{name: getattr(route, name) for name in _ROUTE_SETTINGS},
        )
    app.include_router(v1_router)
