"""the ARR ledger: arr_movements, renewals, contract_lines, cs_leads, fx_rates

Revision ID: i13_02
Revises: i13_01
Create Date: 2026-12-05 16:12:00

SPEC 4's input as tables: amounts NUMERIC (exact), every record addressed by the
integration's `external_id`, unique per organization; FX rates by (currency, month), the
rate named by its direction (units of the reporting currency one unit of the currency
buys). Audit events gain the revenue entity types (SPEC 6: every change to a revenue record).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i13_02"
down_revision: str | None = "i13_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_ENTITY_TYPES = (
    "'measurement', 'input_change', 'calculation', 'tracker', 'use_case', 'evidence', 'note', "
    "'lock'"
)
_NEW_ENTITY_TYPES = (
    _OLD_ENTITY_TYPES + ", 'arr_movement', 'renewal', 'contract_line', 'cs_lead', 'fx_rate'"
)


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "organization_id",
            sa.Uuid(),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def _customer_column() -> sa.Column[object]:
    return sa.Column(
        "customer_id", sa.Uuid(), sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "renewals",
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renewals")),
        *_record_columns(),
        _customer_column(),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("renewable_arr", sa.Numeric(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("closed_date", sa.Date(), nullable=True),
        sa.UniqueConstraint("organization_id", "external_id", name="uq_renewals_external_id"),
        sa.CheckConstraint("renewable_arr > 0", name=op.f("ck_renewals_renewable_arr_positive")),
        sa.CheckConstraint(
            "outcome IN ('open', 'renewed', 'churned')", name=op.f("ck_renewals_outcome")
        ),
    )
    op.create_index(
        "ix_renewals_organization_id_due_date", "renewals", ["organization_id", "due_date"]
    )
    op.create_index("ix_renewals_customer_id", "renewals", ["customer_id"])
    op.create_table(
        "arr_movements",
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arr_movements")),
        *_record_columns(),
        _customer_column(),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column(
            "renewal_id",
            sa.Uuid(),
            sa.ForeignKey("renewals.id", ondelete="RESTRICT"),
            nullable=True,
        ),
        sa.Column("source", sa.String(16), nullable=False),
        sa.UniqueConstraint("organization_id", "external_id", name="uq_arr_movements_external_id"),
        sa.CheckConstraint("amount > 0", name=op.f("ck_arr_movements_amount_positive")),
        sa.CheckConstraint(
            "kind IN ('new', 'upsell', 'cross_sell', 'downsell', 'churn', 'reactivation')",
            name=op.f("ck_arr_movements_kind"),
        ),
        sa.CheckConstraint(
            "source IN ('api', 'contract_lines')", name=op.f("ck_arr_movements_source")
        ),
    )
    op.create_index("ix_arr_movements_customer_id_date", "arr_movements", ["customer_id", "date"])
    op.create_index(
        "ix_arr_movements_organization_id_date", "arr_movements", ["organization_id", "date"]
    )
    op.create_index("ix_arr_movements_renewal_id", "arr_movements", ["renewal_id"])
    op.create_table(
        "contract_lines",
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_lines")),
        *_record_columns(),
        _customer_column(),
        sa.Column("start_month", sa.Date(), nullable=False),
        sa.Column("end_month", sa.Date(), nullable=False),
        sa.Column("arr", sa.Numeric(), nullable=False),
        sa.UniqueConstraint("organization_id", "external_id", name="uq_contract_lines_external_id"),
        sa.CheckConstraint("arr > 0", name=op.f("ck_contract_lines_arr_positive")),
        sa.CheckConstraint(
            "end_month >= start_month", name=op.f("ck_contract_lines_ends_after_start")
        ),
    )
    op.create_index("ix_contract_lines_customer_id", "contract_lines", ["customer_id"])
    op.create_table(
        "cs_leads",
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cs_leads")),
        *_record_columns(),
        _customer_column(),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("closed_revenue", sa.Numeric(), nullable=True),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.UniqueConstraint("organization_id", "external_id", name="uq_cs_leads_external_id"),
        sa.CheckConstraint("status IN ('open', 'won', 'lost')", name=op.f("ck_cs_leads_status")),
        sa.CheckConstraint(
            "(status = 'won' AND closed_revenue >= 0) OR (status <> 'won' AND closed_revenue "
            "IS NULL)",
            name=op.f("ck_cs_leads_closed_revenue_when_won"),
        ),
    )
    op.create_index(
        "ix_cs_leads_organization_id_raised_on", "cs_leads", ["organization_id", "raised_on"]
    )
    op.create_table(
        "fx_rates",
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fx_rates")),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "organization_id",
            sa.Uuid(),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("units_of_reporting_currency_per_unit", sa.Numeric(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint(
            "organization_id", "currency", "month", name="uq_fx_rates_organization_id"
        ),
        sa.CheckConstraint(
            "units_of_reporting_currency_per_unit > 0", name=op.f("ck_fx_rates_rate_positive")
        ),
    )
    op.drop_constraint(op.f("ck_audit_events_entity_type"), "audit_events", type_="check")
    op.create_check_constraint(
        op.f("ck_audit_events_entity_type"), "audit_events", f"entity_type IN ({_NEW_ENTITY_TYPES})"
    )


def downgrade() -> None:
    op.execute(
        "DELETE FROM audit_events WHERE entity_type IN "
        "('arr_movement', 'renewal', 'contract_line', 'cs_lead', 'fx_rate')"
    )
    op.drop_constraint(op.f("ck_audit_events_entity_type"), "audit_events", type_="check")
    op.create_check_constraint(
        op.f("ck_audit_events_entity_type"), "audit_events", f"entity_type IN ({_OLD_ENTITY_TYPES})"
    )
    op.drop_table("fx_rates")
    op.drop_table("cs_leads")
    op.drop_table("contract_lines")
    op.drop_table("arr_movements")
    op.drop_table("renewals")
