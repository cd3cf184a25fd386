"""API key material: random, prefixed, shown once, stored only as a keyed hash (SPEC 6).

Keys carry 256 bits of randomness, so a fast keyed hash (HMAC-SHA256 with a server
secret) is the right tool: a slow password hash buys nothing against brute force here
and would cost every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_PREFIX = "vc_live_"
DISPLAY_PREFIX_LENGTH = len(KEY_PREFIX) + 6


@dataclass(frozen=True, slots=True)
class NewKey:
    secret: str  # shown to the caller exactly once
    prefix: str  # safe to show in lists
    key_hash: str


def hash_key(secret: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), secret.encode(), hashlib.sha256).hexdigest()


def generate_key(pepper: str) -> NewKey:
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    return NewKey(
        secret=secret, prefix=secret[:DISPLAY_PREFIX_LENGTH], key_hash=hash_key(secret, pepper)
    )
