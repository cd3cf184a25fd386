"""Benefit calculations: improvement metric, formula, inputs and projection ramp (SPEC 3)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from valuecalc_api.models.base import Base, IdMixin, TimestampMixin
from valuecalc_api.models.numeric import ExactNumeric

if TYPE_CHECKING:
    from valuecalc_api.models.measurement import InputChange, Measurement
    from valuecalc_api.models.tracker import UseCase


class Calculation(IdMixin, TimestampMixin, Base):
    """One benefit calculation of a use case with exactly one improvement metric.

    `tracker_id` is the use case's tracker, copied here so `key` can be unique per
    tracker (integrations address a calculation by tracker and key).
    """

    __tablename__ = "calculations"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        UniqueConstraint("tracker_id", "key", name="uq_calculations_tracker_id_key"),
        CheckConstraint("key ~ '^[a-z0-9]+([_-][a-z0-9]+)*$'", name="key_slug"),
        CheckConstraint("length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint(
            "kind IN ('cost_savings', 'revenue_increase', 'cost_avoidance', 'other')",
            name="kind",
        ),
        CheckConstraint("length(btrim(metric_name)) > 0", name="metric_name_not_blank"),
        CheckConstraint("direction IN ('higher_is_better', 'lower_is_better')", name="direction"),
        CheckConstraint("length(btrim(formula)) > 0", name="formula_not_blank"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_calculations_use_case_id_created_at", "use_case_id", "created_at", "id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    tracker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trackers.id", ondelete="CASCADE"))
    use_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("use_cases.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    metric_name: Mapped[str] = mapped_column(String(200))
    metric_unit: Mapped[str] = mapped_column(String(100), default="")
    baseline: Mapped[Decimal] = mapped_column(ExactNumeric)
    direction: Mapped[str] = mapped_column(String(16))
    target: Mapped[Decimal | None] = mapped_column(ExactNumeric, default=None)
    formula: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    use_case: Mapped[UseCase] = relationship(back_populates="calculations", lazy="raise")
    inputs: Mapped[list[CalculationInput]] = relationship(
        back_populates="calculation",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(CalculationInput.position, CalculationInput.key)",
    )
    ramp_steps: Mapped[list[RampStep]] = relationship(
        back_populates="calculation",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="RampStep.from_month",
    )
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="calculation",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Measurement.month",
    )


class CalculationInput(IdMixin, TimestampMixin, Base):
    """A named input of a calculation (reps, cost per rep), usable in its formula as `key`.

    Its values over time are `InputChange` rows; the first is at the contract's start.
    """

    __tablename__ = "calculation_inputs"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        UniqueConstraint("calculation_id", "key", name="uq_calculation_inputs_calculation_id_key"),
        CheckConstraint("key ~ '^[a-z_][a-z0-9_]{0,62}$'", name="key_identifier"),
        CheckConstraint(
            "key NOT IN ('metric', 'baseline', 'target', 'improvement', 'delta', "
            "'and', 'or', 'not')",
            name="key_not_reserved",
        ),
        CheckConstraint("length(btrim(name)) > 0", name="name_not_blank"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    calculation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calculations.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(default=0)

    calculation: Mapped[Calculation] = relationship(back_populates="inputs", lazy="raise")
    changes: Mapped[list[InputChange]] = relationship(
        back_populates="input",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="InputChange.month",
    )


class RampStep(IdMixin, Base):
    """From contract month `from_month` (1-based) the projection reaches `share` of the target."""

    __tablename__ = "calculation_ramp_steps"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        UniqueConstraint(
            "calculation_id", "from_month", name="uq_calculation_ramp_steps_calculation_id_month"
        ),
        CheckConstraint("from_month >= 1", name="from_month_positive"),
        CheckConstraint("share >= 0 AND share <= 1", name="share_fraction"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    calculation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calculations.id", ondelete="CASCADE")
    )
    from_month: Mapped[int]
    share: Mapped[Decimal] = mapped_column(ExactNumeric)

    calculation: Mapped[Calculation] = relationship(back_populates="ramp_steps", lazy="raise")
