"""The audit trail: one append-only row per change (SPEC 6 "who, when, before, after").

Rows are never updated or deleted by the API. `organization_id`, `tracker_id` and
`calculation_id` are plain columns, not foreign keys, so no deletion (of a tracker, or an
organization) deletes history with it, and a bulk write of 10,000 events checks no
constraint per row (migration 0006).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Identity, Index, String, Uuid, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, column_property, mapped_column

from valuecalc_api.models.authorship import (
    Authorship,
    actor_id_column,
    actor_name_column,
    key_prefix_of,
)
from valuecalc_api.models.base import Base
from valuecalc_api.models.types import MonthType
from valuecalc_core.months import Month


class AuditEntity(StrEnum):
    measurement = "measurement"
    input_change = "input_change"
    calculation = "calculation"
    tracker = "tracker"
    use_case = "use_case"
    evidence = "evidence"
    note = "note"
    lock = "lock"
    arr_movement = "arr_movement"
    renewal = "renewal"
    contract_line = "contract_line"
    cs_lead = "cs_lead"
    fx_rate = "fx_rate"
    survey_response = "survey_response"
    touch = "touch"
    goal = "goal"
    onboarding = "onboarding"
    usage_day = "usage_day"
    usage_month = "usage_month"
    seat_count = "seat_count"
    signal_settings = "signal_settings"
    revenue_settings = "revenue_settings"
    health_profile = "health_profile"
    health_override = "health_override"
    pulse = "pulse"
    reason_code = "reason_code"


class AuditAction(StrEnum):
    create = "create"
    update = "update"
    delete = "delete"
    lock = "lock"
    unlock = "unlock"


def _in(values: type[StrEnum]) -> str:
    return ", ".join(f"'{value}'" for value in values)


class AuditEvent(Base):
    """One change: who (`actor_key_id`, and the person `actor_id` / `actor_name` when the
    call named one), when (`occurred_at`, the database clock), before, after.

    `seq` orders events that share a transaction's timestamp (a bulk write of 10,000 rows)
    and is the primary key.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        CheckConstraint(f"entity_type IN ({_in(AuditEntity)})", name="entity_type"),
        CheckConstraint(f"action IN ({_in(AuditAction)})", name="action"),
        Index(
            "ix_audit_events_tracker_id_occurred_at",
            "organization_id",
            "tracker_id",
            "occurred_at",
            "seq",
        ),
        Index(
            "ix_audit_events_calculation_id_month",
            "calculation_id",
            "month",
            "entity_type",
        ),
        # Records without a tracker (the revenue ledger's): their history by record.
        Index(
            "ix_audit_events_untracked_entity",
            "organization_id",
            "entity_id",
            "occurred_at",
            "seq",
            postgresql_where=text("tracker_id IS NULL"),
        ),
    )

    # The log is keyed by its insertion order (append-only index, migration 0008); `id` is
    # the event's public identifier, random, never looked up.
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    tracker_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    calculation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    month: Mapped[Month | None] = mapped_column(MonthType, default=None)
    action: Mapped[str] = mapped_column(String(8))
    actor_key_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB, default=None)
    request_id: Mapped[str | None] = mapped_column(String(128), default=None)
    actor_id: Mapped[str | None] = actor_id_column()
    actor_name: Mapped[str | None] = actor_name_column()
    actor_key_prefix: Mapped[str | None] = column_property(key_prefix_of(actor_key_id))

    @property
    def actor(self) -> Authorship:
        return Authorship(self.actor_key_id, self.actor_key_prefix, self.actor_id, self.actor_name)
