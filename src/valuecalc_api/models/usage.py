"""Product usage pushed by a warehouse: daily counts, monthly distinct actives, purchased
seats over time (SPEC 5). Days are calendar days in the organization's time zone."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base, IdMixin


class UsageDay(IdMixin, Base):
    """A customer's active users on one day, and per value feature its active users."""

    __tablename__ = "usage_days"
    __table_args__ = (
        UniqueConstraint("customer_id", "day", name="uq_usage_days_customer_id_day"),
        CheckConstraint("active_users >= 0", name="active_users_not_negative"),
        # A month's usage over the book: the days of the month, every customer.
        Index("ix_usage_days_organization_id_day", "organization_id", "day"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    active_users: Mapped[int]
    feature_actives: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")


class UsageMonth(IdMixin, Base):
    """A customer's distinct active users in one month (`month`: its first day)."""

    __tablename__ = "usage_months"
    __table_args__ = (
        UniqueConstraint("customer_id", "month", name="uq_usage_months_customer_id_month"),
        CheckConstraint("monthly_active_users >= 0", name="monthly_active_users_not_negative"),
        CheckConstraint("extract(day from month) = 1", name="month_first_day"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)
    monthly_active_users: Mapped[int]


class SeatCount(IdMixin, Base):
    """Seats purchased from `effective_on` on; `seats` NULL means unlimited."""

    __tablename__ = "seat_counts"
    __table_args__ = (
        UniqueConstraint(
            "customer_id", "effective_on", name="uq_seat_counts_customer_id_effective_on"
        ),
        CheckConstraint("seats IS NULL OR seats >= 0", name="seats_not_negative"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    effective_on: Mapped[date] = mapped_column(Date)
    seats: Mapped[int | None] = mapped_column(default=None)
