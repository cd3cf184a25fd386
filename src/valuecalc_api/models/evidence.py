"""Evidence and notes attached to one calculation-month (SPEC 3 "Evidence and notes").

Evidence is a stored file, a link (kept as text, never fetched) or pasted data; a note is
text. Both keep their author (API key) and time. `tracker_id` is copied from the
calculation so month-lock checks and the per-tracker annotation lookup need no join.
File contents live behind `evidence.storage.EvidenceStore`; the default store keeps them in
`evidence_blobs`, deleted with their evidence row.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column

from valuecalc_api.models.authorship import (
    Authorship,
    actor_id_column,
    actor_name_column,
    key_prefix_of,
)
from valuecalc_api.models.base import Base, IdMixin
from valuecalc_api.models.types import MonthType
from valuecalc_core.months import Month


class EvidenceKind(StrEnum):
    file = "file"
    link = "link"
    pasted = "pasted"


class Evidence(IdMixin, Base):
    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint("kind IN ('file', 'link', 'pasted')", name="kind"),
        CheckConstraint(
            "kind <> 'file' OR (filename IS NOT NULL AND content_type IS NOT NULL "
            "AND size_bytes IS NOT NULL AND sha256 IS NOT NULL AND storage_key IS NOT NULL)",
            name="file_fields",
        ),
        CheckConstraint("kind <> 'link' OR url IS NOT NULL", name="link_fields"),
        CheckConstraint("kind <> 'pasted' OR text IS NOT NULL", name="pasted_fields"),
        Index("ix_evidence_calculation_id_month", "calculation_id", "month", "created_at", "id"),
        Index("ix_evidence_tracker_id", "organization_id", "tracker_id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    tracker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trackers.id", ondelete="CASCADE"))
    calculation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calculations.id", ondelete="CASCADE")
    )
    month: Mapped[Month] = mapped_column(MonthType)
    kind: Mapped[str] = mapped_column(String(8))
    caption: Mapped[str | None] = mapped_column(String(500), default=None)
    # kind = file
    filename: Mapped[str | None] = mapped_column(String(255), default=None)
    content_type: Mapped[str | None] = mapped_column(String(100), default=None)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger, default=None)
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    storage_key: Mapped[str | None] = mapped_column(String(200), default=None)
    # kind = link
    url: Mapped[str | None] = mapped_column(Text, default=None)
    # kind = pasted
    text: Mapped[str | None] = mapped_column(Text, default=None)
    author_key_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor_id: Mapped[str | None] = actor_id_column()
    actor_name: Mapped[str | None] = actor_name_column()
    author_key_prefix: Mapped[str | None] = column_property(key_prefix_of(author_key_id))

    @property
    def author(self) -> Authorship:
        return Authorship(
            self.author_key_id, self.author_key_prefix, self.actor_id, self.actor_name
        )


class EvidenceBlob(Base):
    """The bytes of one evidence file, for the PostgreSQL evidence store."""

    __tablename__ = "evidence_blobs"

    # Deferred: a store saves the bytes first, then the evidence row naming their key is added.
    evidence_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("evidence.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
        primary_key=True,
    )
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Note(IdMixin, Base):
    """A person's explanation of one calculation-month ("Black Friday caused the spike")."""

    __tablename__ = "notes"
    __table_args__ = (
        CheckConstraint("char_length(text) BETWEEN 1 AND 10000", name="text_length"),
        Index("ix_notes_calculation_id_month", "calculation_id", "month", "created_at", "id"),
        Index("ix_notes_tracker_id", "organization_id", "tracker_id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    tracker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trackers.id", ondelete="CASCADE"))
    calculation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calculations.id", ondelete="CASCADE")
    )
    month: Mapped[Month] = mapped_column(MonthType)
    text: Mapped[str] = mapped_column(Text)
    author_key_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    updated_by_key_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    actor_id: Mapped[str | None] = actor_id_column()
    actor_name: Mapped[str | None] = actor_name_column()
    updated_by_actor_id: Mapped[str | None] = actor_id_column()
    updated_by_actor_name: Mapped[str | None] = actor_name_column()
    author_key_prefix: Mapped[str | None] = column_property(key_prefix_of(author_key_id))
    updated_by_key_prefix: Mapped[str | None] = column_property(key_prefix_of(updated_by_key_id))

    @property
    def author(self) -> Authorship:
        return Authorship(
            self.author_key_id, self.author_key_prefix, self.actor_id, self.actor_name
        )

    @property
    def updated_by(self) -> Authorship | None:
        if self.updated_by_key_id is None:
            return None
        return Authorship(
            self.updated_by_key_id,
            self.updated_by_key_prefix,
            self.updated_by_actor_id,
            self.updated_by_actor_name,
        )
