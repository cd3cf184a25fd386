"""Where evidence file contents live, behind a small interface so another store (an object
store) can replace the default, which keeps them in PostgreSQL (`evidence_blobs`, bytea)
inside the request's transaction: a file is stored exactly when its evidence row is.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from fastapi import Request
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.evidence import EvidenceBlob

_POSTGRES_PREFIX = "postgres:"


class EvidenceStore(Protocol):
    """Stores, returns and removes the bytes of one evidence file; `save` returns its key."""

    async def save(self, session: AsyncSession, evidence_id: uuid.UUID, content: bytes) -> str: ...

    async def load(self, session: AsyncSession, storage_key: str) -> bytes | None: ...

    async def remove(self, session: AsyncSession, storage_key: str) -> None: ...


class PostgresEvidenceStore:
    """Contents as bytea rows keyed by evidence id, deleted with their evidence row."""

    async def save(self, session: AsyncSession, evidence_id: uuid.UUID, content: bytes) -> str:
        session.add(EvidenceBlob(evidence_id=evidence_id, content=content))
        await session.flush()
        return f"{_POSTGRES_PREFIX}{evidence_id}"

    async def load(self, session: AsyncSession, storage_key: str) -> bytes | None:
        return await session.scalar(
            select(EvidenceBlob.content).where(
                EvidenceBlob.evidence_id == _evidence_id(storage_key)
            )
        )

    async def remove(self, session: AsyncSession, storage_key: str) -> None:
        await session.execute(
            delete(EvidenceBlob).where(EvidenceBlob.evidence_id == _evidence_id(storage_key))
        )


def _evidence_id(storage_key: str) -> uuid.UUID:
    if not storage_key.startswith(_POSTGRES_PREFIX):
        raise ValueError(f"not a PostgreSQL evidence key: {storage_key!r}")
    return uuid.UUID(storage_key.removeprefix(_POSTGRES_PREFIX))


_DEFAULT_STORE = PostgresEvidenceStore()


def evidence_store(request: Request) -> EvidenceStore:
    """The app's store: `app.state.evidence_store` if one was plugged in, else PostgreSQL."""
    store: EvidenceStore | None = getattr(request.app.state, "evidence_store", None)
    return store if store is not None else _DEFAULT_STORE
