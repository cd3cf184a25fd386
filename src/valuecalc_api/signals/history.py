"""The audit trail of one signal record (SPEC 6 "who, when, before, after"), newest first,
cursor-paginated, optionally only one person's changes (`?actor=`).

Signal events carry no tracker, so the partial index `ix_audit_events_untracked_entity`
(organization, entity, occurred_at, seq WHERE tracker_id IS NULL, migration i13_03) finds
a record's events in order: the read needs no index of its own.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.convertors import Convertor, register_url_convertor

from valuecalc_api.audit.history_pages import (
    ActorQuery,
    actor_filter,
    decode_cursor,
    history_page,
)
from valuecalc_api.audit.schemas import AuditEventOut
from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.models.audit import AuditEntity, AuditEvent
from valuecalc_api.models.base import Base
from valuecalc_api.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from valuecalc_api.problems import not_found
from valuecalc_api.signals import repository as signals


class _RowIdConvertor(Convertor[str]):
    """A row id in a path: any segment but `bulk` (validated as a UUID by the route)."""

    regex = "(?!bulk$)[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("row_id", _RowIdConvertor())


async def record_events(
    session: AsyncSession,
    organization_id: uuid.UUID,
    entity: AuditEntity,
    entity_id: uuid.UUID,
    *,
    actor_id: str | None,
    limit: int,
    before: tuple[datetime, int] | None,
) -> Sequence[AuditEvent]:
    """The record's events, newest first, `limit` of them after keyset position `before`."""
    query = select(AuditEvent).where(
        AuditEvent.organization_id == organization_id,
        AuditEvent.tracker_id.is_(None),
        AuditEvent.entity_id == entity_id,
        AuditEvent.entity_type == entity.value,
    )
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if before is not None:
        query = query.where(
            tuple_(AuditEvent.occurred_at, AuditEvent.seq) < tuple_(before[0], before[1])
        )
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.seq.desc()).limit(limit)
    return (await session.scalars(query)).all()


def id_named(function: Any, id_parameter: str) -> Any:
    """`function` whose first parameter (the record's id) is called `id_parameter` in the
    path (`touch_id`, `goal_id`, …)."""
    parameters = list(inspect.signature(function).parameters.values())
    parameters[0] = parameters[0].replace(name=id_parameter)
    signature = inspect.Signature(parameters)

    async def by_name(**arguments: Any) -> Any:
        values = [arguments[name] for name in signature.parameters]
        return await function(*values)

    by_name.__signature__ = signature  # type: ignore[attr-defined]
    return by_name


def add_history_route(
    router: APIRouter,
    path: str,
    id_parameter: str,
    singular: str,
    model: type[Base],
    entity: AuditEntity,
) -> None:
    """`GET {path}/{id}/history`: 404 unless the record exists and the key sees its customer."""

    async def history(
        row_id: uuid.UUID,
        principal: PrincipalDep,
        session: SessionDep,
        actor: ActorQuery = None,
        limit: LimitQuery = DEFAULT_LIMIT,
        cursor: CursorQuery = None,
    ) -> Page[AuditEventOut]:
        before = decode_cursor(cursor) if cursor is not None else None
        found = await signals.get_signal_row(
            session, model, principal.organization_id, row_id, principal.tracker_ids
        )
        if found is None:
            raise not_found(singular)
        events = await record_events(
            session,
            principal.organization_id,
            entity,
            row_id,
            actor_id=actor_filter(actor),
            limit=limit + 1,
            before=before,
        )
        return history_page(list(events), limit)

    one = singular.replace("-", "_").replace(" ", "_")
    endpoint = id_named(history, id_parameter)
    endpoint.__name__ = endpoint.__qualname__ = f"{one}_history"
    endpoint.__doc__ = f"Every change to one {singular} (who, when, before, after), newest first."
    # `:row_id` keeps `{path}/bulk/history` out (no such record).
    router.get(f"{path}/{{{id_parameter}:row_id}}/history", response_model=Page[AuditEventOut])(
        endpoint
    )
