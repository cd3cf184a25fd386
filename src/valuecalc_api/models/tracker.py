"""A customer's Value Tracker, its one-time fees and its use cases (SPEC 3 "Objects").

Every table carries `organization_id` so each query filters on the tenant directly.
Relationships are `lazy="raise"`: callers load what they need with `selectinload`
(see `trackers.repository.load_tracker_graph`).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from valuecalc_api.models.base import Base, IdMixin, TimestampMixin
from valuecalc_api.models.numeric import ExactNumeric
from valuecalc_api.models.types import MonthType
from valuecalc_core.months import Month

if TYPE_CHECKING:
    from valuecalc_api.models.calculation import Calculation
    from valuecalc_api.models.customer import Customer


class Tracker(IdMixin, TimestampMixin, Base):
    """One customer's Value Tracker over a contract period, in one currency, with its fees."""

    __tablename__ = "trackers"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_code"),
        CheckConstraint("end_month >= start_month", name="period_order"),
        CheckConstraint("recurring_fee_amount >= 0", name="recurring_fee_not_negative"),
        CheckConstraint("recurring_fee_interval IN ('month', 'year')", name="fee_interval"),
        CheckConstraint("missing_months IN ('carry_forward', 'no_benefit')", name="missing_months"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_trackers_organization_id_created_at", "organization_id", "created_at", "id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    start_month: Mapped[Month] = mapped_column(MonthType)
    end_month: Mapped[Month] = mapped_column(MonthType)
    recurring_fee_amount: Mapped[Decimal] = mapped_column(ExactNumeric, default=Decimal(0))
    recurring_fee_interval: Mapped[str] = mapped_column(String(8), default="month")
    missing_months: Mapped[str] = mapped_column(String(16), default="carry_forward")
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    customer: Mapped[Customer] = relationship(lazy="raise")
    one_time_fees: Mapped[list[OneTimeFee]] = relationship(
        back_populates="tracker",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(OneTimeFee.month, OneTimeFee.created_at, OneTimeFee.id)",
    )
    use_cases: Mapped[list[UseCase]] = relationship(
        back_populates="tracker",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(UseCase.position, UseCase.created_at, UseCase.id)",
    )


class OneTimeFee(IdMixin, TimestampMixin, Base):
    """A fee charged once, in `month` of the contract (onboarding, services)."""

    __tablename__ = "tracker_one_time_fees"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    tracker_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trackers.id", ondelete="CASCADE"), index=True
    )
    month: Mapped[Month] = mapped_column(MonthType)
    amount: Mapped[Decimal] = mapped_column(ExactNumeric)
    description: Mapped[str] = mapped_column(String(500), default="")

    tracker: Mapped[Tracker] = relationship(back_populates="one_time_fees", lazy="raise")


class UseCase(IdMixin, TimestampMixin, Base):
    """A use case of a tracker; only `active` ones count in reports (SPEC 3)."""

    __tablename__ = "use_cases"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint("status IN ('draft', 'active', 'inactive')", name="status"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        Index("ix_use_cases_tracker_id_created_at", "tracker_id", "created_at", "id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    tracker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trackers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default="draft")
    position: Mapped[int] = mapped_column(default=0)

    tracker: Mapped[Tracker] = relationship(back_populates="use_cases", lazy="raise")
    calculations: Mapped[list[Calculation]] = relationship(
        back_populates="use_case",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Calculation.created_at, Calculation.id)",
    )
