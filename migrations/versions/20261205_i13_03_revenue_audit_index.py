"""audit events of revenue records found by their record

Revision ID: i13_03
Revises: i14_01
Create Date: 2026-12-05 16:55:00

A revenue record's history (`GET /v1/revenue/.../history`) lists the audit events of that
record. Revenue events carry no tracker, so a partial index over the events without a
tracker finds them; the measurement writes, whose events all have a tracker, do not
maintain it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i13_03"
down_revision: str | None = "i14_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_events_untracked_entity",
        "audit_events",
        ["organization_id", "entity_id", "occurred_at", "seq"],
        postgresql_where=sa.text("tracker_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_untracked_entity", table_name="audit_events")
