"""`create_app()`: routers, problem+json error handlers, engine lifecycle."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from valuecalc_api import metrics
from valuecalc_api.db import create_engine, create_sessionmaker
from valuecalc_api.docs import install_offline_docs
from valuecalc_api.health import router as health_router
from valuecalc_api.if_match import require_if_match_where_precondition_required
from valuecalc_api.middleware.input_rules import document_parameter_text_rules
from valuecalc_api.middleware_stack import install_request_handling
from valuecalc_api.openapi_errors import document_errors
from valuecalc_api.openapi_names import (
    SERVERS,
    declared_tags,
    drop_null_from_optional_queries,
    drop_unused_schemas,
    name_pages,
    name_request_bodies,
    operation_id,
    restore_null_examples,
)
from valuecalc_api.problems import install_problem_handlers
from valuecalc_api.rate_limits.shared import SharedRateLimiter
from valuecalc_api.routes_v1 import install_v1_routes
from valuecalc_api.settings import Settings, get_settings

# Python's cyclic collector starts a young-generation pass every 700 net container
# allocations by default; a 10,000-row bulk request allocates a few hundred thousand
# short-lived ones (parsed rows, keys, plans), and the passes that reach the older
# generations walk every long-lived object of the process. Measured by
# `make bench-ingest`, freezing what exists at startup (modules, routes, schemas: never
# garbage) and starting a pass every 50,000 allocations lowers the collector's cost for
# every request, bulk or not, without a per-feature pause; cycles are still collected.
_YOUNG_GENERATION_THRESHOLD = 50_000


def tune_collector() -> None:
    """Move the objects alive after startup out of the collector's reach and make its
    young-generation passes rarer (the older generations keep their default ratios)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(_YOUNG_GENERATION_THRESHOLD, older, oldest)


DESCRIPTION = """\
valuecalc proves the value a B2B product delivers to each customer (the Value Tracker)
and computes renewal metrics. Decimals travel as strings; months as `YYYY-MM`; errors are
RFC 9457 `application/problem+json`. Authenticate with `Authorization: Bearer vc_live_…`.
Every answer carries `X-Request-ID` (yours, if you send a sane one: 1-128 characters of
letters, digits and `-_.:/+=@`), and every audit event a request writes records it.
A frontend that serves many people names the person a call acts for in `Valuecalc-Actor`
(their stable id) and `Valuecalc-Actor-Name` (display name, percent-encoded): recorded
on every audit event, note and evidence beside the key.
"""


class ValuecalcAPI(FastAPI):
    """FastAPI whose OpenAPI document shows the errors as they are answered: every 4xx/5xx
    as `application/problem+json` (`openapi_errors.document_errors`)."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            document = super().openapi()
            self.openapi_schema = None  # cached only once complete
            document["tags"] = declared_tags(document)
            name_pages(document)
            restore_null_examples(document, self.routes)
            name_request_bodies(document)
            drop_null_from_optional_queries(document)
            drop_unused_schemas(document)
            self.openapi_schema = require_if_match_where_precondition_required(
                document_parameter_text_rules(document_errors(document, self.routes))
            )
        return self.openapi_schema


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    if settings.database_url is None:
        raise RuntimeError(
            "DATABASE_URL is not set: start through `valuecalc serve`, which provides the "
            "embedded PostgreSQL, or set DATABASE_URL."
        )
    database_url = settings.database_url

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(database_url)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        if settings.rate_limit_enabled:
            app.state.rate_limiter = SharedRateLimiter(engine, settings.rate_limit_per_minute)
        metrics.watch_pool(engine)
        tune_collector()
        try:
            yield
        finally:
            await engine.dispose()
            metrics.process_stopped()

    app = ValuecalcAPI(
        title="valuecalc",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        servers=SERVERS,
        license_info={"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},
        generate_unique_id_function=operation_id,
        docs_url=None,  # served from the app's own assets: docs.install_offline_docs
        redoc_url=None,
    )
    app.state.settings = settings
    install_problem_handlers(app)
    install_request_handling(app, settings)
    app.include_router(health_router)
    app.add_route("/metrics", metrics.metrics_endpoint, include_in_schema=False)
    install_offline_docs(app)
    install_v1_routes(app)
    return app
