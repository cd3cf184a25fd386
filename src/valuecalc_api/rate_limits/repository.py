"""The SQL of the shared rate limits: one statement spends one request of a caller's budget.

GCRA on one row per caller (`rate_limit_buckets.full_at`: when its bucket is full again).
A request at `now` is allowed if `max(full_at, now) + interval - now <= window`, and then
moves `full_at` to `max(full_at, now) + interval`; the upsert does both under the row's
lock, so concurrent requests from any process or host spend the budget one at a time.
`now` is the database's clock (one clock for every host) unless a test passes its own.

The statements run on the pooled connection's asyncpg driver directly (asyncpg prepares
each once per connection): measured by `make bench-api`, going through SQLAlchemy's
connection and result objects costs about three times the round trip itself, on a
statement every request pays.
"""

from __future__ import annotations

from typing import Any

_SPEND = """
WITH clock AS (
    SELECT coalesce($4::double precision, extract(epoch FROM clock_timestamp())::double precision)
        AS now
),
spent AS (
    INSERT INTO rate_limit_buckets AS bucket (identity, full_at)
    SELECT $1, clock.now + $2 FROM clock
    ON CONFLICT (identity) DO UPDATE
        SET full_at = greatest(bucket.full_at + $2, excluded.full_at)
        WHERE greatest(bucket.full_at + $2, excluded.full_at) - excluded.full_at + $2 <= $3
    RETURNING bucket.full_at
)
SELECT clock.now,
    (SELECT full_at FROM spent),
    (SELECT full_at FROM rate_limit_buckets WHERE identity = $1)
FROM clock
"""
"""$1 identity, $2 interval, $3 window, $4 now or NULL -> (now, full_at after spending or
NULL if refused, full_at before the statement)."""

_FORGET_FULL = """
DELETE FROM rate_limit_buckets
WHERE full_at < coalesce($1::double precision, extract(epoch FROM clock_timestamp()))
"""


async def spend(
    driver: Any, identity: str, *, now: float | None, interval: float, window: float
) -> tuple[float, float | None, float | None]:
    """Spend one request of `identity`'s budget if allowed, on asyncpg connection `driver`:
    (now, new full_at or None if refused, full_at as it was)."""
    row = await driver.fetchrow(_SPEND, identity, interval, window, now)
    return float(row[0]), row[1], row[2]


async def forget_full_buckets(driver: Any, *, now: float | None) -> None:
    """Delete the rows of callers whose bucket is full again (they mean nothing)."""
    await driver.execute(_FORGET_FULL, now)
