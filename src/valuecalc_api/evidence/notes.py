"""Notes on a calculation-month: write, edit, delete, each refused in a locked month and
recorded in the audit trail with the text before and after."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit import service as audit
from valuecalc_api.audit.json_values import snapshot
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.evidence import repository
from valuecalc_api.evidence.repository import CalculationScope
from valuecalc_api.locks.service import ensure_unlocked
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.models.evidence import Note
from valuecalc_api.problems import not_found
from valuecalc_core.months import Month


async def _record(
    session: AsyncSession,
    principal: Principal,
    note: Note,
    action: AuditAction,
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
) -> None:
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.note,
        entity_id=note.id,
        tracker_id=note.tracker_id,
        calculation_id=note.calculation_id,
        month=note.month,
        action=action,
        before=before,
        after=after,
    )


async def visible_note(
    session: AsyncSession, principal: Principal, note_id: uuid.UUID, *, for_update: bool = False
) -> Note:
    note = await repository.get_note(
        session, principal.organization_id, note_id, for_update=for_update
    )
    if note is None or not principal.can_see_tracker(note.tracker_id):
        raise not_found("note")
    return note


async def add_note(
    session: AsyncSession, principal: Principal, scope: CalculationScope, month: Month, text: str
) -> Note:
    await ensure_unlocked(session, principal.organization_id, scope.tracker_id, [month])
    note = Note(
        organization_id=principal.organization_id,
        tracker_id=scope.tracker_id,
        calculation_id=scope.calculation_id,
        month=month,
        text=text,
        author_key_id=principal.key_id,
        actor_id=principal.actor_id,
        actor_name=principal.actor_name,
    )
    session.add(note)
    await session.flush()
    await session.refresh(note)
    await _record(session, principal, note, AuditAction.create, None, snapshot(note))
    return note


async def edit_note(
    session: AsyncSession, principal: Principal, note_id: uuid.UUID, text: str
) -> Note:
    note = await visible_note(session, principal, note_id, for_update=True)
    await ensure_unlocked(session, principal.organization_id, note.tracker_id, [note.month])
    if note.text == text:
        return note
    before = snapshot(note)
    note.text = text
    note.updated_by_key_id = principal.key_id
    note.updated_by_actor_id = principal.actor_id
    note.updated_by_actor_name = principal.actor_name
    await session.flush()
    await session.refresh(note)
    await _record(session, principal, note, AuditAction.update, before, snapshot(note))
    return note


async def delete_note(session: AsyncSession, principal: Principal, note_id: uuid.UUID) -> None:
    note = await visible_note(session, principal, note_id, for_update=True)
    await ensure_unlocked(session, principal.organization_id, note.tracker_id, [note.month])
    before = snapshot(note)
    await repository.delete_note(session, note)
    await _record(session, principal, note, AuditAction.delete, before, None)
