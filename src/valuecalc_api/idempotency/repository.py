"""Every query on `idempotency_keys`. Times come from the database clock (`now()`), so
expiry is decided in one place whatever the clocks of the API processes say.

Functions take a session and never commit: the middleware claims the key and stores the
response in the request's own transaction, the CLI commits its purge.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.idempotency import COMPLETED, IN_FLIGHT, IdempotencyKey

# SPEC 6: the first result is replayed for 24 h.
KEY_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes | None  # None: never stored (the response was `Cache-Control: no-store`)


@dataclass(frozen=True, slots=True)
class ExistingKey:
    """An unexpired key found where the caller wanted to claim one."""

    api_key_id: uuid.UUID
    fingerprint: str
    response: StoredResponse | None  # None while the first request is in flight


async def set_lock_timeout(session: AsyncSession, wait: timedelta | None) -> None:
    """Bound how long this transaction waits for a lock; None: back to the server's default."""
    if wait is None:
        await session.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
        return
    setting = f"{int(wait.total_seconds() * 1000)}ms"
    await session.execute(
        text("SELECT set_config('lock_timeout', :setting, true)"), {"setting": setting}
    )


async def claim(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    key: str,
    api_key_id: uuid.UUID,
    fingerprint: str,
) -> uuid.UUID | None:
    """Claim `key` as in flight: the new row's id, or None if the organization holds it."""
    statement = (
        insert(IdempotencyKey)
        .values(
            id=uuid.uuid4(),
            organization_id=organization_id,
            key=key,
            api_key_id=api_key_id,
            fingerprint=fingerprint,
            state=IN_FLIGHT,
            expires_at=func.now() + KEY_LIFETIME,
        )
        .on_conflict_do_nothing(index_elements=["organization_id", "key"])
        .returning(IdempotencyKey.id)
    )
    claimed: uuid.UUID | None = await session.scalar(statement)
    return claimed


async def find_unexpired(
    session: AsyncSession, *, organization_id: uuid.UUID, key: str
) -> ExistingKey | None:
    row = await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.organization_id == organization_id,
            IdempotencyKey.key == key,
            IdempotencyKey.expires_at > func.now(),
        )
    )
    if row is None:
        return None
    response = None
    if row.state == COMPLETED:
        assert row.response_status is not None
        response = StoredResponse(
            status=row.response_status,
            headers=[(str(name), str(value)) for name, value in row.response_headers or []],
            body=row.response_body,
        )
    return ExistingKey(api_key_id=row.api_key_id, fingerprint=row.fingerprint, response=response)


async def delete_if_expired(session: AsyncSession, *, organization_id: uuid.UUID, key: str) -> int:
    """Remove the organization's `key` if it has expired, so it can be claimed anew."""
    result = await session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.organization_id == organization_id,
            IdempotencyKey.key == key,
            IdempotencyKey.expires_at <= func.now(),
        )
    )
    return _rowcount(result)


async def complete(session: AsyncSession, claim_id: uuid.UUID, response: StoredResponse) -> None:
    """Store the response of the claimed request; replays answer with it from now on."""
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim_id, IdempotencyKey.state == IN_FLIGHT)
        .values(
            state=COMPLETED,
            response_status=response.status,
            response_headers=[list(pair) for pair in response.headers],
            response_body=response.body,
        )
    )


async def purge_expired_idempotency_keys(session: AsyncSession, *, limit: int | None = None) -> int:
    """Delete expired keys (at most `limit` of them when given); returns how many.

    The caller commits. `valuecalc purge-idempotency-keys` calls it without a limit; the
    middleware calls it now and then with a small limit so one request never does much.
    """
    statement = delete(IdempotencyKey).where(IdempotencyKey.expires_at <= func.now())
    if limit is not None:
        batch = (
            select(IdempotencyKey.id)
            .where(IdempotencyKey.expires_at <= func.now())
            .limit(limit)
            .scalar_subquery()
        )
        statement = delete(IdempotencyKey).where(IdempotencyKey.id.in_(batch))
    return _rowcount(await session.execute(statement))


def _rowcount(result: object) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if count is not None else 0
