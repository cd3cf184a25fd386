"""Small helpers for the pure ASGI middleware: header lookup and problem+json answers.

The middleware are plain ASGI callables (not `BaseHTTPMiddleware`) so request bodies
and streamed responses pass through untouched and unbuffered unless a middleware
means to hold them.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from valuecalc_api.problems import Problem, problem_response


def header_values(scope: Scope, name: bytes) -> list[str]:
    """Every value of header `name` (lower-case bytes), decoded as Latin-1 as HTTP does."""
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    return [value.decode("latin-1") for key, value in headers if key == name]


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of header `name`, None if absent."""
    values = header_values(scope, name)
    return values[0] if values else None


async def send_problem(scope: Scope, receive: Receive, send: Send, problem: Problem) -> None:
    """Answer the request with `problem` as `application/problem+json`."""
    response = problem_response(problem, Request(scope, receive))
    await response(scope, receive, send)


def with_headers(message: Message, extra: list[tuple[bytes, bytes]]) -> Message:
    """An `http.response.start` message with `extra` headers appended."""
    headers = list(message.get("headers", []))
    headers.extend(extra)
    return {**message, "headers": headers}


async def read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None if the client went away before sending it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the buffered body, then waits on the client as usual."""
    delivered = False

    async def receive_buffered() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive_buffered
