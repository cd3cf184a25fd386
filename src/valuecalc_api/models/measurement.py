"""Values recorded over time: input changes (carried forward) and metric measurements (SPEC 3)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from valuecalc_api.models.base import Base, IdMixin, TimestampMixin
from valuecalc_api.models.numeric import ExactNumeric
from valuecalc_api.models.types import MonthType
from valuecalc_core.months import Month

if TYPE_CHECKING:
    from valuecalc_api.models.calculation import Calculation, CalculationInput


class InputChange(IdMixin, TimestampMixin, Base):
    """From `month` on (until the next change) the input has `value`; at most one per month."""

    __tablename__ = "input_changes"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        UniqueConstraint("input_id", "month", name="uq_input_changes_input_id_month"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    input_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calculation_inputs.id", ondelete="CASCADE")
    )
    month: Mapped[Month] = mapped_column(MonthType)
    value: Mapped[Decimal] = mapped_column(ExactNumeric)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    input: Mapped[CalculationInput] = relationship(back_populates="changes", lazy="raise")


class Measurement(IdMixin, TimestampMixin, Base):
    """The improvement metric's value for one month of a calculation; at most one per month."""

    __tablename__ = "measurements"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        UniqueConstraint("calculation_id", "month", name="uq_measurements_calculation_id_month"),
        CheckConstraint("length(btrim(source)) > 0", name="source_not_blank"),
        CheckConstraint("version >= 1", name="version_positive"),
        # Pages keep room for updates in place (fillfactor 50, migration 0007).
        {"postgresql_with": {"fillfactor": 50}},
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    calculation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calculations.id", ondelete="CASCADE")
    )
    month: Mapped[Month] = mapped_column(MonthType)
    value: Mapped[Decimal] = mapped_column(ExactNumeric)
    estimate: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(64), default="manual")
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    calculation: Mapped[Calculation] = relationship(back_populates="measurements", lazy="raise")
