"""The data version of each tracker: renewed by database triggers on every write that a
report of the tracker depends on, whatever code wrote it (migration 0005 explains why it
is exact). Never written by the application; report caches key on it."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base


class TrackerDataVersion(Base):
    """One per tracker; `version` changes (never to a value seen before) with its data."""

    __tablename__ = "tracker_data_versions"

    tracker_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trackers.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger)
