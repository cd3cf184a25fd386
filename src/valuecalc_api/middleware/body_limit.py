"""Request body size limit: 413 problem+json instead of reading an oversized body.

A declared `Content-Length` over the limit is refused before the app runs. A body
without one (chunked) is counted as it streams in: the first chunk that crosses the
limit stops the read, so at most one chunk beyond the limit is ever held. Whatever the
app answered to the aborted read (FastAPI turns a failed body read into a 400) is
replaced by the 413, as long as nothing was sent yet.

Paths matching one of `upload_path_patterns` (regular expressions, `re.fullmatch`) get
`upload_max_body_bytes` instead of `max_body_bytes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from valuecalc_api.middleware.asgi_messages import header, send_problem
from valuecalc_api.problems import Problem

# Methods whose requests carry no body in practice; passed through untouched when they
# declare none (a GET with a declared body is still counted and limited).
_BODILESS_METHODS = frozenset({"GET", "HEAD"})


class RequestBodyTooLarge(Exception):
    """Raised into the app from `receive` when the body crosses the limit."""


class BodySizeLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        upload_max_body_bytes: int | None = None,
        upload_path_patterns: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.upload_max_body_bytes = upload_max_body_bytes or max_body_bytes
        self.upload_paths = [re.compile(pattern) for pattern in upload_path_patterns]

    def limit_for(self, path: str) -> int:
        if any(pattern.fullmatch(path) for pattern in self.upload_paths):
            return self.upload_max_body_bytes
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if (
            declared is None
            and scope["method"] in _BODILESS_METHODS
            and header(scope, b"transfer-encoding") is None
        ):
            # An HTTP/1.1 request with neither Content-Length nor Transfer-Encoding has no
            # body (RFC 9112 §6.3): nothing to count, so no wrapping of receive and send.
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        if declared is not None:
            if not declared.strip().isdigit():
                await send_problem(
                    scope,
                    receive,
                    send,
                    Problem(400, "invalid-content-length", "Content-Length must be a number."),
                )
                return
            if int(declared) > limit:
                await send_problem(scope, receive, send, _too_large(limit))
                return

        received = 0
        overflowed = False
        response_started = False

        async def receive_within_limit() -> Message:
            nonlocal received, overflowed
            if overflowed:
                raise RequestBodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflowed = True
                    raise RequestBodyTooLarge
            return message

        async def send_unless_overflowed(message: Message) -> None:
            nonlocal response_started
            if overflowed and not response_started:
                return  # the app's reaction to the aborted read; the 413 replaces it
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive_within_limit, send_unless_overflowed)
        except Exception:
            # Our own RequestBodyTooLarge, possibly wrapped (an ExceptionGroup from a task
            # group, or whatever the app turned it into): answer 413 if we still can.
            if not overflowed or response_started:
                raise
        if overflowed and not response_started:
            await send_problem(scope, receive, send, _too_large(limit))


def _too_large(limit: int) -> Problem:
    return Problem(
        413,
        "request-too-large",
        f"The request body is larger than the limit of {limit} bytes.",
        extra={"max_body_bytes": limit},
    )
