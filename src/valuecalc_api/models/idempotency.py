"""Idempotency keys: the first result of a retried write, kept for 24 hours (SPEC 6)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, SmallInteger, String
from sqlalchemy import func as sql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base, IdMixin

IN_FLIGHT = "in_flight"
COMPLETED = "completed"


class IdempotencyKey(IdMixin, Base):
    """One `Idempotency-Key` of an organization: claimed while its request runs, then the
    response to replay (status, the headers worth replaying, the exact body bytes)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        CheckConstraint("state IN ('in_flight', 'completed')", name="state"),
        CheckConstraint(
            "state = 'in_flight' OR response_status IS NOT NULL",
            name="completed_has_status",
        ),
        Index("uq_idempotency_keys_organization_id_key", "organization_id", "key", unique=True),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(255))
    # The API key that made the first request: another key of the organization that
    # reuses the idempotency key is answered 422, never with this key's response.
    api_key_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    # SHA-256 (hex) of method, path with query, and body bytes.
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    response_status: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    # [[name, value], ...]: only content-type, location and etag.
    response_headers: Mapped[list[Any] | None] = mapped_column(JSONB, default=None)
    # NULL on a completed key: the response was `Cache-Control: no-store` (it showed a
    # secret) and is never kept; retries are told so instead of getting a replay.
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[datetime] = mapped_column(server_default=sql.now())
    expires_at: Mapped[datetime]
