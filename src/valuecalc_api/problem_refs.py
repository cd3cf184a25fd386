"""The names a route uses to document its errors and headers (documentation only).

A leaf of the import graph: it imports nothing of valuecalc but `problems`' media type, so
every route module may import it without pulling in the code that raises the problems.
A route names the problems it can answer with (`problem_doc`) and the headers it sets
(`header_refs`, `ETAG`, `CACHED_READ`); what the names stand for (the example bodies,
the `Problem` schema, the header descriptions) is filled in when the OpenAPI document is
built (`openapi_errors.document_errors`, called by `app.py` only), which also refuses a
name it does not know. The names are `Literal` types, so mypy refuses a misspelt one too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from valuecalc_api.problems import PROBLEM_JSON

PROBLEM_SCHEMA = "Problem"
PROBLEM_REF: dict[str, str] = {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"}

# The named example error bodies (`problem_examples.EXAMPLES`, published as
# `components.examples`); the document refuses a name missing on either side.
ProblemExample = Literal[
    "unauthorized",
    "read-only-key",
    "admin-only",
    "actor-required",
    "invalid-actor",
    "invalid-if-match",
    "stale-etag",
    "if-match-required",
    "body-unreadable",
    "too-many-fields",
    "json-too-deep",
    "control-character",
    "database-interrupted",
    "request-too-large",
    "idempotency-in-flight",
    "idempotency-key-reused",
    "rate-limited",
    "internal-error",
    "month-locked",
    "measurement-written-concurrently",
    "initial-value-required",
    "bulk-rows-invalid",
    "bulk-row-ambiguous",
    "bulk-envelope-invalid",
    "bulk-rows-locked",
    "bulk-rows-stale",
    "concurrent-write",
    "csv-lines-invalid",
    "csv-header-incomplete",
    "csv-unreadable",
    "csv-lines-locked",
    "csv-media-type",
    "has-measurements",
    "use-case-has-measurements",
    "calculation-has-measurements",
    "currency-locked",
    "period-excludes-data",
    "calculation-key-taken",
    "formula-invalid",
    "external-id-taken",
    "customer-has-trackers",
    "tracker-limited-key",
    "response-not-stored",
    "not-locked",
    "evidence-too-large",
    "unsupported-evidence-type",
    "evidence-media-type",
    "link-has-no-content",
    "evidence-content-gone",
    "not-acceptable",
    "customer-not-found",
    "database-unreachable",
    "database-not-migrated",
    "portfolio-too-large",
    "ledger-rows-invalid",
    "customer-has-revenue",
    "missing-fx-rate",
    "currency-required",
    "portfolio-empty",
    "chart-render-timeout",
    "segment-taken",
    "no-health-profile",
    "override-over",
    "reason-code-taken",
    "book-too-large",
]

# The documented response headers (`openapi_headers.HEADERS`, published as
# `components.headers`).
HeaderName = Literal[
    "Retry-After",
    "RateLimit-Policy",
    "RateLimit",
    "WWW-Authenticate",
    "X-Request-ID",
    "Idempotent-Replayed",
    "Cache-Control",
    "Vary",
    "Location",
    "Content-Disposition",
    "ETag",
]


def header_refs(*names: HeaderName) -> dict[str, dict[str, str]]:
    """`headers` of a response: references to `components.headers`."""
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


ETAG: dict[str, Any] = {"headers": header_refs("ETag")}
"""A route's `responses=` entry for a success answer that carries an `ETag`."""

CACHED_READ: dict[str, Any] = {"headers": header_refs("ETag", "Cache-Control", "Vary")}
"""The same for a report read: its `ETag`, `Cache-Control` and `Vary` (see `reports.cache`)."""


def example_ref(name: ProblemExample) -> dict[str, str]:
    """A reference to the example body `name` (published as `components.examples`)."""
    return {"$ref": f"#/components/examples/{name}"}


def problem_doc(
    description: str, *examples: ProblemExample, headers: Iterable[HeaderName] = ()
) -> dict[str, Any]:
    """A route's `responses=` entry for an error: problem+json, with named example bodies.

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
