"""How the OpenAPI contract shows the actor headers: reusable header parameters that
every operation taking an API key refers to (`openapi_errors.document_errors`)."""

from __future__ import annotations

from typing import Any

from valuecalc_api.actors.header import ACTOR_HEADER, ACTOR_NAME_HEADER, MAX_ACTOR_CHARS

_PRINTABLE_ASCII = "^[ -~]+$"

ACTOR_PARAMETERS: dict[str, dict[str, Any]] = {
    "ValuecalcActor": {
        "name": ACTOR_HEADER,
        "in": "header",
        "required": False,
        "description": "The person this call acts for, by their stable id in your system "
        f"(1-{MAX_ACTOR_CHARS} printable ASCII characters, compared exactly). Recorded "
        "beside the API key on every audit event, note and evidence the call writes, shown "
        "as their `actor` / `author`, and the `actor` filter of the history. Required by a "
        "key with `requires_actor` (else 422 `actor-required`). It never changes what the "
        "key may do. Part of an `Idempotency-Key`'s request: a retry naming another actor "
        "is 422 `idempotency-key-reused`.",
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_ACTOR_CHARS,
            "pattern": _PRINTABLE_ASCII,
        },
        "examples": {
            "user-id": {"summary": "A user id of your application", "value": "u_123"},
            "email": {"summary": "An e-mail address", "value": "dana.reyes@northwind.example"},
        },
    },
    "ValuecalcActorName": {
        "name": ACTOR_NAME_HEADER,
        "in": "header",
        "required": False,
        "description": f"The display name of the person named by `{ACTOR_HEADER}` (only "
        f"with it): 1-{MAX_ACTOR_CHARS} characters after percent-decoding. Header values "
        "are ASCII, so send `encodeURIComponent(name)`: `%` sequences are decoded as UTF-8 "
        "(a literal `%` is `%25`).",
        "schema": {"type": "string", "minLength": 1, "pattern": _PRINTABLE_ASCII},
        "examples": {
            "plain": {"summary": "An ASCII name as it is", "value": "Dana Reyes"},
            "encoded": {
                "summary": "José Martín, percent-encoded",
                "value": "Jos%C3%A9%20Mart%C3%ADn",
            },
        },
    },
}


def actor_parameter_refs() -> list[dict[str, str]]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in ACTOR_PARAMETERS]
