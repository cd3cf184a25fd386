"""rate_limit_buckets: one rate-limit budget per caller, shared by every process and host

Revision ID: i17_01
Revises: i21_01
Create Date: 2026-12-05 16:20:00

Rate limits were kept in each process's memory, so N workers allowed N times the
configured rate. Each caller's bucket is now one row (GCRA: the moment the bucket is
full again), spent by one statement per request (`rate_limits.repository`). UNLOGGED: no
WAL for a row written on every request; after a crash the table is empty, which merely
refills every budget once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i17_01"
down_revision: str | None = "i21_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_buckets",
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("full_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("identity", name="pk_rate_limit_buckets"),
        prefixes=["UNLOGGED"],
    )


def downgrade() -> None:
    op.drop_table("rate_limit_buckets")
