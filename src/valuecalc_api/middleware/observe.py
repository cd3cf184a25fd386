"""One log line and the metrics of every request: route template, method, status, time.

Runs just inside `RequestIdMiddleware`, so it sees every answer (a 429, a 413, a replay)
as the client gets it. The route is the template the router matched
(`/v1/trackers/{tracker_id}/report`, never the raw path: bounded label values and no ids
in metric names), `unmatched` for any path no route has. The organization comes from
whoever identified the caller during the request (`logs.note_organization`), the key prefix
from the bearer header: its first characters, as API key lists show them; never the key
or its hash.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from valuecalc_api import metrics
from valuecalc_api.audit.service import current_request_id
from valuecalc_api.auth.dependencies import bearer_secret
from valuecalc_api.auth.keys import DISPLAY_PREFIX_LENGTH
from valuecalc_api.logs import noted_organization
from valuecalc_api.middleware.asgi_messages import header

# A stdlib logger: its records go through `logs.configure_logging`'s processors when
# `serve` has configured them, and cost nothing below the configured level otherwise.
logger = logging.getLogger("valuecalc.request")

ROUTE_KEY = "valuecalc.route"  # scope key: the template of an answer given before routing


def route_template(scope: Scope) -> str:
    """The matched route's template: the path with each path parameter's segment replaced
    by `{name}` (routing leaves `path_params` in the scope; nested routers keep only their
    own part of the template on the route object). `unmatched` when no route took it."""
    given = scope.get(ROUTE_KEY)
    if isinstance(given, str):
        return given
    parameters: dict[str, Any] | None = scope.get("path_params")
    if parameters is None or (not parameters and "route" not in scope):
        return "unmatched"
    names = {str(value): name for name, value in parameters.items()}
    segments = scope["path"].split("/")
    return "/".join(f"{{{names[part]}}}" if part in names else part for part in segments)


class ObserveMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        replayed = False

        async def observed_send(message: Message) -> None:
            nonlocal status, replayed
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    if name == b"idempotent-replayed" and value == b"true":
                        replayed = True
            await send(message)

        structlog.contextvars.bind_contextvars(request_id=current_request_id.get())
        try:
            await self.app(scope, receive, observed_send)
        finally:
            self._record(scope, status, replayed, time.perf_counter() - started)
            structlog.contextvars.unbind_contextvars("request_id")

    @staticmethod
    def _record(scope: Scope, status: int, replayed: bool, seconds: float) -> None:
        route, method = route_template(scope), scope["method"]
        found = metrics.instruments()
        found.requests.labels(route, method, str(status)).inc()
        found.latency.labels(route, method).observe(seconds)
        if replayed:
            found.idempotent_replays.inc()
        if status == 429:
            found.rate_limited.inc()
        if not logger.isEnabledFor(logging.INFO):
            return
        secret = bearer_secret(header(scope, b"authorization"))
        organization = noted_organization(scope)
        fields = {
            "organization_id": None if organization is None else str(organization),
            "key_prefix": secret[:DISPLAY_PREFIX_LENGTH] if secret else None,
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
        }
        logger.info("request", extra=fields)
