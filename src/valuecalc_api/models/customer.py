"""Customers: the vendor's accounts, each with zero or more Value Trackers (SPEC 3)."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base, IdMixin, TimestampMixin


class Customer(IdMixin, TimestampMixin, Base):
    """A customer account; `external_id` matches it to the vendor's CRM record."""

    __tablename__ = "customers"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        # NULLs are distinct in PostgreSQL: many customers may have no CRM id.
        UniqueConstraint("organization_id", "external_id", name="uq_customers_external_id"),
        CheckConstraint("length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint(
            "external_id IS NULL OR length(btrim(external_id)) > 0", name="external_id_not_blank"
        ),
        Index("ix_customers_organization_id_created_at", "organization_id", "created_at", "id"),
        # The book pages by name (migration i15_01).
        Index("ix_customers_organization_id_name", "organization_id", "name", "id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    segment: Mapped[str | None] = mapped_column(String(100), default=None)
    owner: Mapped[str | None] = mapped_column(String(200), default=None)
    # ISO 4217 code of the customer's ARR (SPEC 4); set by the first movement if left out.
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
