"""Adding the request-handling middleware to the app, in their order (see `middleware/`)."""

from __future__ import annotations

from fastapi import FastAPI

from valuecalc_api import cpu_work
from valuecalc_api.database_errors import DatabaseErrorGuard
from valuecalc_api.idempotency.middleware import IdempotencyMiddleware
from valuecalc_api.middleware.body_limit import BodySizeLimitMiddleware
from valuecalc_api.middleware.gzip import GzipMiddleware
from valuecalc_api.middleware.input_rules import InputRulesMiddleware
from valuecalc_api.middleware.observe import ObserveMiddleware
from valuecalc_api.middleware.rate_limit import RateLimitMiddleware
from valuecalc_api.middleware.request_id import RequestIdMiddleware
from valuecalc_api.settings import Settings


def install_request_handling(app: FastAPI, settings: Settings) -> None:
    """Add the middleware. `app.state.rate_limiter` is set by the app's lifespan once the
    engine exists (None when limits are switched off)."""
    app.state.rate_limiter = None
    cpu_work.configure(settings.cpu_threads)
    # Starlette runs the middleware added last first.
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(InputRulesMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        upload_max_body_bytes=settings.upload_max_body_bytes,
        upload_path_patterns=settings.upload_path_patterns,
    )
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(DatabaseErrorGuard)
    # Outside every layer that answers, so problems and cached reports are compressed too;
    # inside the fast path's and the routes' view, tags are the identity ones.
    app.add_middleware(GzipMiddleware)
    app.add_middleware(ObserveMiddleware)  # every answer as sent, with the request's id
    app.add_middleware(RequestIdMiddleware)  # outermost: every answer carries the id
