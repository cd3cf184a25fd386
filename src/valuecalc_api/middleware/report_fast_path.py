"""A cached tracker report served before routing: the same checks, less machinery.

A warm `GET /v1/trackers/{id}/report` spends a good part of its time in FastAPI's route
matching and dependency solving around a lookup that is already one query. This layer,
innermost of the middleware (so rate limits and their headers still apply), answers that
request itself when it can, with the functions the route uses, in the route's order:

- the bearer key and the tracker in one query (`auth.dependencies`), an unrevoked key of
  the tracker's organization only (revoked or unknown: the route answers 401), and the
  actor headers (bad, or missing where the key requires them: the route answers 422);
- `reports.serving.tracker_state`: a tracker-limited key, another organization's tracker
  (the route answers 404);
- the representation from `Accept` and the default as-of month (`formats`, `service`);
- `reports.serving.cached_answer`: 304 on a matching `If-None-Match`, else the cached
  bytes of the data version read by that same query (never stale).

Only the plain request is taken (method GET, canonical lower-case tracker id, no query
string, no root path, no principal already looked up); on anything else, a miss, or any
error before an answer is sent, the request goes on to the normal route unchanged.
"""

from __future__ import annotations

import logging
import re
import uuid

from fastapi import Request, Response
from starlette.datastructures import State
from starlette.types import ASGIApp, Receive, Scope, Send

from valuecalc_api.auth.dependencies import (
    principal_and_tracker,
    remembered_principal,
    with_actor,
)
from valuecalc_api.middleware.asgi import header
from valuecalc_api.middleware.caller import bearer_of
from valuecalc_api.middleware.observe import ROUTE_KEY, note_organization
from valuecalc_api.reports import service, serving
from valuecalc_api.reports.cache import ReportKey
from valuecalc_api.reports.formats import representation

logger = logging.getLogger("valuecalc.api")

_REPORT_PATH = re.compile(
    r"/v1/trackers/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/report"
)


class CachedReportFastPath:
    """Answers a plain cached-report GET without routing; passes everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and not scope.get("query_string")
            and not scope.get("root_path")
        ):
            match = _REPORT_PATH.fullmatch(scope["path"])
            if match is not None:
                try:
                    answer = await _cached_report(scope, match[1])
                except Exception:  # any doubt: the normal route decides
                    logger.debug("report fast path: passing on", exc_info=True)
                    answer = None
                if answer is not None:
                    scope[ROUTE_KEY] = "/v1/trackers/{tracker_id}/report"
                    await answer(scope, receive, send)
                    return
        await self.app(scope, receive, send)


async def _cached_report(scope: Scope, raw_tracker_id: str) -> Response | None:
    """The route's answer if it is a cached one (200 from the cache, or 304), else None."""
    secret = bearer_of(scope)
    if secret is None:
        return None
    known, _ = remembered_principal(State(scope.get("state", {})), secret)
    if known:
        return None  # looked up already without the tracker: leave it to the route
    tracker_id = uuid.UUID(raw_tracker_id)
    # A request as the route's dependencies see it (a copy: routing fills the real one).
    request = Request({**scope, "path_params": {"tracker_id": raw_tracker_id}})
    app = request.app
    async with app.state.sessionmaker() as session:
        principal = await principal_and_tracker(request, session, app.state.settings, secret)
        if principal is None:
            return None
        # A bad actor header, or none where the key requires one: the route answers 422.
        principal = with_actor(principal, request.headers.getlist)
        note_organization(scope, principal.organization_id)
        state = await serving.tracker_state(session, principal, tracker_id)
        wanted = representation(None, header(scope, b"accept"))
        asked = service.report_as_of(None, state.period)
        key = ReportKey("report", principal.organization_id, tracker_id, (str(asked), wanted.value))
        return serving.cached_answer(app, header(scope, b"if-none-match"), key, state.version)
