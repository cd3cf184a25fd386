"""the audit trail accepts changes to the revenue settings (the reporting currency)

Revision ID: i21b_01
Revises: i13_03
Create Date: 2026-12-05 17:20:00

SPEC 6: `PUT /v1/revenue/settings` changes the reporting currency every converted figure
follows; like the signal settings, the change is an audit event (who, when, before,
after) of entity type `revenue_settings`. Downgrading removes those events first.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i21b_01"
down_revision: str | None = "i13_03"
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
    "arr_movement",
    "renewal",
    "contract_line",
    "cs_lead",
    "fx_rate",
    "survey_response",
    "touch",
    "goal",
    "onboarding",
    "usage_day",
    "usage_month",
    "seat_count",
    "signal_settings",
)
_NEW_ENTITY_TYPES = ("revenue_settings",)


def _audit_entity_types(types: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_audit_events_entity_type"), "audit_events", type_="check")
    op.create_check_constraint(
        op.f("ck_audit_events_entity_type"),
        "audit_events",
        "entity_type IN (" + ", ".join(f"'{t}'" for t in types) + ")",
    )


def upgrade() -> None:
    _audit_entity_types(_OLD_ENTITY_TYPES + _NEW_ENTITY_TYPES)


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM audit_events WHERE entity_type = ANY(:types)").bindparams(
            types=list(_NEW_ENTITY_TYPES)
        )
    )
    _audit_entity_types(_OLD_ENTITY_TYPES)
