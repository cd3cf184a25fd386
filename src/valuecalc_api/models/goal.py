"""Customer goals (outcomes, key business objectives) with their status (SPEC 5)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base, IdMixin, TimestampMixin


class Goal(IdMixin, TimestampMixin, Base):
    __tablename__ = "goals"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id", name="uq_goals_external_id"),
        CheckConstraint(
            "status IN ('planned', 'in_progress', 'achieved', 'missed')", name="status"
        ),
        CheckConstraint(
            "(status = 'achieved') = (achieved_on IS NOT NULL)", name="achieved_on_iff_achieved"
        ),
        Index("ix_goals_customer_id", "customer_id"),
        Index("ix_goals_organization_id_created_at", "organization_id", "created_at", "id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    achieved_on: Mapped[date | None] = mapped_column(Date, default=None)
    use_case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("use_cases.id", ondelete="SET NULL"), default=None, index=True
    )
