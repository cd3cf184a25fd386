"""audit trail, month locks, evidence and notes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ENTITY_TYPES = (
    "'measurement', 'input_change', 'calculation', 'tracker', 'use_case', "
    "'evidence', 'note', 'lock'"
)
_ACTIONS = "'create', 'update', 'delete', 'lock', 'unlock'"


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("tracker_id", sa.Uuid(), nullable=True),
        sa.Column("calculation_id", sa.Uuid(), nullable=True),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=True),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("actor_key_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.CheckConstraint(
            f"entity_type IN ({_ENTITY_TYPES})", name=op.f("ck_audit_events_entity_type")
        ),
        sa.CheckConstraint(f"action IN ({_ACTIONS})", name=op.f("ck_audit_events_action")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_audit_events_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_events_seq")),
    )
    op.create_index(
        "ix_audit_events_tracker_id_occurred_at",
        "audit_events",
        ["organization_id", "tracker_id", "occurred_at", "seq"],
    )
    op.create_index(
        "ix_audit_events_calculation_id_month",
        "audit_events",
        ["calculation_id", "month", "entity_type"],
    )
    op.create_index("ix_audit_events_entity_id", "audit_events", ["entity_id"])

    op.create_table(
        "tracker_locks",
        sa.Column("tracker_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("locked_through", sa.Date(), nullable=False),
        sa.Column("locked_by_key_id", sa.Uuid(), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_tracker_locks_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tracker_id"],
            ["trackers.id"],
            name=op.f("fk_tracker_locks_tracker_id_trackers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tracker_id", name=op.f("pk_tracker_locks")),
    )
    op.create_index(op.f("ix_tracker_locks_organization_id"), "tracker_locks", ["organization_id"])

    op.create_table(
        "evidence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("tracker_id", sa.Uuid(), nullable=False),
        sa.Column("calculation_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("caption", sa.String(length=500), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("storage_key", sa.String(length=200), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("author_key_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint("kind IN ('file', 'link', 'pasted')", name=op.f("ck_evidence_kind")),
        sa.CheckConstraint(
            "kind <> 'file' OR (filename IS NOT NULL AND content_type IS NOT NULL "
            "AND size_bytes IS NOT NULL AND sha256 IS NOT NULL AND storage_key IS NOT NULL)",
            name=op.f("ck_evidence_file_fields"),
        ),
        sa.CheckConstraint(
            "kind <> 'link' OR url IS NOT NULL", name=op.f("ck_evidence_link_fields")
        ),
        sa.CheckConstraint(
            "kind <> 'pasted' OR text IS NOT NULL", name=op.f("ck_evidence_pasted_fields")
        ),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["calculations.id"],
            name=op.f("fk_evidence_calculation_id_calculations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_evidence_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tracker_id"],
            ["trackers.id"],
            name=op.f("fk_evidence_tracker_id_trackers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index(
        "ix_evidence_calculation_id_month",
        "evidence",
        ["calculation_id", "month", "created_at", "id"],
    )
    op.create_index("ix_evidence_tracker_id", "evidence", ["organization_id", "tracker_id"])

    op.create_table(
        "evidence_blobs",
        sa.Column("evidence_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_evidence_blobs_evidence_id_evidence"),
            ondelete="CASCADE",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("evidence_id", name=op.f("pk_evidence_blobs")),
    )

    op.create_table(
        "notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("tracker_id", sa.Uuid(), nullable=False),
        sa.Column("calculation_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_key_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_by_key_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "char_length(text) BETWEEN 1 AND 10000", name=op.f("ck_notes_text_length")
        ),
        sa.ForeignKeyConstraint(
            ["calculation_id"],
            ["calculations.id"],
            name=op.f("fk_notes_calculation_id_calculations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_notes_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tracker_id"],
            ["trackers.id"],
            name=op.f("fk_notes_tracker_id_trackers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    op.create_index(
        "ix_notes_calculation_id_month", "notes", ["calculation_id", "month", "created_at", "id"]
    )
    op.create_index("ix_notes_tracker_id", "notes", ["organization_id", "tracker_id"])


def downgrade() -> None:
    op.drop_index("ix_notes_tracker_id", table_name="notes")
    op.drop_index("ix_notes_calculation_id_month", table_name="notes")
    op.drop_table("notes")
    op.drop_table("evidence_blobs")
    op.drop_index("ix_evidence_tracker_id", table_name="evidence")
    op.drop_index("ix_evidence_calculation_id_month", table_name="evidence")
    op.drop_table("evidence")
    op.drop_index(op.f("ix_tracker_locks_organization_id"), table_name="tracker_locks")
    op.drop_table("tracker_locks")
    op.drop_index("ix_audit_events_entity_id", table_name="audit_events")
    op.drop_index("ix_audit_events_calculation_id_month", table_name="audit_events")
    op.drop_index("ix_audit_events_tracker_id_occurred_at", table_name="audit_events")
    op.drop_table("audit_events")
