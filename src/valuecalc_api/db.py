"""Engine and the request-scoped session: one transaction per request.

Repositories and services only `flush()`; the session dependency commits when the route
returns and rolls back on any error, before the response is sent (scope="function"),
so a failed commit is never reported to the client as a success.

A write with an `Idempotency-Key` is the one exception to who commits: its transaction
must also claim the key and store the response, which only exists after the route
returns, so the idempotency middleware opens the request's session, hands it to the
route (`hold_request_session`), stores the response and commits. The route's work then
runs in a savepoint, so a refused request (an error) undoes its writes but keeps the
claim whose stored answer is that refusal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from starlette.types import Scope


def async_database_url(url: str) -> str:
    """Normalize `postgresql://…` / `postgres://…` to the asyncpg driver URL SQLAlchemy needs."""
    parsed = make_url(
        url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url
    )
    if parsed.drivername in {"postgresql", "postgresql+psycopg", "postgresql+psycopg2"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """The app's engine. No `pool_pre_ping`: it costs a round trip on every checkout
    (about as much as a cached report's only query). Dropped connections are handled
    "optimistically" instead (SQLAlchemy, "Dealing with Disconnects"): the first use of
    a dead connection raises, SQLAlchemy invalidates it and every older pooled connection,
    and later checkouts get fresh ones. Every request's first statement is the API-key
    lookup (`auth.dependencies`), a read-only SELECT retried once on an invalidated
    connection, so after a database restart the pool is renewed before any other query
    of that request runs; a request that was already mid-transaction at the restart fails
    (500, nothing committed), as it would with pre-ping too."""
    return create_async_engine(
        async_database_url(url),
        pool_size=pool_size,
        max_overflow=10,
        # Error messages and logs name the statement, never its values (key hashes, user
        # text): see logs.py.
        hide_parameters=True,
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


_HELD_SESSION = "valuecalc.request_session"


def hold_request_session(scope: Scope, session: AsyncSession) -> None:
    """Make `session` (in a transaction its holder commits) the request's session."""
    scope[_HELD_SESSION] = session


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    held: AsyncSession | None = request.scope.get(_HELD_SESSION)
    if held is not None:
        async with held.begin_nested():
            yield held
        return
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
            # A request that never used its session (a cached report: `authenticate` read
            # the key on its own connection) has nothing to commit; skipping the no-op
            # commit saves its CPU on every such request.
            if session.in_transaction() or session.new or session.dirty or session.deleted:
                await session.commit()
        except BaseException:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
