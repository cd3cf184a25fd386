"""Onboarding milestones of a customer: kickoff, go-live, first value (SPEC 5)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base, IdMixin, TimestampMixin


class OnboardingMilestones(IdMixin, TimestampMixin, Base):
    """At most one row per customer."""

    __tablename__ = "onboarding_milestones"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        Index(
            "ix_onboarding_milestones_organization_id_created_at",
            "organization_id",
            "created_at",
            "id",
        ),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), unique=True
    )
    kickoff_on: Mapped[date | None] = mapped_column(Date, default=None)
    go_live_on: Mapped[date | None] = mapped_column(Date, default=None)
    first_value_on: Mapped[date | None] = mapped_column(Date, default=None)
