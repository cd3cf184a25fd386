"""audit_events keyed by `seq`: an append-only log gets an append-only primary key

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 12:00:00

The primary key was the random (version 4) `id`, with a unique index on the identity
column `seq` beside it. Every event, 10,000 per bulk write, inserted into both: the `id`
index at a random leaf page (once the log outgrows memory, a page read per event), the
`seq` index always at its right edge. No query looks an event up by `id` (the history
lists go through the tracker and calculation indexes, paged by `(occurred_at, seq)`), so
`seq` becomes the primary key and the `id` index goes. `id` stays the event's public
identifier: every writer draws it from `gen_random_uuid()` / `uuid4()`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint("pk_audit_events", "audit_events", type_="primary")
    op.drop_constraint("uq_audit_events_seq", "audit_events", type_="unique")
    op.create_primary_key("pk_audit_events", "audit_events", ["seq"])


def downgrade() -> None:
    op.drop_constraint("pk_audit_events", "audit_events", type_="primary")
    op.create_unique_constraint("uq_audit_events_seq", "audit_events", ["seq"])
    op.create_primary_key("pk_audit_events", "audit_events", ["id"])
