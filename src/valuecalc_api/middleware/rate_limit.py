"""Rate limits: `rate_limit_per_minute` requests per API key (per client address without a
valid one), shared by every worker process and host (`rate_limits`).

The caller's identity is `key:<key id>` for a valid API key, else `address:<client host>`.
A key seen in the last minute costs no lookup (`_KeyIdentities`: only the bucket's name
comes from there, never an authorization decision). A key not seen yet is looked up
(for the bucket's name only; the route checks the key itself), but only while the
client address's budget of unknown keys (`failed_lookups`, in this process's memory)
lasts: past it, a request with a key not known here is refused with 429 before any
database lookup, so random keys cost the database nothing. Then one statement spends one request of the identity's
shared budget; every answer carries the `RateLimit` headers, a 429 also `Retry-After`
(`rate_limits.buckets`).

`app.state.rate_limiter` holds the `SharedRateLimiter`; None switches limiting off.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from valuecalc_api.logs import note_organization
from valuecalc_api.middleware.asgi_messages import send_problem, with_headers
from valuecalc_api.middleware.caller import bearer_of, look_up_caller
from valuecalc_api.problems import Problem
from valuecalc_api.rate_limits.buckets import RateDecision
from valuecalc_api.rate_limits.shared import SharedRateLimiter

logger = logging.getLogger("valuecalc.api")

EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class _KeyIdentities:
    """API key secret -> (key id, organization id), remembered for a minute so a hot key
    costs no query.

    Only the bucket's name comes from here, never an authorization decision: a key
    revoked within the minute merely keeps its own budget until it is looked up again.
    Secrets are held as SHA-256 digests, never in clear.
    """

    def __init__(self, clock: Callable[[], float], *, ttl: float = 60.0, size: int = 10_000):
        self._clock = clock
        self._ttl = ttl
        self._size = size
        self._entries: dict[str, tuple[uuid.UUID, uuid.UUID, float]] = {}

    def get(self, secret: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        entry = self._entries.get(_digest(secret))
        if entry is None or entry[2] <= self._clock():
            return None
        return entry[0], entry[1]

    def put(self, secret: str, key_id: uuid.UUID, organization_id: uuid.UUID) -> None:
        if len(self._entries) >= self._size:
            self._entries.pop(next(iter(self._entries)))  # the oldest entry
        self._entries[_digest(secret)] = (key_id, organization_id, self._clock() + self._ttl)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class RateLimitMiddleware:
    """Spend one request of the caller's budget before anything else runs."""

    def __init__(self, app: ASGIApp, *, exempt_paths: frozenset[str] = EXEMPT_PATHS) -> None:
        self.app = app
        self.exempt_paths = exempt_paths
        self._identities = _KeyIdentities(time.monotonic)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter: SharedRateLimiter | None = getattr(scope["app"].state, "rate_limiter", None)
        if scope["type"] != "http" or limiter is None or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        decision = await self._decide(scope, limiter)
        headers = decision.headers()
        if not decision.allowed:
            problem = Problem(
                429,
                "rate-limited",
                f"At most {decision.limit} requests per minute are allowed per API key (per "
                f"client address without one); retry in {decision.retry_after_seconds} s.",
                headers={name.decode(): value.decode() for name, value in headers},
            )
            await send_problem(scope, receive, send, problem)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = with_headers(message, headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _decide(self, scope: Scope, limiter: SharedRateLimiter) -> RateDecision:
        """Spend one request of the caller's budget: its key's if the key is valid, else its
        address's; a key not known here only while the address may still try keys."""
        client = scope.get("client")
        address = f"address:{client[0] if client else 'unknown'}"
        secret = bearer_of(scope)
        if secret is not None:
            known = self._identities.get(secret)
            if known is None:
                refusal = limiter.failed_lookups.would_allow(address)
                if refusal is not None:
                    return refusal  # too many unknown keys: no lookup at all
                known = await self._look_up(scope, secret, limiter, address)
            if known is not None:
                note_organization(scope, known[1])
                return await limiter.take(f"key:{known[0]}")
        return await limiter.take(address)

    async def _look_up(
        self, scope: Scope, secret: str, limiter: SharedRateLimiter, address: str
    ) -> tuple[uuid.UUID, uuid.UUID] | None:
        try:
            principal = await look_up_caller(scope)
        except Exception:
            # The database is unreachable: the route will fail too; limit by address.
            logger.warning("rate limit: could not look up the API key", exc_info=True)
            return None
        if principal is None:
            limiter.failed_lookups.take(address)
            return None
        self._identities.put(secret, principal.key_id, principal.organization_id)
        return principal.key_id, principal.organization_id
