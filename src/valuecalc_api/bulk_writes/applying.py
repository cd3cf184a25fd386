"""Applying a planned write: ids for its new rows, the check that the database wrote what
was planned, and the retryable answer when another request wrote the same rows meanwhile."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from sqlalchemy.exc import DBAPIError

from valuecalc_api.problems import Problem
from valuecalc_core.write_plan import RowStatus

# Deadlock, serialization failure, lock not available: the transaction was rolled back.
_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "55P03"})


def new_row_ids(count: int) -> list[uuid.UUID]:
    """`count` random (version 4) ids from one read of the system's random source."""
    entropy = os.urandom(16 * count)
    return [uuid.UUID(bytes=entropy[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


class StoredRow(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def version(self) -> int: ...


def row_ids(
    statuses: Sequence[RowStatus | None], stored: Sequence[StoredRow | None]
) -> list[uuid.UUID | None]:
    """Each planned row's id: the stored row's, a new one for a created row, None where a
    removal found nothing to remove."""
    fresh = iter(new_row_ids(statuses.count(RowStatus.created)))
    return [
        found.id if found else (next(fresh) if status is RowStatus.created else None)
        for status, found in zip(statuses, stored, strict=True)
    ]


def planned_versions(befores: Sequence[int | None]) -> tuple[int, int]:
    """(count, sum of new versions) a write of rows with these stored versions must give."""
    return len(befores), sum(1 if before is None else before + 1 for before in befores)


def check_written(
    written: tuple[int, int], befores: Sequence[int | None], removed: int, removals: int
) -> None:
    """`concurrent_write` unless the upsert wrote the rows with stored versions `befores`
    as planned (`planned_versions`) and the delete removed `removals` rows."""
    if written != planned_versions(befores) or removed != removals:
        raise concurrent_write()


def concurrent_write() -> Problem:
    """Another request wrote some of the same months at the same moment; nothing was written.

    503 with Retry-After, not 409: the idempotency middleware keeps 4xx answers as the
    key's result, so a retry with the same Idempotency-Key would replay a 409 for 24 h;
    a 5xx releases the key and the retry runs.
    """
    return Problem(
        503,
        "concurrent-write",
        "Another request changed some of these values at the same time; nothing was written. "
        "Retry the request (with the same Idempotency-Key, if you sent one).",
        title="Concurrent write",
        headers={"Retry-After": "1"},
    )


def is_transient(error: DBAPIError) -> bool:
    """A database error that a retry of the whole request may not meet again."""
    return getattr(error.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES


@asynccontextmanager
async def transient_errors_as_concurrent_write() -> AsyncIterator[None]:
    """Around a bulk write: a transient database error (a row created meanwhile, a
    deadlock) becomes the retryable `concurrent_write` problem; others propagate."""
    try:
        yield
    except DBAPIError as error:
        if not is_transient(error):
            raise
        raise concurrent_write() from None
