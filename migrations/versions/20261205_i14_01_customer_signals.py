"""customer signals: surveys, touches, goals, onboarding, usage; the organization's time zone

Revision ID: i14_01
Revises: i13_02
Create Date: 2026-12-05 16:00:00

SPEC 5. Seven tables, each scoped by `organization_id` and cascading with the customer;
`organizations` gains `time_zone` (IANA name, default UTC: usage days are cut at its
midnight) and `value_features` (the designated features adoption breadth counts). The
audit trail accepts the new entity types.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "i14_01"
down_revision: str | None = "i13_02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_OLD_ENTITY_TYPES = (
    "measurement",
    "input_change",
    "calculation",
    "tracker",
    "use_case",
    "evidence",
    "note",
    "lock",
    # The revenue ledger's (i13_02), which this revision follows.
    "arr_movement",
    "renewal",
    "contract_line",
    "cs_lead",
    "fx_rate",
)
_SIGNAL_ENTITY_TYPES = (
    "survey_response",
    "touch",
    "goal",
    "onboarding",
    "usage_day",
    "usage_month",
    "seat_count",
    "signal_settings",
)


def _audit_entity_types(types: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_audit_events_entity_type"), "audit_events", type_="check")
    op.create_check_constraint(
        op.f("ck_audit_events_entity_type"),
        "audit_events",
        "entity_type IN (" + ", ".join(f"'{t}'" for t in types) + ")",
    )


def upgrade() -> None:
    op.create_table(
        "onboarding_milestones",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("kickoff_on", sa.Date(), nullable=True),
        sa.Column("go_live_on", sa.Date(), nullable=True),
        sa.Column("first_value_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_onboarding_milestones_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_onboarding_milestones_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_milestones")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_onboarding_milestones_customer_id")),
    )
    op.create_index(
        "ix_onboarding_milestones_organization_id_created_at",
        "onboarding_milestones",
        ["organization_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "seat_counts",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "seats IS NULL OR seats >= 0", name=op.f("ck_seat_counts_seats_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_seat_counts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_seat_counts_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat_counts")),
        sa.UniqueConstraint(
            "customer_id", "effective_on", name="uq_seat_counts_customer_id_effective_on"
        ),
    )
    op.create_index(
        op.f("ix_seat_counts_organization_id"), "seat_counts", ["organization_id"], unique=False
    )
    op.create_table(
        "survey_responses",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("respondent", sa.String(length=200), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=True),
        sa.Column("answer", sa.String(length=8), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("excluded", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("excluded_reason", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(kind = 'nps' AND score BETWEEN 0 AND 10 AND answer IS NULL) OR (kind = 'csat' AND score BETWEEN 1 AND 5 AND answer IS NULL) OR (kind = 'ces' AND score BETWEEN 1 AND 7 AND answer IS NULL) OR (kind = 'renew_today' AND score IS NULL AND answer IN ('yes', 'no', 'unsure'))",
            name=op.f("ck_survey_responses_answer_fits_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_survey_responses_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_survey_responses_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint(
            "organization_id", "external_id", name="uq_survey_responses_external_id"
        ),
    )
    op.create_index(
        "ix_survey_responses_customer_id_kind_answered_on",
        "survey_responses",
        ["customer_id", "kind", "answered_on"],
        unique=False,
    )
    op.create_index(
        "ix_survey_responses_organization_id_created_at",
        "survey_responses",
        ["organization_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_survey_responses_latest_per_respondent",
        "survey_responses",
        [
            "organization_id",
            "kind",
            "customer_id",
            "respondent",
            sa.text("answered_on DESC"),
            sa.text("external_id DESC"),
        ],
        unique=False,
        postgresql_include=["score", "excluded"],
    )
    op.create_table(
        "touches",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "channel IN ('call', 'meeting', 'email', 'message', 'event')",
            name=op.f("ck_touches_channel"),
        ),
        sa.CheckConstraint(
            "direction IN ('outbound', 'inbound')", name=op.f("ck_touches_direction")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_touches_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_touches_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_touches")),
        sa.UniqueConstraint("organization_id", "external_id", name="uq_touches_external_id"),
    )
    op.create_index(
        "ix_touches_customer_id_occurred_at",
        "touches",
        ["customer_id", "occurred_at"],
        unique=False,
    )
    op.create_index(
        "ix_touches_organization_id_created_at",
        "touches",
        ["organization_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "usage_days",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("active_users", sa.Integer(), nullable=False),
        sa.Column(
            "feature_actives",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "active_users >= 0", name=op.f("ck_usage_days_active_users_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_usage_days_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_usage_days_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_days")),
        sa.UniqueConstraint("customer_id", "day", name="uq_usage_days_customer_id_day"),
    )
    op.create_index(
        "ix_usage_days_organization_id_day", "usage_days", ["organization_id", "day"], unique=False
    )
    op.create_table(
        "usage_months",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("monthly_active_users", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "extract(day from month) = 1", name=op.f("ck_usage_months_month_first_day")
        ),
        sa.CheckConstraint(
            "monthly_active_users >= 0",
            name=op.f("ck_usage_months_monthly_active_users_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_usage_months_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_usage_months_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_months")),
        sa.UniqueConstraint("customer_id", "month", name="uq_usage_months_customer_id_month"),
    )
    op.create_index(
        op.f("ix_usage_months_organization_id"), "usage_months", ["organization_id"], unique=False
    )
    op.create_table(
        "goals",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("achieved_on", sa.Date(), nullable=True),
        sa.Column("use_case_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(status = 'achieved') = (achieved_on IS NOT NULL)",
            name=op.f("ck_goals_achieved_on_iff_achieved"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'achieved', 'missed')",
            name=op.f("ck_goals_status"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_goals_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_goals_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["use_case_id"],
            ["use_cases.id"],
            name=op.f("fk_goals_use_case_id_use_cases"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
        sa.UniqueConstraint("organization_id", "external_id", name="uq_goals_external_id"),
    )
    op.create_index("ix_goals_customer_id", "goals", ["customer_id"], unique=False)
    op.create_index(
        "ix_goals_organization_id_created_at",
        "goals",
        ["organization_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_goals_use_case_id"), "goals", ["use_case_id"], unique=False)
    op.add_column(
        "organizations",
        sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False),
    )
    op.add_column(
        "organizations",
        sa.Column(
            "value_features",
            postgresql.ARRAY(sa.String(length=64)),
            server_default="{}",
            nullable=False,
        ),
    )
    _audit_entity_types(_OLD_ENTITY_TYPES + _SIGNAL_ENTITY_TYPES)


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM audit_events WHERE entity_type = ANY(:types)").bindparams(
            types=list(_SIGNAL_ENTITY_TYPES)
        )
    )
    _audit_entity_types(_OLD_ENTITY_TYPES)
    op.drop_column("organizations", "value_features")
    op.drop_column("organizations", "time_zone")
    op.drop_index(op.f("ix_goals_use_case_id"), table_name="goals")
    op.drop_index("ix_goals_organization_id_created_at", table_name="goals")
    op.drop_index("ix_goals_customer_id", table_name="goals")
    op.drop_table("goals")
    op.drop_index(op.f("ix_usage_months_organization_id"), table_name="usage_months")
    op.drop_table("usage_months")
    op.drop_index("ix_usage_days_organization_id_day", table_name="usage_days")
    op.drop_table("usage_days")
    op.drop_index("ix_touches_organization_id_created_at", table_name="touches")
    op.drop_index("ix_touches_customer_id_occurred_at", table_name="touches")
    op.drop_table("touches")
    op.drop_index("ix_survey_responses_latest_per_respondent", table_name="survey_responses")
    op.drop_index("ix_survey_responses_organization_id_created_at", table_name="survey_responses")
    op.drop_index("ix_survey_responses_customer_id_kind_answered_on", table_name="survey_responses")
    op.drop_table("survey_responses")
    op.drop_index(op.f("ix_seat_counts_organization_id"), table_name="seat_counts")
    op.drop_table("seat_counts")
    op.drop_index(
        "ix_onboarding_milestones_organization_id_created_at", table_name="onboarding_milestones"
    )
    op.drop_table("onboarding_milestones")
