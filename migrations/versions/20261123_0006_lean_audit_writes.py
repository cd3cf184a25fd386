"""leaner audit_events writes: drop the entity_id index and the organization foreign key

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 19:20:00

Every bulk write inserts one audit event per changed row (SPEC 6), so each index and
constraint on `audit_events` is paid 10,000 times per request:

- `ix_audit_events_entity_id` served no query alone: the history list always filters by
  organization and tracker first (`ix_audit_events_tracker_id_occurred_at`), and an
  `entity_id` filter is applied to those rows.
- `fk_audit_events_organization_id_organizations` (ON DELETE CASCADE) checked a row per
  event whose organization the authenticated principal already proves, and would have
  deleted an organization's audit trail with the organization: an audit trail must
  outlive deletions, like `tracker_id` and `calculation_id`, which were never foreign keys.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_audit_events_entity_id", table_name="audit_events")
    op.drop_constraint(
        "fk_audit_events_organization_id_organizations", "audit_events", type_="foreignkey"
    )


def downgrade() -> None:
    # NOT VALID: events of organizations deleted meanwhile stay (an audit row is never
    # deleted to satisfy a constraint); new rows are checked again.
    op.create_foreign_key(
        "fk_audit_events_organization_id_organizations",
        "audit_events",
        "organizations",
        ["organization_id"],
        ["id"],
        ondelete="CASCADE",
        postgresql_not_valid=True,
    )
    op.create_index("ix_audit_events_entity_id", "audit_events", ["entity_id"])
