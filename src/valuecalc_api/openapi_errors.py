"""How the OpenAPI contract shows the API's errors (SPEC 6): documentation only.

Every error is RFC 9457 `application/problem+json`, built by `problems.py`; nothing here
changes a response. Routes name the problems they can answer with and the headers they
set (`problem_refs`, a leaf module); `document_errors()` runs on the generated document
(`app.py`, the only importer) and resolves those names: the named example bodies
(`problem_examples.EXAMPLES`, built by the code that raises them), the `Problem` and
`ProblemError` schemas (`problem_schemas`) and the headers (`openapi_headers`). It adds
what every operation can answer whatever its route says (`error_fragments`), turns every
4xx/5xx response into `application/problem+json` with the `Problem` schema (FastAPI's
own `HTTPValidationError` disappears), and documents the `Retry-After`, `RateLimit*` and
`WWW-Authenticate` headers. `ETag` is declared by the routes that set it (`ETAG`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from typing import Any, get_args

from fastapi import routing

from valuecalc_api.actors.contract import ACTOR_PARAMETERS, actor_parameter_refs
from valuecalc_api.error_fragments import (
    IDEMPOTENT_METHODS,
    SHARED_RESPONSES,
    Fragment,
    RouteFacts,
    route_facts,
    standard_fragments,
)
from valuecalc_api.openapi_headers import (
    HEADERS,
    IDEMPOTENCY_KEY_PARAMETER,
    IF_NONE_MATCH_PARAMETER,
    RATE_LIMIT_HEADERS,
)
from valuecalc_api.problem_examples import EXAMPLES
from valuecalc_api.problem_refs import PROBLEM_REF, HeaderName, ProblemExample, header_refs
from valuecalc_api.problem_schemas import problem_component_schemas
from valuecalc_api.problems import PROBLEM_JSON

API_KEY_SCHEME = "apiKey"
# FastAPI's default 422 body, which this API never sends.
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
_FASTAPI_422_DESCRIPTION = "Validation Error"


def check_names() -> None:
    """The names routes may use (`problem_refs`) are exactly the bodies and headers
    described here: a name without a description, or the reverse, stops the build."""
    for kind, named, described in (
        ("problem example", set(get_args(ProblemExample)), set(EXAMPLES)),
        ("header", set(get_args(HeaderName)), set(HEADERS)),
    ):
        if named != described:
            raise AssertionError(
                f"{kind} names of problem_refs and their descriptions differ: "
                f"named only {sorted(named - described)}, described only "
                f"{sorted(described - named)}"
            )


def _api_routes(routes: Sequence[Any]) -> Iterator[Any]:
    """Every route of the document (FastAPI >= 0.16x nests included routers as route
    contexts; older versions list the APIRoutes directly)."""
    iterate = getattr(routing, "iter_route_contexts", None)
    for route in iterate(routes) if iterate is not None else iter(routes):
        original = getattr(route, "original_route", route)
        if isinstance(original, routing.APIRoute) and original.include_in_schema:
            yield route


def _is_error(status: str) -> bool:
    return status[:1] in {"4", "5"}


def _merge(response: dict[str, Any], fragment: Fragment) -> None:
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


def _shared_response(fragment: Fragment) -> dict[str, Any]:
    response: dict[str, Any] = {}
    _merge(response, fragment)
    _complete(response, fragment.status, rate_limited=True)
    return response


def _document_operation(
    method: str, path: str, operation: dict[str, Any], facts: RouteFacts, schemas: dict[str, Any]
) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for fragment in standard_fragments(method, path, operation, facts, schemas):
        _merge(responses.setdefault(fragment.status, {}), fragment)
    for status, response in responses.items():
        _complete(response, status, rate_limited=facts.rate_limited)
        if method in IDEMPOTENT_METHODS and status.startswith("2"):
            response["headers"].update(header_refs("Idempotent-Replayed"))
    for name, fragment in SHARED_RESPONSES.items():
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
    check_names()
    components = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    for route in _api_routes(routes):
        path = route.path_format
        facts = route_facts(route, path)
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
        **{name: _shared_response(fragment) for name, fragment in SHARED_RESPONSES.items()},
    }
    dangling = {
        reference
        for reference in _references(document)
        if not _resolves(reference, components)
        or reference.rsplit("/", 1)[1] in FASTAPI_VALIDATION_SCHEMAS
    }
    if dangling:
        raise AssertionError(
            f"references to nothing, or to FastAPI's validation schemas: {dangling}"
        )
    return document


def _resolves(reference: str, components: dict[str, Any]) -> bool:
    """Whether a `#/components/<kind>/<name>` reference names a published component."""
    parts = reference.split("/")
    if len(parts) != 4 or parts[:2] != ["#", "components"]:
        return True  # not a component reference: not ours to check
    return parts[3] in components.get(parts[2], {})
