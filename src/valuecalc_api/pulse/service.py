"""Pulse use cases: the organization's reason codes, and recording a customer's pulse."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit import service as audit
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.auth.tracker_scope import require_whole_organization
from valuecalc_api.customers.service import get_customer
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.models.health import Pulse, PulseReasonCode
from valuecalc_api.partial_updates import patch_values
from valuecalc_api.problems import conflict, invalid, not_found
from valuecalc_api.pulse import repository
from valuecalc_api.pulse.schemas import (
    PulseCreate,
    PulseOut,
    ReasonCodeCreate,
    ReasonCodeOut,
    ReasonCodePatch,
)
from valuecalc_api.unique_conflicts import flush_or_conflict


def today() -> date:
    """Today's date in UTC (SPEC 2: dates are UTC calendar dates)."""
    return datetime.now(UTC).date()


async def create_reason_code(
    session: AsyncSession, principal: Principal, body: ReasonCodeCreate
) -> PulseReasonCode:
    require_whole_organization(principal, "defining a reason code")
    code = PulseReasonCode(organization_id=principal.organization_id, **body.model_dump())
    session.add(code)
    await flush_or_conflict(
        session,
        {
            "uq_pulse_reason_codes_code": conflict(
                "reason-code-taken", f"The reason code {body.code!r} already exists."
            )
        },
    )
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.reason_code,
        entity_id=code.id,
        tracker_id=None,
        action=AuditAction.create,
        before=None,
        after=ReasonCodeOut.model_validate(code).model_dump(mode="json"),
    )
    return code


async def change_reason_code(
    session: AsyncSession, principal: Principal, reason_code_id: uuid.UUID, body: ReasonCodePatch
) -> PulseReasonCode:
    require_whole_organization(principal, "changing a reason code")
    code = await repository.get_reason_code(session, principal.organization_id, reason_code_id)
    if code is None:
        raise not_found("reason code")
    before = ReasonCodeOut.model_validate(code).model_dump(mode="json")
    for field, value in patch_values(body).items():
        setattr(code, field, value)
    await session.flush()
    await session.refresh(code, ["updated_at"])
    after = ReasonCodeOut.model_validate(code).model_dump(mode="json")
    if after != before:
        await audit.record(
            session,
            principal,
            entity_type=AuditEntity.reason_code,
            entity_id=code.id,
            tracker_id=None,
            action=AuditAction.update,
            before=before,
            after=after,
        )
    return code


def pulse_out(pulse: Pulse) -> PulseOut:
    return PulseOut.model_validate(
        {
            "id": pulse.id,
            "customer_id": pulse.customer_id,
            "status": pulse.status,
            "reason_codes": list(pulse.reason_codes),
            "comment": pulse.comment,
            "recorded_on": pulse.recorded_on,
            "author": pulse.author,
            "created_at": pulse.created_at,
        }
    )


async def record_pulse(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID, body: PulseCreate
) -> Pulse:
    """Record a pulse; 422 naming each reason code that is not an active one of the list."""
    principal.require_editor()
    await get_customer(session, principal, customer_id)
    known = await repository.reason_codes_named(
        session, principal.organization_id, set(body.reason_codes)
    )
    errors: list[dict[str, Any]] = []
    if body.recorded_on is not None and body.recorded_on > today():
        errors.append(
            {
                "field": "recorded_on",
                "code": "date_in_future",
                "message": f"recorded_on must not be after today ({today()}).",
            }
        )
    for index, code in enumerate(body.reason_codes):
        found = known.get(code)
        if found is None or not found.active:
            errors.append(
                {
                    "field": f"reason_codes.{index}",
                    "code": "unknown_reason_code",
                    "message": f"{code!r} is not an active reason code of your organization.",
                }
            )
    if errors:
        raise invalid(errors)
    pulse = Pulse(
        organization_id=principal.organization_id,
        customer_id=customer_id,
        status=body.status.value,
        recorded_on=body.recorded_on or today(),
        reason_codes=list(dict.fromkeys(body.reason_codes)),
        comment=body.comment,
        author_key_id=principal.key_id,
        actor_id=principal.actor_id,
        actor_name=principal.actor_name,
    )
    session.add(pulse)
    await session.flush()
    await session.refresh(pulse)
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.pulse,
        entity_id=pulse.id,
        tracker_id=None,
        action=AuditAction.create,
        before=None,
        after=pulse_out(pulse).model_dump(mode="json"),
    )
    return pulse
