"""Touches: calls, meetings, emails, messages and events with a customer (SPEC 5)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base, IdMixin, TimestampMixin


class Touch(IdMixin, TimestampMixin, Base):
    __tablename__ = "touches"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id", name="uq_touches_external_id"),
        CheckConstraint(
            "channel IN ('call', 'meeting', 'email', 'message', 'event')", name="channel"
        ),
        CheckConstraint("direction IN ('outbound', 'inbound')", name="direction"),
        Index("ix_touches_customer_id_occurred_at", "customer_id", "occurred_at"),
        Index("ix_touches_organization_id_created_at", "organization_id", "created_at", "id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(16))
    author: Mapped[str | None] = mapped_column(String(200), default=None)
