"""Rate limits: `rate_limit_per_minute` requests per API key, in memory, per process.

Each caller (an API key; without a valid key, the client address) has a token bucket of
`limit` requests that refills evenly over the 60 s window, run as GCRA: one timestamp per
caller, the "theoretical arrival time" at which its bucket is full again. Every answer
carries the IETF draft headers (`RateLimit-Policy`, `RateLimit`) and the older
`RateLimit-Limit/-Remaining/-Reset`; a refused request gets 429 problem+json with
`Retry-After` (seconds until one more request is allowed). `t`/`Reset` is the number of
seconds until the whole budget is back.

The buckets live in this process: with several worker processes each has its own
budget, so the effective limit is `workers * limit`. A multi-process deployment that
needs one exact limit must keep the buckets in a shared store (e.g. Redis with the same
GCRA arithmetic).

The clock is a callable (`time.monotonic` by default) so tests move time by hand.
`app.state.rate_limiter` holds the limiter; None switches limiting off.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from valuecalc_api.middleware.asgi import send_problem, with_headers
from valuecalc_api.middleware.caller import bearer_of, resolve_caller
from valuecalc_api.problems import Problem

logger = logging.getLogger("valuecalc.api")

WINDOW_SECONDS = 60
EXEMPT_PATHS = frozenset({"/healthz", "/readyz"})
# Seconds of float noise ignored when rounding waits up to whole seconds.
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the whole budget is back
    retry_after_seconds: int  # until one more request is allowed; 0 when allowed

    def headers(self) -> list[tuple[bytes, bytes]]:
        pairs = [
            ("RateLimit-Policy", f'"default";q={self.limit};w={WINDOW_SECONDS}'),
            ("RateLimit", f'"default";r={self.remaining};t={self.reset_seconds}'),
            ("RateLimit-Limit", str(self.limit)),
            ("RateLimit-Remaining", str(self.remaining)),
            ("RateLimit-Reset", str(self.reset_seconds)),
        ]
        if not self.allowed:
            pairs.append(("Retry-After", str(self.retry_after_seconds)))
        return [(name.lower().encode(), value.encode()) for name, value in pairs]


class RateLimiter:
    """GCRA token buckets keyed by caller identity, `limit` requests per 60 s."""

    def __init__(self, limit: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if limit <= 0:
            raise ValueError("the rate limit must be at least one request per window")
        self.limit = limit
        self.clock = clock
        self._interval = WINDOW_SECONDS / limit  # seconds one request "costs"
        self._full_at: dict[str, float] = {}  # identity -> when its bucket is full again
        self._next_sweep = clock() + WINDOW_SECONDS

    def take(self, identity: str) -> RateDecision:
        """Spend one request of `identity`'s budget if there is one."""
        now = self.clock()
        self._sweep(now)
        full_at = max(self._full_at.get(identity, now), now)
        after = full_at + self._interval
        if after - now > WINDOW_SECONDS + _EPSILON:
            return RateDecision(
                allowed=False,
                limit=self.limit,
                remaining=0,
                reset_seconds=_whole_seconds(full_at - now),
                retry_after_seconds=max(1, _whole_seconds(after - now - WINDOW_SECONDS)),
            )
        self._full_at[identity] = after
        return RateDecision(
            allowed=True,
            limit=self.limit,
            remaining=int((WINDOW_SECONDS - (after - now)) / self._interval + _EPSILON),
            reset_seconds=_whole_seconds(after - now),
            retry_after_seconds=0,
        )

    def _sweep(self, now: float) -> None:
        """Forget callers whose bucket is full again, once a window, so memory stays bounded."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + WINDOW_SECONDS
        for identity in [key for key, full_at in self._full_at.items() if full_at <= now]:
            del self._full_at[identity]


def _whole_seconds(seconds: float) -> int:
    return max(0, math.ceil(seconds - _EPSILON))


class _KeyIdentities:
    """API key secret -> key id, remembered for a minute so a hot key costs no query.

    Only the bucket's name comes from here, never an authorization decision: a key
    revoked within the minute merely keeps its own budget until it is looked up again.
    Secrets are held as SHA-256 digests, never in clear.
    """

    def __init__(self, clock: Callable[[], float], *, ttl: float = 60.0, size: int = 10_000):
        self._clock = clock
        self._ttl = ttl
        self._size = size
        self._entries: dict[str, tuple[uuid.UUID, float]] = {}

    def get(self, secret: str) -> uuid.UUID | None:
        entry = self._entries.get(_digest(secret))
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]

    def put(self, secret: str, key_id: uuid.UUID) -> None:
        if len(self._entries) >= self._size:
            self._entries.pop(next(iter(self._entries)))  # the oldest entry
        self._entries[_digest(secret)] = (key_id, self._clock() + self._ttl)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class RateLimitMiddleware:
    """Spend one request of the caller's budget before anything else runs."""

    def __init__(self, app: ASGIApp, *, exempt_paths: frozenset[str] = EXEMPT_PATHS) -> None:
        self.app = app
        self.exempt_paths = exempt_paths
        self._identities = _KeyIdentities(time.monotonic)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter: RateLimiter | None = getattr(scope["app"].state, "rate_limiter", None)
        if scope["type"] != "http" or limiter is None or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        decision = limiter.take(await self._identity(scope))
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

    async def _identity(self, scope: Scope) -> str:
        """`key:<id>` for a valid API key, else `address:<client host>`."""
        secret = bearer_of(scope)
        if secret is not None:
            key_id = self._identities.get(secret)
            if key_id is None:
                try:
                    principal = await resolve_caller(scope)
                except Exception:
                    # The database is unreachable: the route will fail too; limit by address.
                    logger.warning("rate limit: could not look up the API key", exc_info=True)
                    principal = None
                if principal is not None:
                    key_id = principal.key_id
                    self._identities.put(secret, key_id)
            if key_id is not None:
                return f"key:{key_id}"
        client = scope.get("client")
        return f"address:{client[0] if client else 'unknown'}"
