"""What identifies a retried request: its `Idempotency-Key` and its fingerprint."""

from __future__ import annotations

import hashlib

from starlette.types import Scope

from valuecalc_api.problems import Problem, invalid

MAX_KEY_LENGTH = 255


def parse_idempotency_key(values: list[str]) -> str:
    """The one `Idempotency-Key` of a request: 1 to 255 printable ASCII characters, else 422."""
    if len(values) != 1:
        raise _invalid_key("Send exactly one Idempotency-Key header.")
    key = values[0]
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise _invalid_key(f"An Idempotency-Key has 1 to {MAX_KEY_LENGTH} characters.")
    if any(not " " <= character <= "~" for character in key):
        raise _invalid_key("An Idempotency-Key consists of printable ASCII characters only.")
    return key


def _invalid_key(message: str) -> Problem:
    return invalid(
        [
            {
                "field": "header.idempotency-key",
                "code": "invalid_idempotency_key",
                "message": message,
            }
        ],
        detail=message,
    )


def request_fingerprint(
    method: str, path: str, query: bytes, body: bytes, actor: bytes = b""
) -> str:
    """SHA-256 (hex) of method, path with query, body bytes and the actor headers as sent
    (`acting_for`); each part length-prefixed so no two different requests can
    concatenate to the same input. Without an actor the actor part is left out, so such
    a request keeps the fingerprint it always had."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body, actor)[: 5 if actor else 4]:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


_ACTOR_HEADERS = (b"valuecalc-actor", b"valuecalc-actor-name")


def acting_for(scope: Scope) -> bytes:
    """The request's `Valuecalc-Actor` and `Valuecalc-Actor-Name` headers as sent (empty
    without them): a retry that names another person is another request (SPEC 6)."""
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    return b"".join(
        name + b":" + value + b"\n" for name, value in headers if name in _ACTOR_HEADERS
    )
