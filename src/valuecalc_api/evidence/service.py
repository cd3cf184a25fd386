"""Attaching evidence to a calculation-month, and removing it (SPEC 3 "Evidence and notes").

Every write checks the month lock (423 in a locked month) and leaves one audit event.
A file is checked by its bytes before anything is stored; a link is stored as text and
never fetched by the server.
"""

from __future__ import annotations

import hashlib
import uuid
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit import service as audit
from valuecalc_api.audit.json_values import snapshot
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.evidence import repository
from valuecalc_api.evidence.file_types import ACCEPTED_DESCRIPTION, detect_file_type
from valuecalc_api.evidence.filenames import sanitize_filename
from valuecalc_api.evidence.repository import CalculationScope
from valuecalc_api.evidence.storage import EvidenceStore
from valuecalc_api.locks.service import ensure_unlocked
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.models.evidence import Evidence, EvidenceKind
from valuecalc_api.problems import Problem, invalid, not_found
from valuecalc_core.months import Month

# Not worth repeating in audit records: the store's internal address of the bytes.
_AUDIT_EXCLUDED = frozenset({"organization_id", "storage_key"})


async def calculation_month(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID, month: Month
) -> CalculationScope:
    """The calculation (404 if not visible to the caller) and a month of its contract (422)."""
    scope = await repository.calculation_scope(session, principal.organization_id, calculation_id)
    if scope is None or not principal.can_see_tracker(scope.tracker_id):
        raise not_found("calculation")
    if month not in scope.contract:
        raise invalid(
            [
                {
                    "field": "month",
                    "code": "month_outside_contract",
                    "message": f"{month} is outside the contract period {scope.contract}.",
                }
            ]
        )
    return scope


async def visible_calculation(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID
) -> CalculationScope:
    scope = await repository.calculation_scope(session, principal.organization_id, calculation_id)
    if scope is None or not principal.can_see_tracker(scope.tracker_id):
        raise not_found("calculation")
    return scope


async def visible_evidence(
    session: AsyncSession, principal: Principal, evidence_id: uuid.UUID, *, for_update: bool = False
) -> Evidence:
    evidence = await repository.get_evidence(
        session, principal.organization_id, evidence_id, for_update=for_update
    )
    if evidence is None or not principal.can_see_tracker(evidence.tracker_id):
        raise not_found("evidence")
    return evidence


def too_large(max_bytes: int) -> Problem:
    return Problem(
        413,
        "evidence-too-large",
        f"An evidence file may be at most {max_bytes} bytes ({max_bytes / 1048576:g} MiB).",
        extra={"max_bytes": max_bytes},
    )


def check_link(url: str) -> str:
    """The URL, trimmed, if it is an absolute http(s) URL without credentials; else 422."""
    url = url.strip()
    problem: str | None = None
    parts = urlsplit(url) if url.isprintable() and " " not in url else None
    if parts is None:
        problem = "must not contain spaces or control characters"
    elif parts.scheme.lower() not in {"http", "https"}:
        problem = "must be an http:// or https:// URL"
    elif not parts.hostname:
        problem = "must name a host"
    elif parts.username is not None or parts.password is not None:
        problem = "must not contain a user name or password"
    if problem is not None:
        raise invalid([{"field": "url", "code": "invalid_url", "message": f"url {problem}."}])
    return url


async def _add(
    session: AsyncSession, principal: Principal, scope: CalculationScope, evidence: Evidence
) -> Evidence:
    session.add(evidence)
    await session.flush()
    await session.refresh(evidence)
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.evidence,
        entity_id=evidence.id,
        tracker_id=scope.tracker_id,
        calculation_id=scope.calculation_id,
        month=evidence.month,
        action=AuditAction.create,
        before=None,
        after=snapshot(evidence, exclude=_AUDIT_EXCLUDED),
    )
    return evidence


def _new(
    principal: Principal,
    scope: CalculationScope,
    month: Month,
    kind: EvidenceKind,
    **fields: object,
) -> Evidence:
    return Evidence(
        organization_id=principal.organization_id,
        tracker_id=scope.tracker_id,
        calculation_id=scope.calculation_id,
        month=month,
        kind=kind.value,
        author_key_id=principal.key_id,
        actor_id=principal.actor_id,
        actor_name=principal.actor_name,
        **fields,
    )


async def add_file(
    session: AsyncSession,
    principal: Principal,
    store: EvidenceStore,
    scope: CalculationScope,
    month: Month,
    *,
    filename: str | None,
    content: bytes,
    caption: str | None,
    max_bytes: int,
) -> Evidence:
    """Store an uploaded file: 413 if too large, 415 unless its bytes are an accepted type."""
    if len(content) > max_bytes:
        raise too_large(max_bytes)
    if not content:
        raise invalid([{"field": "file", "code": "empty_file", "message": "The file is empty."}])
    file_type = detect_file_type(content, filename)
    if file_type is None:
        raise Problem(
            415,
            "unsupported-evidence-type",
            f"The file's content is not {ACCEPTED_DESCRIPTION}; its name and declared type "
            "do not count.",
        )
    await ensure_unlocked(session, principal.organization_id, scope.tracker_id, [month])
    evidence_id = uuid.uuid4()
    storage_key = await store.save(session, evidence_id, content)
    return await _add(
        session,
        principal,
        scope,
        _new(
            principal,
            scope,
            month,
            EvidenceKind.file,
            id=evidence_id,
            caption=caption,
            filename=sanitize_filename(filename, file_type),
            content_type=file_type.media_type,
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            storage_key=storage_key,
        ),
    )


async def add_link(
    session: AsyncSession,
    principal: Principal,
    scope: CalculationScope,
    month: Month,
    *,
    url: str,
    caption: str | None,
) -> Evidence:
    """Keep a link (to a dashboard, a report). The server never requests it."""
    checked = check_link(url)
    await ensure_unlocked(session, principal.organization_id, scope.tracker_id, [month])
    return await _add(
        session,
        principal,
        scope,
        _new(principal, scope, month, EvidenceKind.link, url=checked, caption=caption),
    )


async def add_pasted(
    session: AsyncSession,
    principal: Principal,
    scope: CalculationScope,
    month: Month,
    *,
    text: str,
    caption: str | None,
) -> Evidence:
    """Keep data pasted from a report, as text."""
    await ensure_unlocked(session, principal.organization_id, scope.tracker_id, [month])
    return await _add(
        session,
        principal,
        scope,
        _new(principal, scope, month, EvidenceKind.pasted, text=text, caption=caption),
    )


async def remove(
    session: AsyncSession, principal: Principal, store: EvidenceStore, evidence: Evidence
) -> None:
    """Delete evidence and its stored bytes; refused in a locked month."""
    await ensure_unlocked(session, principal.organization_id, evidence.tracker_id, [evidence.month])
    before = snapshot(evidence, exclude=_AUDIT_EXCLUDED)
    if evidence.storage_key is not None:
        await store.remove(session, evidence.storage_key)
    await repository.delete_evidence(session, evidence)
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.evidence,
        entity_id=evidence.id,
        tracker_id=evidence.tracker_id,
        calculation_id=evidence.calculation_id,
        month=evidence.month,
        action=AuditAction.delete,
        before=before,
        after=None,
    )
