"""Organizations (tenants) and their API keys (SPEC 6)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Uuid
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base, IdMixin, TimestampMixin


class Role(StrEnum):
    admin = "admin"
    editor = "editor"
    viewer = "viewer"


class Organization(IdMixin, TimestampMixin, Base):
    __tablename__ = "organizations"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING

    name: Mapped[str] = mapped_column(String(200))
    # The currency revenue reports convert to with the FX table (SPEC 4); None: not set.
    reporting_currency: Mapped[str | None] = mapped_column(String(3), default=None)
    # Signals (SPEC 5): usage days are cut at midnight in this IANA time zone, and the
    # value features whose use makes adoption breadth.
    time_zone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    value_features: Mapped[list[str]] = mapped_column(ARRAY(String(64)), server_default="{}")


class ApiKey(IdMixin, TimestampMixin, Base):
    """A bearer key. Only an HMAC-SHA256 of the secret is stored; `prefix` identifies it in lists."""

    __tablename__ = "api_keys"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (CheckConstraint("role IN ('admin', 'editor', 'viewer')", name="role"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # None: every tracker of the organization; otherwise only these trackers.
    tracker_ids: Mapped[list[uuid.UUID] | None] = mapped_column(ARRAY(Uuid), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # Every call with this key must name the person it acts for (`Valuecalc-Actor`).
    requires_actor: Mapped[bool] = mapped_column(default=False, server_default="false")
