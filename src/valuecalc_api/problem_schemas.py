"""How the OpenAPI contract shows the API's errors (SPEC 6): documentation only.

Every error is RFC 9457 `application/problem+json`, built by `problems.py`; nothing here
changes a response. This module describes those bodies so a client can code against them:

- `ProblemOut` and `ProblemError` are the `Problem` and `ProblemError` schemas of the
  contract (the tests validate real error bodies of the app with them);
- `problem_examples.EXAMPLES` are named example bodies (built by the code that raises
  them); a route names the ones it can answer with in its `responses=`, through
  `problem_doc()`;
- `document_errors()` runs on the generated document (`app.py`): it adds what every
  operation can answer whatever its route says (401 without a valid key, 403 for a role,
  404 for an id in the path, 400/412 for `If-Match`, 413 for a body, 409/422 for an
  `Idempotency-Key` on POST, 429 for the rate limit, 500), turns every 4xx/5xx response
  into `application/problem+json` with the `Problem` schema (FastAPI's own
  `HTTPValidationError` disappears), and documents the `Retry-After`, `RateLimit*` and
  `WWW-Authenticate` headers. `ETag` is declared by the routes that set it (`ETAG`).
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import routing
from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, model_validator
from pydantic.json_schema import SkipJsonSchema

from valuecalc_api.actors.contract import ACTOR_PARAMETERS, actor_parameter_refs
from valuecalc_api.auth.dependencies import CALLER_DEPENDENCIES, require_admin, require_editor
from valuecalc_api.fields import MonthText
from valuecalc_api.middleware.rate_limit import EXEMPT_PATHS
from valuecalc_api.pagination import MAX_LIMIT
from valuecalc_api.problem_examples import (
    CURRENT_ETAG,
    EXAMPLES,
    ID_OBJECTS,
    PATH_VALUES,
    RATE_LIMIT,
    TRACKER_PATH,
    example,
)
from valuecalc_api.problems import (
    PROBLEM_JSON,
    PROBLEM_TYPE_BASE,
    invalid,
    not_found,
)

PROBLEM_SCHEMA = "Problem"
API_KEY_SCHEME = "apiKey"
PROBLEM_ERROR_SCHEMA = "ProblemError"
PROBLEM_REF: dict[str, str] = {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"}
# FastAPI's default 422 body, which this API never sends.
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
_FASTAPI_422_DESCRIPTION = "Validation Error"

# The methods the idempotency middleware guards (`IdempotencyMiddleware`'s default).
IDEMPOTENT_METHODS = frozenset({"POST"})
# --- the schemas ------------------------------------------------------------------------


def _schema_extra(*examples: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` of the problem models: their examples, and no `"default": null`
    on the members that are left out when they do not apply (they are never null)."""

    def extra(schema: dict[str, Any]) -> None:
        for member in schema.get("properties", {}).values():
            if "default" in member and member["default"] is None:
                del member["default"]
        schema["examples"] = [copy.deepcopy(example) for example in examples]

    return extra


class ProblemError(BaseModel):
    """One item of a problem's `errors`: what is wrong, and where.

    A JSON request names the place by `field` (a bulk request adds the `row`); a CSV import
    names the `line` and `column` instead of `field`. Some items carry more (`position`,
    `locked_through`, `candidate_tracker_ids`); unknown members may be added later.
    """

    model_config = ConfigDict(
        title=PROBLEM_ERROR_SCHEMA,
        extra="allow",
        json_schema_extra=_schema_extra(
            {"field": "name", "code": "missing", "message": "Field required"},
            {
                "row": 2,
                "field": "value",
                "code": "invalid_decimal",
                "message": "value must be a decimal number such as \"109000.00\"; got '1,5'.",
            },
            {
                "line": 4,
                "column": "month",
                "code": "month_locked",
                "message": "2026-02 is locked (the tracker is locked through 2026-03); an "
                "admin must move or remove the lock first.",
                "locked_through": "2026-03",
            },
        ),
    )

    field: str | SkipJsonSchema[None] = Field(
        default=None,
        description="The field, as a dotted path into the body (`rows`, `inputs.1.key`), or "
        "`query.<name>`, `path.<name>`, `header.<name>` for a parameter. Absent in a CSV "
        "import's errors, which name `line` and `column`.",
        examples=["tracker_ids.0"],
    )
    code: str = Field(
        description="Stable, machine-readable (snake_case), e.g. `missing`, "
        "`invalid_decimal`, `month_locked`.",
        examples=["invalid_decimal"],
    )
    message: str = Field(description="A sentence a person can act on.")
    row: NonNegativeInt | SkipJsonSchema[None] = Field(
        default=None, description="Bulk requests: the index of the row in `rows` (0-based)."
    )
    line: PositiveInt | SkipJsonSchema[None] = Field(
        default=None, description="CSV import: the line of the file (1-based; 1 is the header)."
    )
    column: str | None = Field(
        default=None,
        description="CSV import: the column of that line; null when the whole file or line "
        "is unreadable.",
    )
    position: NonNegativeInt | SkipJsonSchema[None] = Field(
        default=None,
        description="`formula` errors: the 0-based character offset of the problem.",
    )
    locked_through: MonthText | SkipJsonSchema[None] = Field(
        default=None, description="`month_locked` rows: the last locked month of the tracker."
    )
    candidate_tracker_ids: list[uuid.UUID] | SkipJsonSchema[None] = Field(
        default=None,
        description="`ambiguous_tracker` rows: the trackers the month falls in; send one "
        "as `tracker_id`.",
    )
    current_version: NonNegativeInt | SkipJsonSchema[None] = Field(
        default=None,
        description="`version_mismatch` rows: the stored version of the month (0: no value "
        "yet); resend the row with it as `if_version` after reading the change.",
    )

    @model_validator(mode="after")
    def _names_a_place(self) -> ProblemError:
        if self.field is None and self.line is None:
            raise ValueError("an error names its `field` (or, in a CSV import, its `line`)")
        return self


_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"


class ProblemOut(BaseModel):
    """An error, as RFC 9457 problem details (`application/problem+json`).

    `type` tells the problems apart (its last segment is the problem's name, e.g.
    `month-locked`), `detail` says what to do. Members beyond RFC 9457's belong to some
    problem types only (each says which); more may be added, so ignore unknown ones.
    """

    model_config = ConfigDict(
        title=PROBLEM_SCHEMA,
        extra="allow",
        json_schema_extra=_schema_extra(
            *(
                EXAMPLES[name]["value"]
                for name in (
                    "bulk-rows-invalid",
                    "stale-etag",
                    "month-locked",
                    "idempotency-in-flight",
                    "rate-limited",
                )
            )
        ),
    )

    type: Annotated[str, Field(pattern=f"^{re.escape(PROBLEM_TYPE_BASE)}{_SLUG}$")] = Field(
        description="A URI naming the problem type; stable, compare it as a string.",
        examples=[PROBLEM_TYPE_BASE + "precondition-failed"],
    )
    title: str = Field(
        description="A short summary of the problem type, e.g. `Precondition failed`."
    )
    status: Annotated[int, Field(ge=400, le=599)] = Field(
        description="The HTTP status code of this answer."
    )
    detail: str = Field(description="What went wrong this time, and what to do about it.")
    instance: str = Field(
        description="The path of the request that failed.", examples=[TRACKER_PATH]
    )
    errors: list[ProblemError] | SkipJsonSchema[None] = Field(
        default=None,
        description="`validation-error` (422) and bulk or CSV `month-locked` (423): every "
        "problem found, at once.",
    )
    code: str | SkipJsonSchema[None] = Field(
        default=None,
        description="Problems of the calculation core (type named after it): its error code.",
    )
    current_etag: str | SkipJsonSchema[None] = Field(
        default=None,
        description="`precondition-failed` (412): the ETag of the current version, when "
        "there is one.",
    )
    tracker_id: uuid.UUID | SkipJsonSchema[None] = Field(
        default=None, description="`month-locked` (423): the locked tracker."
    )
    locked_through: MonthText | SkipJsonSchema[None] = Field(
        default=None, description="`month-locked` (423): the tracker's last locked month."
    )
    locked_months: list[MonthText] | SkipJsonSchema[None] = Field(
        default=None, description="`month-locked` (423): the locked months the write would change."
    )
    max_body_bytes: PositiveInt | SkipJsonSchema[None] = Field(
        default=None, description="`request-too-large` (413): the limit for this address."
    )
    max_bytes: PositiveInt | SkipJsonSchema[None] = Field(
        default=None, description="`evidence-too-large` (413): the largest evidence file."
    )
    measurement_count: NonNegativeInt | SkipJsonSchema[None] = Field(
        default=None, description="`has-measurements` (409): how many are in the way."
    )
    tracker_count: NonNegativeInt | SkipJsonSchema[None] = Field(
        default=None,
        description="`customer-has-trackers` (409), `portfolio-too-large` (422): how many.",
    )
    limit: PositiveInt | SkipJsonSchema[None] = Field(
        default=None, description="`portfolio-too-large` (422): the most trackers allowed."
    )
    original_status: Annotated[int, Field(ge=100, le=599)] | SkipJsonSchema[None] = Field(
        default=None,
        description="`idempotency-response-not-stored` (409): the status of the first answer.",
    )
    location: str | SkipJsonSchema[None] = Field(
        default=None,
        description="`idempotency-response-not-stored` (409): the `Location` of the first "
        "answer, if it had one.",
    )
    url: str | SkipJsonSchema[None] = Field(
        default=None, description="`link-has-no-content` (409): the evidence's link."
    )


# --- headers ----------------------------------------------------------------------------

HEADERS: dict[str, dict[str, Any]] = {
    "Retry-After": {
        "description": "Seconds to wait before sending the request again.",
        "schema": {"type": "integer", "minimum": 0},
        "example": 1,
    },
    "RateLimit-Policy": {
        "description": "The quota (IETF draft `RateLimit-Policy`): `q` requests per `w` "
        "seconds, per API key (per client address without one). Sent with every answer while "
        "rate limits are on (the default), as is the older `RateLimit-Limit` (`q`).",
        "schema": {"type": "string"},
        "example": f'"default";q={RATE_LIMIT};w=60',
    },
    "RateLimit": {
        "description": "What is left of the quota (IETF draft `RateLimit`): `r` requests "
        "remaining, `t` seconds until the whole quota is back. Also sent in the older form "
        "`RateLimit-Remaining` (`r`) and `RateLimit-Reset` (`t`).",
        "schema": {"type": "string"},
        "example": f'"default";r={RATE_LIMIT - 1};t=1',
    },
    "WWW-Authenticate": {
        "description": "The scheme to authenticate with: an API key as a bearer token.",
        "schema": {"type": "string"},
        "example": "Bearer",
    },
    "X-Request-ID": {
        "description": "This request's id: the `X-Request-ID` you sent if it is 1-128 "
        "characters of letters, digits and `-_.:/+=@`, else one drawn for it. Every audit "
        "event the request wrote records it.",
        "schema": {"type": "string"},
        "example": "crm-sync-2026-12-05T10:00Z",
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer of an earlier request with the "
        "same `Idempotency-Key` (nothing ran again). Answers below 500 are replayed, errors "
        "included.",
        "schema": {"type": "string", "enum": ["true"]},
        "example": "true",
    },
    "Cache-Control": {
        "description": "How the answer may be kept: `private, no-cache` on report reads "
        "(keep it, but ask again with `If-None-Match` before every use), `no-store` where the "
        "answer shows a secret or a file.",
        "schema": {"type": "string"},
        "example": "private, no-cache",
    },
    "Vary": {
        "description": "The request headers the answer depends on.",
        "schema": {"type": "string"},
        "example": "Accept, Authorization",
    },
    "Location": {
        "description": "The path of what was created.",
        "schema": {"type": "string"},
        "example": "/v1/api-keys/5d6e7f80-91a2-4b3c-8d4e-5f60718293a4",
    },
    "Content-Disposition": {
        "description": "An attachment with the file's cleaned name (ASCII fallback and the "
        "exact name in `filename*`).",
        "schema": {"type": "string"},
        "example": "attachment; filename=\"dashboard.png\"; filename*=UTF-8''dashboard.png",
    },
    "ETag": {
        "description": "The strong entity tag of what was answered: send it back as "
        "`If-Match` with an update (412 if it changed since) or as `If-None-Match` with a "
        "report's read (304 while it is unchanged).",
        "schema": {"type": "string"},
        "example": CURRENT_ETAG,
    },
}
RATE_LIMIT_HEADERS = ("RateLimit-Policy", "RateLimit")


def header_refs(*names: str) -> dict[str, dict[str, str]]:
    """`headers` of a response: references to `components.headers`."""
    for name in names:
        if name not in HEADERS:
            raise KeyError(f"no documented header {name!r}")
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


ETAG: dict[str, Any] = {"headers": header_refs("ETag")}
"""A route's `responses=` entry for a success answer that carries an `ETag`."""

CACHED_READ: dict[str, Any] = {"headers": header_refs("ETag", "Cache-Control", "Vary")}
"""The same for a report read: its `ETag`, `Cache-Control` and `Vary` (see `reports.cache`)."""

IF_NONE_MATCH_PARAMETER: dict[str, Any] = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The `ETag` of the copy you hold: 304 without a body while it is current.",
    "schema": {"type": "string"},
    "example": CURRENT_ETAG,
}


def example_ref(name: str) -> dict[str, str]:
    """A reference to `EXAMPLES[name]` (published as `components.examples`)."""
    if name not in EXAMPLES:
        raise KeyError(f"no problem example {name!r}")
    return {"$ref": f"#/components/examples/{name}"}


def problem_doc(description: str, *examples: str, headers: Iterable[str] = ()) -> dict[str, Any]:
    """A route's `responses=` entry for an error: problem+json, with named `EXAMPLES`.

    Start `description` with the problem type(s) in backticks (`` `month-locked`: … ``):
    `document_errors` then knows that the route has described that problem itself.
    """
    media: dict[str, Any] = {"schema": dict(PROBLEM_REF)}
    if examples:
        media["examples"] = {name: example_ref(name) for name in examples}
    response: dict[str, Any] = {"description": description, "content": {PROBLEM_JSON: media}}
    if headers:
        response["headers"] = header_refs(*headers)
    return response


# --- completing the generated document --------------------------------------------------


def problem_component_schemas() -> dict[str, dict[str, Any]]:
    """`Problem` and `ProblemError`, as `components.schemas` entries."""
    schema = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions: dict[str, dict[str, Any]] = schema.pop("$defs", {})
    if set(definitions) != {PROBLEM_ERROR_SCHEMA}:
        raise AssertionError(f"unexpected definitions in the Problem schema: {set(definitions)}")
    return {PROBLEM_SCHEMA: schema, **definitions}


@dataclass(frozen=True, slots=True)
class _Fragment:
    """One problem an operation can answer with: its part of the response for `status`."""

    status: str
    slug: str
    description: str
    examples: tuple[tuple[str, dict[str, Any]], ...] = ()
    headers: tuple[str, ...] = ()


def _named(*names: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    return tuple((name, example_ref(name)) for name in names)


@dataclass(frozen=True, slots=True)
class _RouteFacts:
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


def _facts(route: Any, path: str) -> _RouteFacts:
    calls = _dependency_calls(route.dependant)
    role = "admin" if require_admin in calls else "editor" if require_editor in calls else None
    return _RouteFacts(
        authenticated=not CALLER_DEPENDENCIES.isdisjoint(calls),
        role=role,
        rate_limited=path not in EXEMPT_PATHS,
    )


def _api_routes(routes: Sequence[Any]) -> Iterator[Any]:
    """Every route of the document (FastAPI >= 0.16x nests included routers as route
    contexts; older versions list the APIRoutes directly)."""
    iterate = getattr(routing, "iter_route_contexts", None)
    for route in iterate(routes) if iterate is not None else iter(routes):
        original = getattr(route, "original_route", route)
        if isinstance(original, routing.APIRoute) and original.include_in_schema:
            yield route


def _parameters(operation: dict[str, Any], where: str) -> list[dict[str, Any]]:
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
        ids = [p["name"] for p in _parameters(operation, "path") if p["name"] in ID_OBJECTS]
        if ids:
            error = {
                "field": f"path.{ids[0]}",
                "code": "uuid_parsing",
                "message": "Input should be a valid UUID, invalid length: found 3",
            }
    if error is None and any(p["name"] == "limit" for p in _parameters(operation, "query")):
        error = {
            "field": "query.limit",
            "code": "less_than_equal",
            "message": f"Input should be less than or equal to {MAX_LIMIT}",
        }
    if error is None:
        return ()
    return (("validation-error", example("A bad field", invalid([error]), _example_path(path))),)


_UNAUTHORIZED = _Fragment(
    "401",
    "unauthorized",
    "`unauthorized`: no `Authorization: Bearer` API key, or an unknown or revoked one.",
    _named("unauthorized"),
    ("WWW-Authenticate",),
)
_RATE_LIMITED = _Fragment(
    "429",
    "rate-limited",
    "`rate-limited`: the API key's quota for this minute is spent; retry after `Retry-After` "
    "seconds.",
    _named("rate-limited"),
    ("Retry-After",),
)
_INTERNAL_ERROR = _Fragment(
    "500",
    "internal-error",
    "`internal-error`: an unexpected failure; it has been logged.",
    _named("internal-error"),
)
_ACTOR_PROBLEMS = _Fragment(
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
_SHARED_RESPONSES = {
    "Unauthorized": _UNAUTHORIZED,
    "RateLimited": _RATE_LIMITED,
    "InternalError": _INTERNAL_ERROR,
}


def _standard_fragments(
    method: str, path: str, operation: dict[str, Any], facts: _RouteFacts, schemas: dict[str, Any]
) -> list[_Fragment]:
    """The problems the operation can answer with whatever its route declares."""
    fragments: list[_Fragment] = []
    has_body = "requestBody" in operation
    if facts.authenticated:
        fragments.append(_UNAUTHORIZED)
    if facts.role is not None:
        fragments.append(
            _Fragment(
                "403",
                "forbidden",
                "`forbidden`: the API key's role does not allow this (it needs "
                + ("an admin key)." if facts.role == "admin" else "an editor or admin key)."),
                _named("admin-only" if facts.role == "admin" else "read-only-key"),
            )
        )
    if _parameters(operation, "path"):
        fragments.append(
            _Fragment(
                "404",
                "not-found",
                "`not-found`: no such object in your organization (objects outside the "
                "trackers of a tracker-limited key do not exist for it).",
                _not_found_example(path),
            )
        )
    if any(p["name"] == "If-Match" for p in _parameters(operation, "header")):
        fragments.append(
            _Fragment(
                "400",
                "invalid-if-match",
                "`invalid-if-match`: `If-Match` is neither `*` nor a list of quoted ETags.",
                _named("invalid-if-match"),
            )
        )
        fragments.append(
            _Fragment(
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
            _Fragment(
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
                _Fragment(
                    "422",
                    "json-too-deep",
                    "`json-too-deep`: the JSON body nests more than 64 levels of arrays and "
                    "objects (`max_depth`).",
                    _named("json-too-deep"),
                )
            )
        fragments.append(
            _Fragment(
                "413",
                "request-too-large",
                "`request-too-large`: the body is over the size limit (`max_body_bytes`).",
                _named("request-too-large"),
            )
        )
    if has_body or operation.get("parameters"):
        fragments.append(
            _Fragment(
                "422",
                "validation-error",
                "`validation-error`: `errors` names every bad field at once.",
                _validation_example(operation, schemas, path),
            )
        )
    if operation.get("parameters"):
        fragments.append(
            _Fragment(
                "422",
                "control-character",
                "`control-character`: a path or query parameter holds a control character.",
                _named("control-character"),
            )
        )
    if method in IDEMPOTENT_METHODS:
        fragments.append(
            _Fragment(
                "409",
                "idempotency-request-in-progress",
                "`idempotency-request-in-progress`: the first request with this "
                "`Idempotency-Key` is still running; retry after `Retry-After` seconds.",
                _named("idempotency-in-flight"),
                ("Retry-After",),
            )
        )
        fragments.append(
            _Fragment(
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
            _Fragment(
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


IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string (e.g. a UUID) that makes a retry safe: for 24 hours, "
    "the same request with the same key gets the first answer again (with "
    "`Idempotent-Replayed: true`) instead of running twice.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "example": "2b7e4f0c-6a1d-4d3e-9f5a-8c2b1e0d7a64",
}


def _is_error(status: str) -> bool:
    return status[:1] in {"4", "5"}


def _merge(response: dict[str, Any], fragment: _Fragment) -> None:
    description = str(response.get("description", ""))
    if description == _FASTAPI_422_DESCRIPTION:
        description = ""
    if f"`{fragment.slug}`" in description:
        return  # the route describes this problem itself
    response["description"] = f"{description} {fragment.description}".strip()
    if fragment.examples:
        media = response.setdefault("content", {}).setdefault(PROBLEM_JSON, {})
        examples = media.setdefault("examples", {})
        for name, example in fragment.examples:
            examples.setdefault(name, copy.deepcopy(example))
    if fragment.headers:
        response.setdefault("headers", {}).update(header_refs(*fragment.headers))


def _as_problem(response: dict[str, Any]) -> None:
    """Make an error response problem+json with the `Problem` schema (and nothing else)."""
    examples = response.get("content", {}).get(PROBLEM_JSON, {}).get("examples", {})
    media: dict[str, Any] = {"schema": dict(PROBLEM_REF)}
    if examples:
        media["examples"] = examples
    response["content"] = {PROBLEM_JSON: media}


def _complete(response: dict[str, Any], status: str, *, rate_limited: bool) -> None:
    if _is_error(status):
        _as_problem(response)
    headers = response.setdefault("headers", {})
    if rate_limited:
        headers.update(header_refs(*RATE_LIMIT_HEADERS))
    headers.update(header_refs("X-Request-ID"))


def _shared_response(fragment: _Fragment) -> dict[str, Any]:
    response: dict[str, Any] = {}
    _merge(response, fragment)
    _complete(response, fragment.status, rate_limited=True)
    return response


def _document_operation(
    method: str, path: str, operation: dict[str, Any], facts: _RouteFacts, schemas: dict[str, Any]
) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for fragment in _standard_fragments(method, path, operation, facts, schemas):
        _merge(responses.setdefault(fragment.status, {}), fragment)
    for status, response in responses.items():
        _complete(response, status, rate_limited=facts.rate_limited)
        if method in IDEMPOTENT_METHODS and status.startswith("2"):
            response["headers"].update(header_refs("Idempotent-Replayed"))
    for name, fragment in _SHARED_RESPONSES.items():
        if responses.get(fragment.status) == _shared_response(fragment):
            responses[fragment.status] = {"$ref": f"#/components/responses/{name}"}
    operation["responses"] = dict(sorted(responses.items()))
    if "304" in operation["responses"]:
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == "If-None-Match" for p in parameters):
            parameters.append(copy.deepcopy(IF_NONE_MATCH_PARAMETER))
    if method in IDEMPOTENT_METHODS:
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == "Idempotency-Key" for p in parameters):
            parameters.append(copy.deepcopy(IDEMPOTENCY_KEY_PARAMETER))
    if facts.authenticated:
        operation.setdefault("parameters", []).extend(actor_parameter_refs())


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def document_errors(document: dict[str, Any], routes: Sequence[Any]) -> dict[str, Any]:
    """Complete a generated OpenAPI `document` of the app with `routes` (see the module),
    and declare the API-key (bearer) security scheme on the operations that need a key."""
    components = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    for route in _api_routes(routes):
        path = route.path_format
        facts = _facts(route, path)
        for method in sorted(route.methods):
            operation = document["paths"][path][method.lower()]
            _document_operation(method, path, operation, facts, schemas)
            # Which operations take the API key (the 401 above): `security` says it to
            # client generators and to the docs' "Authorize" button.
            operation["security"] = [{API_KEY_SCHEME: []}] if facts.authenticated else []
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(problem_component_schemas())
    components["schemas"] = dict(sorted(schemas.items()))
    components["headers"] = {**components.get("headers", {}), **HEADERS}
    components["parameters"] = {**components.get("parameters", {}), **ACTOR_PARAMETERS}
    components["securitySchemes"] = {
        API_KEY_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "API key (vc_live_...)",
            "description": "An API key of the organization, created with `POST /v1/api-keys` "
            "or `valuecalc create-key`; its role (viewer, editor, admin) decides what it may do.",
        }
    }
    components["examples"] = {**components.get("examples", {}), **copy.deepcopy(EXAMPLES)}
    components["responses"] = {
        **components.get("responses", {}),
        **{name: _shared_response(fragment) for name, fragment in _SHARED_RESPONSES.items()},
    }
    dangling = {
        reference
        for reference in _references(document)
        if reference.rsplit("/", 1)[1] in FASTAPI_VALIDATION_SCHEMAS
    }
    if dangling:
        raise AssertionError(f"still referring to FastAPI's validation schemas: {dangling}")
    return document
