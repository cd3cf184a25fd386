"""The SQL of the shared rate limits: one statement spends one request of a caller's budget.

GCRA on one row per caller (`rate_limit_buckets.full_at`: when its bucket is full again).
A request at `now` is allowed if `max(full_at, now) + interval - now <= window`, and then
moves `full_at` to `max(full_at, now) + interval`; the upsert does both under the row's
lock, so concurrent requests from any process or host spend the budget one at a time.
`now` is the database's clock (one clock for every host) unless a test passes its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Double, String, bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

_SPEND = text(
    """
    WITH clock AS (
        SELECT coalesce(
            CAST(:now AS double precision), extract(epoch FROM clock_timestamp())::double precision
        ) AS now
    ),
    spent AS (
        INSERT INTO rate_limit_buckets AS bucket (identity, full_at)
        SELECT :identity, clock.now + :interval FROM clock
        ON CONFLICT (identity) DO UPDATE
            SET full_at = greatest(bucket.full_at + :interval, excluded.full_at)
            WHERE greatest(bucket.full_at + :interval, excluded.full_at)
                - excluded.full_at + :interval <= :window
        RETURNING bucket.full_at
    )
    SELECT clock.now,
        (SELECT full_at FROM spent),
        (SELECT full_at FROM rate_limit_buckets WHERE identity = :identity)
    FROM clock
    """
).bindparams(
    bindparam("now", type_=Double()),
    bindparam("identity", type_=String()),
    bindparam("interval", type_=Double()),
    bindparam("window", type_=Double()),
)
"""(now, full_at after spending or NULL if refused, full_at before the statement)."""

_FORGET_FULL = text(
    "DELETE FROM rate_limit_buckets WHERE full_at < "
    "coalesce(CAST(:now AS double precision), extract(epoch FROM clock_timestamp()))"
).bindparams(bindparam("now", type_=Double()))


async def spend(
    connection: AsyncConnection,
    identity: str,
    *,
    now: float | None,
    interval: float,
    window: float,
) -> tuple[float, float | None, float | None]:
    """Spend one request of `identity`'s budget if allowed: (now, new full_at or None if
    refused, full_at as it was)."""
    parameters: dict[str, Any] = {
        "now": now,
        "identity": identity,
        "interval": interval,
        "window": window,
    }
    row = (await connection.execute(_SPEND, parameters)).one()
    return float(row[0]), row[1], row[2]


async def forget_full_buckets(connection: AsyncConnection, *, now: float | None) -> None:
    """Delete the rows of callers whose bucket is full again (they mean nothing)."""
    await connection.execute(_FORGET_FULL, {"now": now})
