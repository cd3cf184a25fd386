"""GCRA token buckets: the arithmetic, the answer's headers, and an in-memory limiter.

Each caller has a bucket of `limit` requests that refills evenly over the 60 s window,
run as GCRA: one timestamp per caller, `full_at`, the moment its bucket is full again.
A request at `now` costs `interval = window / limit` seconds: it is allowed if
`max(full_at, now) + interval - now <= window`. Every answer carries the IETF draft
headers (`RateLimit-Policy`, `RateLimit`) and the older `RateLimit-Limit/-Remaining/-Reset`;
a refused request gets 429 problem+json with `Retry-After` (seconds until one more
request is allowed). `t`/`Reset` is the number of seconds until the whole budget is back.

`RateLimiter` keeps the timestamps in this process (a test moves its clock by hand);
`shared.SharedRateLimiter` keeps them in PostgreSQL with the same arithmetic.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 60
# Seconds of float noise ignored when comparing and rounding up to whole seconds.
EPSILON = 1e-9


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


def interval_of(limit: int) -> float:
    if limit <= 0:
        raise ValueError("the rate limit must be at least one request per window")
    return WINDOW_SECONDS / limit


def allowed(limit: int, now: float, full_at: float) -> RateDecision:
    """The decision for a request at `now` that moved the bucket to `full_at`."""
    interval = interval_of(limit)
    return RateDecision(
        allowed=True,
        limit=limit,
        remaining=int((WINDOW_SECONDS - (full_at - now)) / interval + EPSILON),
        reset_seconds=whole_seconds(full_at - now),
        retry_after_seconds=0,
    )


def refused(limit: int, now: float, full_at: float) -> RateDecision:
    """The decision for a request at `now` refused by a bucket full again at `full_at`."""
    after = max(full_at, now) + interval_of(limit)
    return RateDecision(
        allowed=False,
        limit=limit,
        remaining=0,
        reset_seconds=whole_seconds(full_at - now),
        retry_after_seconds=max(1, whole_seconds(after - now - WINDOW_SECONDS)),
    )


def whole_seconds(seconds: float) -> int:
    return max(0, math.ceil(seconds - EPSILON))


class RateLimiter:
    """GCRA token buckets in this process's memory, keyed by caller, `limit` per 60 s."""

    def __init__(self, limit: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval_of(limit)
        self.limit = limit
        self.clock = clock
        self._full_at: dict[str, float] = {}  # identity -> when its bucket is full again
        self._next_sweep = clock() + WINDOW_SECONDS

    def would_allow(self, identity: str) -> RateDecision | None:
        """None if a request of `identity` would be allowed now, else the refusal (nothing
        is spent either way)."""
        now = self.clock()
        full_at = max(self._full_at.get(identity, now), now)
        if full_at + self._interval - now > WINDOW_SECONDS + EPSILON:
            return refused(self.limit, now, full_at)
        return None

    def take(self, identity: str) -> RateDecision:
        """Spend one request of `identity`'s budget if there is one."""
        now = self.clock()
        self._sweep(now)
        refusal = self.would_allow(identity)
        if refusal is not None:
            return refusal
        after = max(self._full_at.get(identity, now), now) + self._interval
        self._full_at[identity] = after
        return allowed(self.limit, now, after)

    def _sweep(self, now: float) -> None:
        """Forget callers whose bucket is full again, once a window, so memory stays bounded."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + WINDOW_SECONDS
        for identity in [key for key, full_at in self._full_at.items() if full_at <= now]:
            del self._full_at[identity]
