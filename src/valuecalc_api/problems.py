"""RFC 9457 problem details: the one error format of the API (SPEC 6).

Raise `Problem` (or one of the helpers) anywhere in the shell; `install_problem_handlers`
turns it, framework errors (404/405/422) and core validation errors into
`application/problem+json`. Never a stack trace, never a 500 for bad input.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from valuecalc_api.allowed_methods import allowed_methods
from valuecalc_core.errors import CoreError

PROBLEM_TYPE_BASE = "https://valuecalc.dev/problems/"
PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("valuecalc.api")

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    410: "Gone",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    423: "Locked",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class Problem(Exception):
    """An error answered as problem+json. `slug` names the problem type."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        title: str | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.title = title or _TITLES.get(status, "Error")
        self.errors = list(errors) if errors is not None else None
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance is not None:
            body["instance"] = instance
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def database_unreachable() -> Problem:
    """Readiness (`/readyz`): the database did not answer."""
    return Problem(503, "database-unreachable", "The database cannot be reached.")


def database_not_migrated(current: frozenset[str], expected: frozenset[str]) -> Problem:
    """Readiness (`/readyz`): the schema is not at this code's migration head."""

    def names(revisions: frozenset[str]) -> str:
        return ", ".join(sorted(revisions)) if revisions else "none (never migrated)"

    return Problem(
        503,
        "database-not-migrated",
        f"The database is at revision {names(current)} but this code needs "
        f"{names(expected)}: run `valuecalc migrate`.",
    )


def not_found(what: str = "resource") -> Problem:
    return Problem(404, "not-found", f"No {what} with that id exists in your organization.")


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", detail)


def conflict(slug: str, detail: str, **extra: Any) -> Problem:
    return Problem(409, slug, detail, extra=extra)


def invalid(errors: Sequence[Mapping[str, Any]], detail: str | None = None) -> Problem:
    """422 with an `errors` list; each item has `field` (a dotted path), `code` and `message`."""
    return Problem(
        422,
        "validation-error",
        detail or f"{len(errors)} field(s) are invalid.",
        errors=errors,
    )


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    instance = request.url.path if request is not None else None
    return JSONResponse(
        problem.body(instance),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def _field_path(loc: Sequence[int | str]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] if parts[0] == "body" else parts
    return ".".join(parts) if parts else "body"


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for error in exc.errors():
        message = str(error.get("msg", "Invalid value."))
        message = message.removeprefix("Value error, ")
        errors.append(
            {
                "field": _field_path(error.get("loc", ())),
                "code": error.get("type", "invalid"),
                "message": message,
            }
        )
    return errors


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(invalid(validation_errors(exc)), request)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(status, "Error")
        if status == 404 and detail == "Not Found":
            detail = "There is nothing at this address."
        headers = exc.headers
        if status == 405:
            detail = f"{request.method} is not allowed here."
            headers = {**(headers or {}), "Allow": allowed_methods(request.app, request.url.path)}
        slug = _TITLES.get(status, "error").lower().replace(" ", "-")
        return problem_response(Problem(status, slug, detail, headers=headers), request)

    async def on_core_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CoreError)
        return problem_response(
            Problem(422, exc.code.replace("_", "-"), str(exc), extra={"code": exc.code}), request
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            Problem(500, "internal-error", "Something went wrong on our side; it has been logged."),
            request,
        )

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(CoreError, on_core_error)
    app.add_exception_handler(Exception, on_unexpected)
