"""Customer health: versioned score profiles, CSM overrides, pulses and their reason codes.

Authors are the API key (`author_key_id`) and, beside it, the person the call named
(`actor_id` / `actor_name`, null when it named nobody; `models.authorship`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, column_property, mapped_column

from valuecalc_api.models.authorship import (
    Authorship,
    actor_id_column,
    actor_name_column,
    key_prefix_of,
)
from valuecalc_api.models.base import Base, IdMixin, TimestampMixin


class PulseStatus(StrEnum):
    red = "red"
    yellow = "yellow"
    green = "green"


class ReasonKind(StrEnum):
    risk = "risk"
    success = "success"


class HealthProfile(IdMixin, TimestampMixin, Base):
    """A named profile; its definition lives in immutable versions, `current_version` the
    one new scores use. `is_default` (one per organization) covers customers of no listed
    segment."""

    __tablename__ = "health_profiles"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("organization_id", "name", name="uq_health_profiles_name"),
        Index(
            "uq_health_profiles_default",
            "organization_id",
            unique=True,
            postgresql_where=text("is_default"),
        ),
        Index(
            "ix_health_profiles_organization_id_created_at", "organization_id", "created_at", "id"
        ),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    segments: Mapped[list[str]] = mapped_column(ARRAY(String(100)), default=list)
    current_version: Mapped[int] = mapped_column(Integer, default=1)


class HealthProfileVersion(IdMixin, Base):
    """One version of a profile's definition; never changed once written."""

    __tablename__ = "health_profile_versions"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("profile_id", "version", name="uq_health_profile_versions_version"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    profile_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_profiles.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    # [{"kind", "weight", "zero_at", "full_at", "window_days"}], decimals as strings.
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    yellow_from: Mapped[Decimal]
    green_from: Mapped[Decimal]
    author_key_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    actor_id: Mapped[str | None] = actor_id_column()
    actor_name: Mapped[str | None] = actor_name_column()
    author_key_prefix: Mapped[str | None] = column_property(key_prefix_of(author_key_id))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    @property
    def author(self) -> Authorship:
        return Authorship(
            self.author_key_id, self.author_key_prefix, self.actor_id, self.actor_name
        )


class HealthOverride(IdMixin, Base):
    """A CSM's score for a customer, in force from `starts_on` through `expires_on` unless
    ended (`ended_on`: the first day it no longer applies)."""

    __tablename__ = "health_overrides"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        CheckConstraint("expires_on >= starts_on", name="expiry_after_start"),
        Index("ix_health_overrides_customer_id", "customer_id", "created_at", "id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    score: Mapped[Decimal]
    reason: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date]
    expires_on: Mapped[date]
    ended_on: Mapped[date | None] = mapped_column(default=None)
    author_key_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    actor_id: Mapped[str | None] = actor_id_column()
    actor_name: Mapped[str | None] = actor_name_column()
    author_key_prefix: Mapped[str | None] = column_property(key_prefix_of(author_key_id))
    ended_by_key_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    ended_by_actor_id: Mapped[str | None] = actor_id_column()
    ended_by_actor_name: Mapped[str | None] = actor_name_column()
    ended_by_key_prefix: Mapped[str | None] = column_property(key_prefix_of(ended_by_key_id))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    @property
    def author(self) -> Authorship:
        return Authorship(
            self.author_key_id, self.author_key_prefix, self.actor_id, self.actor_name
        )

    @property
    def ended_by(self) -> Authorship | None:
        if self.ended_by_key_id is None:
            return None
        return Authorship(
            self.ended_by_key_id,
            self.ended_by_key_prefix,
            self.ended_by_actor_id,
            self.ended_by_actor_name,
        )


class PulseReasonCode(IdMixin, TimestampMixin, Base):
    """An organization's risk or success reason code, with its category and subcategory."""

    __tablename__ = "pulse_reason_codes"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("organization_id", "code", name="uq_pulse_reason_codes_code"),
        CheckConstraint("kind IN ('risk', 'success')", name="kind"),
        Index("ix_pulse_reason_codes_organization_id", "organization_id", "created_at", "id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100))
    subcategory: Mapped[str | None] = mapped_column(String(100), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Pulse(IdMixin, Base):
    """A CSM's red / yellow / green for a customer on a day, with reason codes; kept forever
    (the latest on or before a date is the pulse of that date)."""

    __tablename__ = "pulses"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012
    __table_args__ = (
        CheckConstraint("status IN ('red', 'yellow', 'green')", name="status"),
        Index("ix_pulses_customer_id_recorded_on", "customer_id", "recorded_on", "created_at"),
        Index("ix_pulses_organization_id_recorded_on", "organization_id", "recorded_on"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(8))
    recorded_on: Mapped[date]
    reason_codes: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    author_key_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    actor_id: Mapped[str | None] = actor_id_column()
    actor_name: Mapped[str | None] = actor_name_column()
    author_key_prefix: Mapped[str | None] = column_property(key_prefix_of(author_key_id))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    @property
    def author(self) -> Authorship:
        return Authorship(
            self.author_key_id, self.author_key_prefix, self.actor_id, self.actor_name
        )
