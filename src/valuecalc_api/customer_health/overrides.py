"""CSM overrides: recorded with reason, author and expiry, ended early on request, every
change in the audit trail; never deleted."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit import service as audit
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customer_health import repository
from valuecalc_api.customer_health.score_schemas import OverrideCreate, OverrideOut
from valuecalc_api.customers.service import get_customer
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.models.health import HealthOverride
from valuecalc_api.problems import conflict, invalid, not_found
from valuecalc_api.pulse.service import today
from valuecalc_core.health.overrides import OverrideStatus, ScoreOverride

_HUNDRED = Decimal(100)


def core_override(row: HealthOverride) -> ScoreOverride:
    return ScoreOverride(
        id=str(row.id),
        score=row.score,
        reason=row.reason,
        author=str(row.author_key_id),
        starts_on=row.starts_on,
        expires_on=row.expires_on,
        ended_on=row.ended_on,
    )


def override_out(row: HealthOverride) -> OverrideOut:
    return OverrideOut.model_validate(
        {
            "id": row.id,
            "customer_id": row.customer_id,
            "score": row.score,
            "reason": row.reason,
            "starts_on": row.starts_on,
            "expires_on": row.expires_on,
            "ended_on": row.ended_on,
            "status": core_override(row).status(today()),
            "author": row.author,
            "ended_by": row.ended_by,
            "created_at": row.created_at,
        }
    )


def _state(row: HealthOverride) -> dict[str, object]:
    return override_out(row).model_dump(mode="json", exclude={"status", "created_at"})


async def _audit(
    session: AsyncSession,
    principal: Principal,
    row: HealthOverride,
    action: AuditAction,
    before: dict[str, object] | None,
) -> None:
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.health_override,
        entity_id=row.id,
        tracker_id=None,
        action=action,
        before=before,
        after=_state(row),
    )


async def create_override(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID, body: OverrideCreate
) -> HealthOverride:
    principal.require_editor()
    await get_customer(session, principal, customer_id)
    starts_on = body.starts_on or today()
    errors = []
    if not 0 <= body.score <= _HUNDRED:
        errors.append(
            {"field": "score", "code": "score_out_of_range", "message": "score must be 0..100."}
        )
    if body.expires_on < starts_on:
        errors.append(
            {
                "field": "expires_on",
                "code": "expires_before_start",
                "message": f"expires_on must be on or after starts_on ({starts_on}).",
            }
        )
    if errors:
        raise invalid(errors)
    row = HealthOverride(
        organization_id=principal.organization_id,
        customer_id=customer_id,
        score=body.score,
        reason=body.reason,
        starts_on=starts_on,
        expires_on=body.expires_on,
        author_key_id=principal.key_id,
        actor_id=principal.actor_id,
        actor_name=principal.actor_name,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row)
    await _audit(session, principal, row, AuditAction.create, None)
    return row


async def end_override(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID, override_id: uuid.UUID
) -> HealthOverride:
    """End an override from today on (it stays in the list and the history as `ended`);
    409 if it has already ended or expired."""
    principal.require_editor()
    await get_customer(session, principal, customer_id)
    row = await repository.get_override(
        session, principal.organization_id, customer_id, override_id
    )
    if row is None:
        raise not_found("override")
    status = core_override(row).status(today())
    if status in (OverrideStatus.ended, OverrideStatus.expired):
        raise conflict("override-over", f"This override has already {status.value}.")
    before = _state(row)
    row.ended_on = today()
    row.ended_by_key_id = principal.key_id
    row.ended_by_actor_id = principal.actor_id
    row.ended_by_actor_name = principal.actor_name
    await session.flush()
    await session.refresh(row)
    await _audit(session, principal, row, AuditAction.update, before)
    return row


async def overrides_of_customer(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID
) -> Sequence[HealthOverride]:
    await get_customer(session, principal, customer_id)
    return await repository.overrides_of(session, principal.organization_id, [customer_id])
