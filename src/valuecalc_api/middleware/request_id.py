"""Every request gets an id: the caller's `X-Request-ID` if it is a sane one, else a new one.

The id is answered in `X-Request-ID` and set in `audit.service.current_request_id` for the
duration of the request, so every audit event a request writes (one, or 10,000 for a bulk
write) names it, and an integration can match its own log line to the audit trail. A
caller's id is kept only if it is 1 to 128 visible ASCII characters from a safe set
(letters, digits and `-_.:/+=@`); anything else is replaced, never stored.
"""

from __future__ import annotations

import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from valuecalc_api.audit.service import current_request_id
from valuecalc_api.middleware.asgi_messages import header, with_headers

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9\-_.:/+=@]{1,128}")


def request_id_of(scope: Scope) -> str:
    """The caller's request id if it is acceptable, else a new random one."""
    given = header(scope, b"x-request-id")
    if given is not None and _SAFE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        echoed = [(b"x-request-id", request_id.encode("ascii"))]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = with_headers(message, echoed)
            await send(message)

        token = current_request_id.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            current_request_id.reset(token)
