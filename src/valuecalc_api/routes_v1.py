"""Every `/v1` router, in one place. Add one `include_router` line per domain package."""

from __future__ import annotations

from fastapi import APIRouter

from valuecalc_api.audit.routes import router as audit_router
from valuecalc_api.customer_health.routes import router as health_router
from valuecalc_api.customer_health.score_routes import router as customer_health_router
from valuecalc_api.customer_view.routes import router as customer_view_router
from valuecalc_api.customers.routes import router as customers_router
from valuecalc_api.evidence.note_routes import router as notes_router
from valuecalc_api.evidence.routes import router as evidence_router
from valuecalc_api.imports.csv_routes import router as csv_imports_router
from valuecalc_api.imports.routes import router as imports_router
from valuecalc_api.locks.routes import router as locks_router
from valuecalc_api.measurements.routes import router as measurements_router
from valuecalc_api.organizations.routes import router as organizations_router
from valuecalc_api.pulse.routes import router as pulse_router
from valuecalc_api.reports.routes import router as reports_router
from valuecalc_api.trackers.calculation_routes import router as calculations_router
from valuecalc_api.trackers.routes import router as trackers_router

v1_router = APIRouter(prefix="/v1")
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
v1_router.include_router(reports_router)
v1_router.include_router(csv_imports_router)
v1_router.include_router(health_router)
v1_router.include_router(customer_health_router)
v1_router.include_router(pulse_router)
v1_router.include_router(customer_view_router)
