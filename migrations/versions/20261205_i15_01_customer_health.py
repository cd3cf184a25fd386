"""customer health: score profiles and their versions, overrides, pulses, reason codes

Revision ID: i15_01
Revises: i13_03
Create Date: 2026-12-05 16:00:00

The audit trail also records changes to profiles, overrides, pulses and reason codes; the
book pages customers by name, so customers get an index on (organization_id, name, id).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "i15_01"
down_revision: str | None = "i13_03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The audit entity types allowed before this revision (value tracking, the revenue ledger of
# i13_02, the customer signals of i14_01; i13_03, which this revision follows, adds none).
_ENTITY_TYPES = (
    "'measurement', 'input_change', 'calculation', 'tracker', 'use_case', "
    "'evidence', 'note', 'lock', "
    "'arr_movement', 'renewal', 'contract_line', 'cs_lead', 'fx_rate', "
    "'survey_response', 'touch', 'goal', 'onboarding', 'usage_day', 'usage_month', "
    "'seat_count', 'signal_settings'"
)
_HEALTH_ENTITY_TYPES = "'health_profile', 'health_override', 'pulse', 'reason_code'"


def _now() -> sa.TextClause:
    return sa.text("now()")


def _set_entity_types(types: str) -> None:
    op.drop_constraint(op.f("ck_audit_events_entity_type"), "audit_events", type_="check")
    op.create_check_constraint(
        op.f("ck_audit_events_entity_type"), "audit_events", f"entity_type IN ({types})"
    )


def _organization_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id"],
        ["organizations.id"],
        name=op.f(f"fk_{table}_organization_id_organizations"),
        ondelete="CASCADE",
    )


def _customer_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["customer_id"],
        ["customers.id"],
        name=op.f(f"fk_{table}_customer_id_customers"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    _set_entity_types(f"{_ENTITY_TYPES}, {_HEALTH_ENTITY_TYPES}")
    op.create_index(
        op.f("ix_customers_organization_id_name"), "customers", ["organization_id", "name", "id"]
    )
    op.create_table(
        "health_profiles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("segments", postgresql.ARRAY(sa.String(length=100)), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        _organization_fk("health_profiles"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_profiles")),
        sa.UniqueConstraint("organization_id", "name", name=op.f("uq_health_profiles_name")),
    )
    op.create_index(
        op.f("uq_health_profiles_default"),
        "health_profiles",
        ["organization_id"],
        unique=True,
        postgresql_where=sa.text("is_default"),
    )
    op.create_index(
        op.f("ix_health_profiles_organization_id_created_at"),
        "health_profiles",
        ["organization_id", "created_at", "id"],
    )
    op.create_table(
        "health_profile_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("indicators", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("yellow_from", sa.Numeric(), nullable=False),
        sa.Column("green_from", sa.Numeric(), nullable=False),
        sa.Column("author_key_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["health_profiles.id"],
            name=op.f("fk_health_profile_versions_profile_id_health_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_profile_versions")),
        sa.UniqueConstraint(
            "profile_id", "version", name=op.f("uq_health_profile_versions_version")
        ),
    )
    op.create_table(
        "health_overrides",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Numeric(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("author_key_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=True),
        sa.Column("ended_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("ended_by_actor_id", sa.String(length=200), nullable=True),
        sa.Column("ended_by_actor_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint(
            "score >= 0 AND score <= 100", name=op.f("ck_health_overrides_score_range")
        ),
        sa.CheckConstraint(
            "expires_on >= starts_on", name=op.f("ck_health_overrides_expiry_after_start")
        ),
        _customer_fk("health_overrides"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_overrides")),
    )
    op.create_index(
        op.f("ix_health_overrides_customer_id"),
        "health_overrides",
        ["customer_id", "created_at", "id"],
    )
    op.create_table(
        "pulse_reason_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("subcategory", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint("kind IN ('risk', 'success')", name=op.f("ck_pulse_reason_codes_kind")),
        _organization_fk("pulse_reason_codes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_reason_codes")),
        sa.UniqueConstraint("organization_id", "code", name=op.f("uq_pulse_reason_codes_code")),
    )
    op.create_index(
        op.f("ix_pulse_reason_codes_organization_id"),
        "pulse_reason_codes",
        ["organization_id", "created_at", "id"],
    )
    op.create_table(
        "pulses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("reason_codes", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("author_key_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint("status IN ('red', 'yellow', 'green')", name=op.f("ck_pulses_status")),
        _customer_fk("pulses"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulses")),
    )
    op.create_index(
        op.f("ix_pulses_customer_id_recorded_on"),
        "pulses",
        ["customer_id", "recorded_on", "created_at"],
    )
    op.create_index(
        op.f("ix_pulses_organization_id_recorded_on"), "pulses", ["organization_id", "recorded_on"]
    )


def downgrade() -> None:
    op.drop_table("pulses")
    op.drop_table("pulse_reason_codes")
    op.drop_table("health_overrides")
    op.drop_table("health_profile_versions")
    op.drop_table("health_profiles")
    op.execute(
        "DELETE FROM audit_events "
        "WHERE entity_type IN ('health_profile', 'health_override', 'pulse', 'reason_code')"
    )
    _set_entity_types(_ENTITY_TYPES)
    op.drop_index(op.f("ix_customers_organization_id_name"), table_name="customers")
