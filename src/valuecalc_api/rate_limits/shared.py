"""One rate-limit budget per caller for every worker process and host: PostgreSQL's.

`SharedRateLimiter.take` spends one request in one statement (autocommit) on a pooled
connection (`repository.spend`: GCRA on the caller's row, under its row lock), so the
configured limit holds in total however many processes serve. While the database cannot
be reached the process falls back to its own in-memory buckets (and says so in the log):
the request would fail anyway, and refusing every request for that would hide the cause.

Unknown keys are limited before any database lookup: `failed_lookups` is an in-memory
budget per client address of keys that turned out unknown (`middleware.rate_limit`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from asyncpg import InterfaceError, PostgresError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from valuecalc_api.rate_limits import repository
from valuecalc_api.rate_limits.buckets import (
    EPSILON,
    WINDOW_SECONDS,
    RateDecision,
    RateLimiter,
    allowed,
    interval_of,
    refused,
)

logger = logging.getLogger("valuecalc.api")


class SharedRateLimiter:
    """`limit` requests per 60 s per caller, kept in `rate_limit_buckets`.

    `clock`: None uses the database's clock (one for all hosts); a test passes its own,
    which then also drives the in-memory budgets."""

    def __init__(
        self, engine: AsyncEngine, limit: int, *, clock: Callable[[], float] | None = None
    ) -> None:
        self._interval = interval_of(limit)
        self.engine = engine
        self.limit = limit
        self.clock = clock
        local_clock = clock or time.monotonic
        self.fallback = RateLimiter(limit, clock=local_clock)
        self.failed_lookups = RateLimiter(limit, clock=local_clock)
        self._next_sweep = local_clock() + WINDOW_SECONDS
        self._local_clock = local_clock

    async def take(self, identity: str) -> RateDecision:
        """Spend one request of `identity`'s budget if there is one."""
        given_now = None if self.clock is None else self.clock()
        try:
            now, after, before = await self._spend(identity, given_now)
        except (DBAPIError, PostgresError, InterfaceError, OSError):
            logger.warning("rate limit: database unreachable, limiting in this process only")
            return self.fallback.take(identity)
        if after is not None:
            return allowed(self.limit, now, after)
        # Refused. `before` is NULL only if another process created the row after this
        # statement's snapshot: its bucket was then just spent to the full window.
        return refused(self.limit, now, before if before is not None else now + WINDOW_SECONDS)

    async def _spend(
        self, identity: str, given_now: float | None
    ) -> tuple[float, float | None, float | None]:
        """`repository.spend` on a pooled connection (see there why the driver's own);
        once a window also forgets the full buckets."""
        connection = await self.engine.raw_connection()
        try:
            driver = connection.driver_connection
            spent = await repository.spend(
                driver,
                identity,
                now=given_now,
                interval=self._interval,
                window=WINDOW_SECONDS + EPSILON,
            )
            if self._local_clock() >= self._next_sweep:
                self._next_sweep = self._local_clock() + WINDOW_SECONDS
                await repository.forget_full_buckets(driver, now=given_now)
        except BaseException:
            connection.invalidate()  # never hand a connection in doubt back to the pool
            raise
        finally:
            connection.close()
        return spent
