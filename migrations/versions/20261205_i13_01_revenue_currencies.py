"""revenue currencies: an organization's reporting currency, a customer's currency

Revision ID: i13_01
Revises: i17_01
Create Date: 2026-12-05 16:10:00

SPEC 4: every revenue amount has an ISO 4217 currency (the customer's), and converted
reports use the organization's reporting currency with its FX table. Both nullable: an
organization without revenue data needs neither.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i13_01"
down_revision: str | None = "i17_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("organizations", sa.Column("reporting_currency", sa.String(3), nullable=True))
    op.add_column("customers", sa.Column("currency", sa.String(3), nullable=True))


def downgrade() -> None:
    op.drop_column("customers", "currency")
    op.drop_column("organizations", "reporting_currency")
