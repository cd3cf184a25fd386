"""measurements keep room for in-place updates: fillfactor 70

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 11:40:00

Integrations re-send recent months on every sync and people correct values, so stored
measurements are updated often, and an update never changes an indexed column (id,
calculation_id, month, organization_id). With free space on the row's page PostgreSQL
writes the new version there as a heap-only tuple: none of the three indexes gets a new
entry. At the default fillfactor (100) pages are full after an insert and every update
also writes three index entries on another page. 70 leaves room for about four in ten
rows of a page to be updated in place before the page is pruned; the price is ~40 % more
pages for the table (its rows are small). Applies to pages written from now on.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE measurements SET (fillfactor = 70)")


def downgrade() -> None:
    op.execute("ALTER TABLE measurements RESET (fillfactor)")
