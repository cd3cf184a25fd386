"""the actor: the person behind the key on audit events, notes and evidence

Revision ID: i21_01
Revises: 0008
Create Date: 2026-12-05 16:00:00

SPEC 6: a call may name the person it acts for (`Valuecalc-Actor`). Audit events,
notes (author and last editor) and evidence keep that person's id and display name
beside the key (null when the call named nobody, as for every row written before), and
an API key may require every call to name one (`requires_actor`, false for existing
keys). Adding nullable columns without defaults rewrites no table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i21_01"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTOR_COLUMNS = {
    "audit_events": ("actor_id", "actor_name"),
    "evidence": ("actor_id", "actor_name"),
    "notes": ("actor_id", "actor_name", "updated_by_actor_id", "updated_by_actor_name"),
}


def upgrade() -> None:
    for table, columns in _ACTOR_COLUMNS.items():
        for column in columns:
            op.add_column(table, sa.Column(column, sa.String(200), nullable=True))
    op.add_column(
        "api_keys",
        sa.Column("requires_actor", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("api_keys", "requires_actor")
    for table, columns in _ACTOR_COLUMNS.items():
        for column in reversed(columns):
            op.drop_column(table, column)
