"""Which database errors mean "try again", and the 503 every request answers for them.

A connection terminated or lost, a serialization failure or deadlock, a lock or
statement timeout, a pool exhausted, a server shutting down, or asyncpg's "another
operation is in progress" on a connection broken mid-request: none of them is the
caller's fault and none leaves a partial write (the transaction is rolled back, or its
commit is unknown and a retry with the same `Idempotency-Key` settles it). They answer
503 `database-interrupted` with `Retry-After` (`DatabaseErrorGuard`). Every other
database error is a bug and stays a 500.
"""

from __future__ import annotations

import logging

import asyncpg
from sqlalchemy import exc as sa_exc
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from valuecalc_api.middleware.asgi_messages import send_problem
from valuecalc_api.problems import Problem

logger = logging.getLogger("valuecalc.api")

RETRY_AFTER_SECONDS = 1

# SQLSTATE classes and codes that a retry can get past (PostgreSQL appendix A).
_TRANSIENT_CLASSES = ("08", "40", "53", "57", "58")
_TRANSIENT_CODES = frozenset({"55P03", "55006"})  # lock_not_available, object_in_use


def sqlstate_of(error: BaseException) -> str | None:
    """The SQLSTATE of a database error, through SQLAlchemy's and asyncpg's wrappers."""
    seen: BaseException | None = error
    for _ in range(4):
        if seen is None:
            return None
        code = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
        if isinstance(code, str):
            return code
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


# Client-side failures of a connection: lost, terminated, or left mid-operation by one
# (asyncpg's "cannot switch to state …; another operation is in progress").
_BROKEN_CONNECTION = (
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    asyncpg.PostgresConnectionError,
    ConnectionError,
)


def _chain(error: BaseException) -> list[BaseException]:
    """`error` and what it wraps (SQLAlchemy's `orig`, the causes), a few links deep."""
    links: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and len(links) < 6 and seen not in links:
        links.append(seen)
        seen = getattr(seen, "orig", None) or seen.__cause__ or seen.__context__
    return links


def is_transient(error: BaseException) -> bool:
    """Whether `error` is a database failure that a retry of the request can get past."""
    if isinstance(
        error,
        sa_exc.OperationalError
        | sa_exc.InterfaceError
        | sa_exc.TimeoutError
        | sa_exc.PendingRollbackError,
    ):
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if any(isinstance(link, _BROKEN_CONNECTION) for link in _chain(error)):
        return True
    if isinstance(error, sa_exc.DBAPIError | asyncpg.PostgresError):
        code = sqlstate_of(error)
        return code is not None and (code[:2] in _TRANSIENT_CLASSES or code in _TRANSIENT_CODES)
    return False


def database_interrupted() -> Problem:
    return Problem(
        503,
        "database-interrupted",
        "The database could not finish this request (a lost connection, a conflict with "
        "another write or a timeout). Retry it; a write retried with the same "
        "Idempotency-Key is applied exactly once.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


class DatabaseErrorGuard:
    """Answers 503 `database-interrupted` for a transient database error that escapes any
    layer inside it (middleware or route) before the response started."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as error:
            if started or not is_transient(error):
                raise
            logger.warning(
                "database interrupted %s %s: %s",
                scope["method"],
                scope["path"],
                type(error).__name__,
            )
            await send_problem(scope, receive, send, database_interrupted())
