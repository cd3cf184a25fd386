"""The response headers and request parameters the OpenAPI document describes once.

Published as `components.headers` and referred to by name (`problem_refs.header_refs`);
the two parameters are added to the operations that take them (`openapi_errors`).
Imported only while the document is built.
"""

from __future__ import annotations

from typing import Any

from valuecalc_api.problem_examples import CURRENT_ETAG, RATE_LIMIT
from valuecalc_api.problem_refs import HeaderName

HEADERS: dict[HeaderName, dict[str, Any]] = {
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
RATE_LIMIT_HEADERS: tuple[HeaderName, ...] = ("RateLimit-Policy", "RateLimit")

IF_NONE_MATCH_PARAMETER: dict[str, Any] = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The `ETag` of the copy you hold: 304 without a body while it is current.",
    "schema": {"type": "string"},
    "example": CURRENT_ETAG,
}


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
