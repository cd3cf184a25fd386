"""Recording changes in the audit trail. Every write path calls this in its own transaction.

`record` adds one event, `record_many` adds any number in one INSERT (bulk writes of
10,000 rows), so an event commits or rolls back with the change it describes.
`occurred_at` is the database clock (`now()`: the transaction's start), the same for
every event of one request.

Who made a change is stamped in one place, `who_made_it`: the organization, the API key,
the person the call acts for (`Valuecalc-Actor`, null if none) and the request id. Every
statement that inserts audit events (here and the month-value writes in `measurements/` and
`input_changes/`) lists
`AUDIT_WHO_COLUMNS` with `AUDIT_WHO_VALUES` and takes those parameters.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit.json_values import jsonable
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_core.months import Month

# Set by a request-id middleware (if any) so events carry the request that made them.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


@dataclass(frozen=True, slots=True)
class AuditChange:
    """One change to record: the entity, what happened, and its state before and after.

    `before` is None for a create, `after` None for a delete. Values may be Decimals,
    Months, UUIDs, datetimes: they are written as strings (see `values.jsonable`).
    """

    entity_type: AuditEntity | str
    entity_id: uuid.UUID
    tracker_id: uuid.UUID | None
    action: AuditAction | str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    month: Month | None = None
    calculation_id: uuid.UUID | None = None


AUDIT_WHO_COLUMNS = "organization_id, actor_key_id, actor_id, actor_name, request_id"
"""The audit columns that say who made the changes: the same for every event of a request."""
AUDIT_WHO_VALUES = (
    "CAST(:organization_id AS uuid), CAST(:actor_key_id AS uuid), "
    "CAST(:actor_id AS varchar), CAST(:actor_name AS varchar), CAST(:request_id AS varchar)"
)
"""`AUDIT_WHO_COLUMNS`' values, as bound parameters (`who_made_it`)."""


def who_made_it(principal: Principal) -> dict[str, Any]:
    """The parameters of `AUDIT_WHO_VALUES` for the changes of this request."""
    return {
        "organization_id": principal.organization_id,
        "actor_key_id": principal.key_id,
        "actor_id": principal.actor_id,
        "actor_name": principal.actor_name,
        "request_id": current_request_id.get(),
    }


# One statement whatever the number of events: each column travels as one array parameter
# (a multi-row VALUES list would hit PostgreSQL's 32,767-parameter limit at ~3,000 rows).
_INSERT_EVENTS = text(
    f"""
    INSERT INTO audit_events (
        id, {AUDIT_WHO_COLUMNS}, tracker_id, calculation_id,
        entity_type, entity_id, month, action, before, after
    )
    SELECT gen_random_uuid(), {AUDIT_WHO_VALUES}, e.tracker_id, e.calculation_id,
           e.entity_type, e.entity_id, e.month, e.action,
           CAST(e.before AS jsonb), CAST(e.after AS jsonb)
    FROM unnest(
        CAST(:tracker_ids AS uuid[]), CAST(:calculation_ids AS uuid[]),
        CAST(:entity_types AS varchar[]), CAST(:entity_ids AS uuid[]), CAST(:months AS date[]),
        CAST(:actions AS varchar[]), CAST(:befores AS text[]), CAST(:afters AS text[])
    ) WITH ORDINALITY AS e(
        tracker_id, calculation_id, entity_type, entity_id, month, action, before, after, n
    )
    ORDER BY e.n
    """  # noqa: S608 - the only interpolations are the constant column and value lists above
)


def _json_text(state: Mapping[str, Any] | None) -> str | None:
    return None if state is None else json.dumps(jsonable(state), separators=(",", ":"))


async def record_many(
    session: AsyncSession, principal: Principal, changes: Iterable[AuditChange]
) -> int:
    """Add one audit event per change, in order, in one INSERT; returns how many."""
    tracker_ids: list[uuid.UUID | None] = []
    calculation_ids: list[uuid.UUID | None] = []
    entity_types: list[str] = []
    entity_ids: list[uuid.UUID] = []
    months: list[date | None] = []
    actions: list[str] = []
    befores: list[str | None] = []
    afters: list[str | None] = []
    for change in changes:
        tracker_ids.append(change.tracker_id)
        calculation_ids.append(change.calculation_id)
        entity_types.append(AuditEntity(change.entity_type).value)
        entity_ids.append(change.entity_id)
        months.append(None if change.month is None else change.month.first_day())
        actions.append(AuditAction(change.action).value)
        befores.append(_json_text(change.before))
        afters.append(_json_text(change.after))
    if not entity_ids:
        return 0
    await session.execute(
        _INSERT_EVENTS,
        {
            **who_made_it(principal),
            "tracker_ids": tracker_ids,
            "calculation_ids": calculation_ids,
            "entity_types": entity_types,
            "entity_ids": entity_ids,
            "months": months,
            "actions": actions,
            "befores": befores,
            "afters": afters,
        },
    )
    return len(entity_ids)


async def record(
    session: AsyncSession,
    principal: Principal,
    *,
    entity_type: AuditEntity | str,
    entity_id: uuid.UUID,
    tracker_id: uuid.UUID | None,
    action: AuditAction | str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    month: Month | None = None,
    calculation_id: uuid.UUID | None = None,
) -> None:
    """Add the audit event of one change (in the caller's transaction)."""
    await record_many(
        session,
        principal,
        [
            AuditChange(
                entity_type=entity_type,
                entity_id=entity_id,
                tracker_id=tracker_id,
                action=action,
                before=before,
                after=after,
                month=month,
                calculation_id=calculation_id,
            )
        ],
    )
