"""`create_app()`: routers, problem+json error handlers, engine lifecycle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from valuecalc_api.db import create_engine, create_sessionmaker
from valuecalc_api.health import router as health_router
from valuecalc_api.middleware.stack import install_request_handling
from valuecalc_api.problems import install_problem_handlers
from valuecalc_api.routes_v1 import v1_router
from valuecalc_api.settings import Settings, get_settings

DESCRIPTION = """\
valuecalc proves the value a B2B product delivers to each customer (the Value Tracker)
and computes renewal metrics. Decimals travel as strings; months as `YYYY-MM`; errors are
RFC 9457 `application/problem+json`. Authenticate with `Authorization: Bearer vc_live_…`.
"""


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
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="valuecalc",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_problem_handlers(app)
    install_request_handling(app, settings)
    app.include_router(health_router)
    app.include_router(v1_router)
    return app
