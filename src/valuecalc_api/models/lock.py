"""Month locks (SPEC 3 "Month lock"): a tracker locked through a month refuses edits up to it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base
from valuecalc_api.models.types import MonthType
from valuecalc_core.months import Month


class TrackerLock(Base):
    """At most one per tracker: every month up to and including `locked_through` is locked."""

    __tablename__ = "tracker_locks"

    tracker_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trackers.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    locked_through: Mapped[Month] = mapped_column(MonthType)
    locked_by_key_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    locked_at: Mapped[datetime] = mapped_column(server_default=func.now())
