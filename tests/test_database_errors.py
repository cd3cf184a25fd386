"""Which database errors answer a retryable 503 (issue 11): connection trouble in any of
the wrappers SQLAlchemy and asyncpg put around it; never a bug such as a unique violation."""

from __future__ import annotations

import asyncpg
from sqlalchemy import exc as sa_exc

from valuecalc_api.database_errors import is_transient


class _AdaptedError(Exception):
    """Stands for SQLAlchemy's adapted asyncpg exception (`raise translated from error`)."""


def _wrapped(error: Exception, wrapper: type[sa_exc.DBAPIError]) -> sa_exc.DBAPIError:
    try:
        try:
            raise error
        except Exception as cause:
            raise _AdaptedError(str(cause)) from cause
    except _AdaptedError as adapted:
        return wrapper("SELECT 1", {}, adapted)


def test_another_operation_in_progress_on_a_new_connection_is_transient() -> None:
    # Seen when the backend is terminated while a new connection initializes.
    busy = asyncpg.InternalClientError(
        "cannot switch to state 12; another operation is in progress"
    )
    assert is_transient(_wrapped(busy, sa_exc.InternalError))


def test_connection_errors_are_transient() -> None:
    assert is_transient(_wrapped(asyncpg.ConnectionDoesNotExistError("gone"), sa_exc.DBAPIError))
    assert is_transient(_wrapped(ConnectionResetError("reset"), sa_exc.DBAPIError))
    assert is_transient(sa_exc.InterfaceError("SELECT 1", {}, Exception("closed")))


def test_bugs_are_not_transient() -> None:
    assert not is_transient(sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not is_transient(_wrapped(ValueError("bad"), sa_exc.DataError))
    assert not is_transient(RuntimeError("a bug"))
