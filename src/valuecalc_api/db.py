"""Engine, the request's transaction, and the one kind of transaction besides it.

Every transaction a request opens is owned here. Repositories and services only
`flush()`; the session dependency (`SessionDep`) opens the request's transaction, commits
it when the route returns and rolls it back on any error, before the response is sent
(scope="function"), so a failed commit is never reported to the client as a success.

A write with an `Idempotency-Key` keeps one transaction for its claim, its work and its
stored response (so a crash leaves either nothing or all three): the idempotency
middleware opens the request's transaction before routing (`request_transaction`), and
the route's `SessionDep` joins it, its work in a savepoint, so a refused request (an
error) undoes its writes but keeps the claim whose stored answer is that refusal. The
transaction still ends here, when the middleware's block ends.

Besides the request's transaction there is `separate_transaction`, for work that must
not share a request's fate (see there), and single statements in autocommit (the key
lookup, `read_row`; the rate limit's spend, `rate_limits.shared`),
each its own transaction by PostgreSQL's rule: they run before the request's
transaction exists and must hold no lock past their statement.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql import Executable
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
    lookup (`read_row`), a read-only SELECT retried once on an invalidated
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


_HELD_TRANSACTION = "valuecalc.request_transaction"


class RequestTransaction:
    """The request's session, in the transaction `request_transaction` commits at the end
    of its block unless told to roll it back."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.keep = True

    def roll_back_at_end(self) -> None:
        """End the transaction with a rollback instead of a commit (nothing it wrote is kept)."""
        self.keep = False


@asynccontextmanager
async def request_transaction(scope: Scope) -> AsyncIterator[RequestTransaction]:
    """The request's transaction, opened before routing, for a middleware that writes in
    it too (idempotency keys); the route's `SessionDep` joins it. Commits when the block
    ends (unless `roll_back_at_end`), rolls back if it raises or the commit fails."""
    sessionmaker: async_sessionmaker[AsyncSession] = scope["app"].state.sessionmaker
    async with sessionmaker() as session:
        transaction = RequestTransaction(session)
        scope[_HELD_TRANSACTION] = transaction
        try:
            yield transaction
            if transaction.keep:
                await session.commit()
        except BaseException:
            await _roll_back(session)
            raise
        finally:
            del scope[_HELD_TRANSACTION]
        if not transaction.keep:
            await _roll_back(session)


async def _roll_back(session: AsyncSession) -> None:
    """Roll back, even while being cancelled; on a broken connection, drop the connection."""
    with anyio.CancelScope(shield=True):
        try:
            await session.rollback()
        except Exception:
            await session.invalidate()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's session (see the module): its own transaction, or the one a
    middleware opened before routing, joined in a savepoint."""
    held: RequestTransaction | None = request.scope.get(_HELD_TRANSACTION)
    if held is not None:
        async with held.session.begin_nested():
            yield held.session
        return
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    session = sessionmaker()
    try:
        yield session
        # A request that never used its session (a cached report: the key was read on its
        # own connection) has nothing to commit; skipping the no-op commit saves its CPU
        # on every such request.
        if session.in_transaction() or session.new or session.dirty or session.deleted:
            await session.commit()
    except BaseException:
        await session.rollback()
        raise
    finally:
        # Its transaction is over (committed or rolled back), so it holds no connection;
        # closing it then would only cost a greenlet switch per request.
        if session.in_transaction():  # pragma: no cover - the commit or rollback failed
            await session.close()


async def read_row(engine: AsyncEngine, query: Executable, parameters: dict[str, Any]) -> Any:
    """The first row of one SELECT on a pooled connection in autocommit: no BEGIN/COMMIT
    round trips (a single statement sees one snapshot anyway), no ORM objects. For the
    key lookup, a request's first statement, before its session is used.

    The pool does not ping connections before use (`create_engine`): if this finds its
    connection dropped (a database restart), SQLAlchemy invalidates it and the pool, and
    the read-only statement is retried once on a fresh connection."""
    for attempt in (1, 2):
        try:
            async with engine.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                return (await autocommit.execute(query, parameters)).first()
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@asynccontextmanager
async def separate_transaction(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A transaction of its own, committed when the block ends, rolled back if it raises.

    Only for work that belongs to no request's transaction: a command run from the shell
    (`valuecalc create-org`, ...: there is no request), and housekeeping a request does
    after its response (purging expired idempotency keys), whose failure must not undo
    or fail the request."""
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await _roll_back(session)
            raise


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def begin_snapshot(session: AsyncSession) -> None:
    """Start the request's REPEATABLE READ transaction: every later query of the request
    sees one snapshot (a report reads the data version first, then the data). Whatever
    the request read before is ended first; it must not have written anything. The
    session dependency still commits it at the end, as for any request."""
    if session.new or session.dirty or session.deleted:  # pragma: no cover - a programming error
        raise RuntimeError("a snapshot read has pending writes")
    if session.in_transaction():
        await session.rollback()
    await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


async def release_connection(session: AsyncSession) -> None:
    """End a read-only request's transaction so far, handing its connection back to the
    pool while the request waits (for another request's computation); its next query
    begins anew."""
    if session.new or session.dirty or session.deleted:  # pragma: no cover - a programming error
        raise RuntimeError("a read that waits has pending writes")
    await session.rollback()
