"""The problems every operation can answer with, whatever its route declares (SPEC 6).

Read from the operation and its route: 401 without a valid key, 403 for a role, 404 for
an id in the path, 400/412 for `If-Match`, 400/413/422 for a body, 409/422 for an
`Idempotency-Key` on POST, 422 for a parameter or an actor header, 429 for the rate
limit, 500, 503. Each is a `Fragment` that `openapi_errors` merges into the operation's
responses unless the route describes that problem itself. Imported only while the
document is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from valuecalc_api.auth.dependencies import CALLER_DEPENDENCIES, require_admin, require_editor
from valuecalc_api.middleware.rate_limit import EXEMPT_PATHS
from valuecalc_api.pagination import MAX_LIMIT
from valuecalc_api.problem_examples import ID_OBJECTS, PATH_VALUES, example
from valuecalc_api.problem_refs import HeaderName, ProblemExample, example_ref
from valuecalc_api.problems import invalid, not_found

# The methods the idempotency middleware guards (`IdempotencyMiddleware`'s default).
IDEMPOTENT_METHODS = frozenset({"POST"})


@dataclass(frozen=True, slots=True)
class Fragment:
    """One problem an operation can answer with: its part of the response for `status`."""

    status: str
    slug: str
    description: str
    examples: tuple[tuple[str, dict[str, Any]], ...] = ()
    headers: tuple[HeaderName, ...] = ()


def _named(*names: ProblemExample) -> tuple[tuple[str, dict[str, Any]], ...]:
    return tuple((name, example_ref(name)) for name in names)


@dataclass(frozen=True, slots=True)
class RouteFacts:
    authenticated: bool
    role: str | None  # "editor", "admin" or None (any key)
    rate_limited: bool


def _dependency_calls(dependant: Any) -> set[Callable[..., Any]]:
    calls: set[Callable[..., Any]] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        if current.call is not None:
            calls.add(current.call)
        pending.extend(current.dependencies)
    return calls


def route_facts(route: Any, path: str) -> RouteFacts:
    """What the route's dependencies say: a key needed, a role needed, rate limited."""
    calls = _dependency_calls(route.dependant)
    role = "admin" if require_admin in calls else "editor" if require_editor in calls else None
    return RouteFacts(
        authenticated=not CALLER_DEPENDENCIES.isdisjoint(calls),
        role=role,
        rate_limited=path not in EXEMPT_PATHS,
    )


def parameters_in(operation: dict[str, Any], where: str) -> list[dict[str, Any]]:
    return [p for p in operation.get("parameters", []) if p.get("in") == where]


def _example_path(path: str) -> str:
    """`path` with an example value in each `{parameter}`."""
    return re.sub(r"\{(\w+)\}", lambda match: PATH_VALUES.get(match[1], match[1]), path)


def _not_found_example(path: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    ids = [name for name in re.findall(r"\{(\w+)\}", path) if name in ID_OBJECTS]
    if not ids:
        return ()
    what = ID_OBJECTS[ids[-1]]
    return (("not-found", example(f"No such {what}", not_found(what), _example_path(path))),)


def _validation_example(
    operation: dict[str, Any], schemas: dict[str, Any], path: str
) -> tuple[tuple[str, dict[str, Any]], ...]:
    """A FastAPI-style 422 of this operation: a required body field left out, else an id
    in the path that is not a UUID, else a page size over the limit."""
    error: dict[str, Any] | None = None
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    reference = body.get("schema", {}).get("$ref")
    if isinstance(reference, str):
        required = schemas.get(reference.rsplit("/", 1)[1], {}).get("required", [])
        if required:
            error = {"field": required[0], "code": "missing", "message": "Field required"}
    if error is None:
        ids = [p["name"] for p in parameters_in(operation, "path") if p["name"] in ID_OBJECTS]
        if ids:
            error = {
                "field": f"path.{ids[0]}",
                "code": "uuid_parsing",
                "message": "Input should be a valid UUID, invalid length: found 3",
            }
    if error is None and any(p["name"] == "limit" for p in parameters_in(operation, "query")):
        error = {
            "field": "query.limit",
            "code": "less_than_equal",
            "message": f"Input should be less than or equal to {MAX_LIMIT}",
        }
    if error is None:
        return ()
    return (("validation-error", example("A bad field", invalid([error]), _example_path(path))),)


_UNAUTHORIZED = Fragment(
    "401",
    "unauthorized",
    "`unauthorized`: no `Authorization: Bearer` API key, or an unknown or revoked one.",
    _named("unauthorized"),
    ("WWW-Authenticate",),
)
_RATE_LIMITED = Fragment(
    "429",
    "rate-limited",
    "`rate-limited`: the API key's quota for this minute is spent; retry after `Retry-After` "
    "seconds.",
    _named("rate-limited"),
    ("Retry-After",),
)
_INTERNAL_ERROR = Fragment(
    "500",
    "internal-error",
    "`internal-error`: an unexpected failure; it has been logged.",
    _named("internal-error"),
)
_ACTOR_PROBLEMS = Fragment(
    "422",
    "actor-required",
    "`actor-required`: the API key requires an actor and the call names none in "
    "`Valuecalc-Actor`. `validation-error`: a malformed `Valuecalc-Actor` or "
    "`Valuecalc-Actor-Name` (`errors` names `header.valuecalc-actor` or "
    "`header.valuecalc-actor-name`).",
    _named("actor-required", "invalid-actor"),
)
# Published once as `components.responses` and referred to wherever an operation's answer
# is exactly this (a rate-limited operation whose route does not describe the status).
SHARED_RESPONSES = {
    "Unauthorized": _UNAUTHORIZED,
    "RateLimited": _RATE_LIMITED,
    "InternalError": _INTERNAL_ERROR,
}


def standard_fragments(
    method: str, path: str, operation: dict[str, Any], facts: RouteFacts, schemas: dict[str, Any]
) -> list[Fragment]:
    """The problems the operation can answer with whatever its route declares."""
    fragments: list[Fragment] = []
    has_body = "requestBody" in operation
    if facts.authenticated:
        fragments.append(_UNAUTHORIZED)
    if facts.role is not None:
        fragments.append(
            Fragment(
                "403",
                "forbidden",
                "`forbidden`: the API key's role does not allow this (it needs "
                + ("an admin key)." if facts.role == "admin" else "an editor or admin key)."),
                _named("admin-only" if facts.role == "admin" else "read-only-key"),
            )
        )
    if parameters_in(operation, "path"):
        fragments.append(
            Fragment(
                "404",
                "not-found",
                "`not-found`: no such object in your organization (objects outside the "
                "trackers of a tracker-limited key do not exist for it).",
                _not_found_example(path),
            )
        )
    if any(p["name"] == "If-Match" for p in parameters_in(operation, "header")):
        fragments.append(
            Fragment(
                "400",
                "invalid-if-match",
                "`invalid-if-match`: `If-Match` is neither `*` nor a list of quoted ETags.",
                _named("invalid-if-match"),
            )
        )
        fragments.append(
            Fragment(
                "412",
                "precondition-failed",
                "`precondition-failed`: `If-Match` names an older version; `current_etag` is "
                "the current one. Reload, apply the change again and resend.",
                _named("stale-etag"),
            )
        )
    if has_body:
        content = operation["requestBody"].get("content", {})
        fragments.append(
            Fragment(
                "400",
                "bad-request",
                "`bad-request`: the body could not be parsed as its `Content-Type` says"
                + (
                    ", or a multipart body has more fields or files than the operation takes."
                    if "multipart/form-data" in content
                    else "."
                ),
                _named(
                    "body-unreadable",
                    *(("too-many-fields",) if "multipart/form-data" in content else ()),
                ),
            )
        )
        if "application/json" in content:
            fragments.append(
                Fragment(
                    "422",
                    "json-too-deep",
                    "`json-too-deep`: the JSON body nests more than 64 levels of arrays and "
                    "objects (`max_depth`).",
                    _named("json-too-deep"),
                )
            )
        fragments.append(
            Fragment(
                "413",
                "request-too-large",
                "`request-too-large`: the body is over the size limit (`max_body_bytes`).",
                _named("request-too-large"),
            )
        )
    if has_body or operation.get("parameters"):
        fragments.append(
            Fragment(
                "422",
                "validation-error",
                "`validation-error`: `errors` names every bad field at once.",
                _validation_example(operation, schemas, path),
            )
        )
    if operation.get("parameters"):
        fragments.append(
            Fragment(
                "422",
                "control-character",
                "`control-character`: a path or query parameter holds a control character.",
                _named("control-character"),
            )
        )
    if method in IDEMPOTENT_METHODS:
        fragments.append(
            Fragment(
                "409",
                "idempotency-request-in-progress",
                "`idempotency-request-in-progress`: the first request with this "
                "`Idempotency-Key` is still running; retry after `Retry-After` seconds.",
                _named("idempotency-in-flight"),
                ("Retry-After",),
            )
        )
        fragments.append(
            Fragment(
                "422",
                "idempotency-key-reused",
                "`idempotency-key-reused`: this `Idempotency-Key` was used in the last 24 hours "
                "for another request (method, path, body, API key or `Valuecalc-Actor`).",
                _named("idempotency-key-reused"),
            )
        )
    if facts.authenticated:
        fragments.append(_ACTOR_PROBLEMS)
    if facts.rate_limited:
        fragments.append(_RATE_LIMITED)
    fragments.append(_INTERNAL_ERROR)
    if facts.authenticated:
        fragments.append(
            Fragment(
                "503",
                "database-interrupted",
                "`database-interrupted`: the database connection was lost, or the request "
                "conflicted with another or timed out; nothing of it was kept unless its "
                "retry with the same `Idempotency-Key` says so. Retry after `Retry-After`.",
                _named("database-interrupted"),
                ("Retry-After",),
            )
        )
    return fragments
