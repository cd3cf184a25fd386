"""What identifies a retried request: its `Idempotency-Key` and its fingerprint."""

from __future__ import annotations

import hashlib

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


def request_fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    """SHA-256 (hex) of method, path with query, and body bytes; each part length-prefixed
    so no two different requests can concatenate to the same input."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()
