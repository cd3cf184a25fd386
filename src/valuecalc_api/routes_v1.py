"""Every `/v1` router, in one place. Add one `include_router` line per domain package."""

from __future__ import annotations

from fastapi import APIRouter

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

v1_router = APIRouter(prefix="/v1")
# First: the router matches routes in order, and a tracker's cached reads are the requests
# whose time is mostly routing (no route of another router matches their paths).
v1_router.include_router(reports_router)
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
