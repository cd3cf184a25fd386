"""the audit trail accepts changes to the revenue settings (the reporting currency)

Revision ID: i21b_01
Revises: i15_01
Create Date: 2026-12-05 17:20:00

SPEC 6: `PUT /v1/revenue/settings` changes the reporting currency every converted figure
follows; like the signal settings, the change is an audit event (who, when, before,
after) of entity type `revenue_settings`. Downgrading removes those events first. The
constraint is rebuilt from its current list, so types other revisions add are kept.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i21b_01"
down_revision: str | None = "i15_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW_ENTITY_TYPES = ("revenue_settings",)
_CONSTRAINT = "ck_audit_events_entity_type"


def _current_entity_types() -> list[str]:
    """The entity types the constraint admits now: read from the database, so this revision
    keeps whatever other revisions added, in whichever order they run."""
    definition = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.conname = :name AND c.conrelid = 'audit_events'::regclass"
            ).bindparams(name=_CONSTRAINT)
        )
        .scalar_one()
    )
    return re.findall(r"'([a-z_]+)'", definition)


def _audit_entity_types(types: list[str]) -> None:
    op.drop_constraint(op.f(_CONSTRAINT), "audit_events", type_="check")
    op.create_check_constraint(
        op.f(_CONSTRAINT),
        "audit_events",
        "entity_type IN (" + ", ".join(f"'{t}'" for t in types) + ")",
    )


def upgrade() -> None:
    types = _current_entity_types()
    _audit_entity_types(types + [t for t in _NEW_ENTITY_TYPES if t not in types])


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM audit_events WHERE entity_type = ANY(:types)").bindparams(
            types=list(_NEW_ENTITY_TYPES)
        )
    )
    _audit_entity_types([t for t in _current_entity_types() if t not in _NEW_ENTITY_TYPES])
