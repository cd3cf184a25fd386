"""The statements that write input changes, one row or 10,000, each with its audit events.

Same shape as `measurements.write_repository`: the stored rows read FOR UPDATE, one upsert
and one delete, each inserting one audit event per changed row in the same statement;
`before` / `after` are `audit.snapshots.input_change_state_sql`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit.service import AUDIT_WHO_VALUES, who_made_it
from valuecalc_api.audit.snapshots import AUDIT_EVENT_COLUMNS, input_change_state_sql
from valuecalc_api.auth.dependencies import Principal


@dataclass(frozen=True, slots=True)
class StoredInputChange:
    """A stored change; `estimate` and `source` are what a write plan compares (an input
    value has neither)."""

    id: uuid.UUID
    input_id: uuid.UUID
    month: date
    value: Decimal
    version: int
    estimate: bool = False
    source: str | None = None


@dataclass(frozen=True, slots=True)
class InputChangeWrite:
    """One change to create or update; `id` new or stored, `before` None for a new one."""

    id: uuid.UUID
    tracker_id: uuid.UUID
    calculation_id: uuid.UUID
    input_id: uuid.UUID
    input_key: str
    month: date
    value: Decimal
    before: StoredInputChange | None


# The rows of the wanted keys (`input_id` = ANY, months in their span), filtered to the wanted
# pairs by the caller: at worst one scan of the table whatever its statistics say (right
# after a bulk load they are stale, and a per-pair join could degrade into 10,000 scans).
# FOR UPDATE is applied after ORDER BY, so rows are locked in key order: two bulk writes
# of overlapping rows wait for each other instead of deadlocking.
_EXISTING = text(
    """
    SELECT c.id, c.input_id, c.month, c.value, c.version
    FROM input_changes AS c
    WHERE c.organization_id = CAST(:organization_id AS uuid)
      AND c.input_id = ANY(CAST(:input_ids AS uuid[]))
      AND c.month BETWEEN CAST(:first AS date) AND CAST(:last AS date)
    ORDER BY c.input_id, c.month
    FOR UPDATE
    """
)


async def existing_input_changes(
    session: AsyncSession, organization_id: uuid.UUID, keys: Sequence[tuple[uuid.UUID, date]]
) -> dict[tuple[uuid.UUID, date], StoredInputChange]:
    """The stored changes of these (input, month) pairs, locked FOR UPDATE (with any
    others of those inputs between the first and last month)."""
    if not keys:
        return {}
    months = [key[1] for key in keys]
    result = await session.execute(
        _EXISTING,
        {
            "organization_id": organization_id,
            "input_ids": sorted({key[0] for key in keys}),
            "first": min(months),
            "last": max(months),
        },
    )
    wanted = set(keys)
    return {
        (row[1], row[2]): StoredInputChange(*row)
        for row in result.all()
        if (row[1], row[2]) in wanted
    }


_BEFORE = input_change_state_sql("i.before_value", "i.before_version")
_AFTER = input_change_state_sql("i.value", "coalesce(i.before_version + 1, 1)")
_REMOVED = input_change_state_sql("i.value", "i.version")

_UPSERT = text(
    f"""
    WITH incoming AS (
        SELECT * FROM unnest(
            CAST(:ids AS uuid[]), CAST(:tracker_ids AS uuid[]), CAST(:calculation_ids AS uuid[]),
            CAST(:input_ids AS uuid[]), CAST(:input_keys AS varchar[]), CAST(:months AS date[]),
            CAST(:new_values AS numeric[]), CAST(:before_values AS numeric[]),
            CAST(:before_versions AS integer[])
        ) WITH ORDINALITY AS i(
            id, tracker_id, calculation_id, input_id, input_key, month, value, before_value,
            before_version, n
        )
    ),
    written AS (
        INSERT INTO input_changes AS c (id, organization_id, input_id, month, value, version)
        SELECT i.id, CAST(:organization_id AS uuid), i.input_id, i.month, i.value, 1
        FROM incoming AS i
        ORDER BY i.input_id, i.month
        ON CONFLICT (input_id, month) DO UPDATE
        SET value = EXCLUDED.value, version = c.version + 1, updated_at = now()
        WHERE c.value IS DISTINCT FROM EXCLUDED.value
        RETURNING c.version
    ),
    audited AS (
        INSERT INTO audit_events ({AUDIT_EVENT_COLUMNS})
        SELECT gen_random_uuid(), {AUDIT_WHO_VALUES}, i.tracker_id, i.calculation_id,
               'input_change', i.id, i.month,
               CASE WHEN i.before_version IS NULL THEN 'create' ELSE 'update' END,
               CASE WHEN i.before_version IS NULL THEN NULL ELSE {_BEFORE} END,
               {_AFTER}
        FROM incoming AS i
        ORDER BY i.n
    )
    SELECT count(*), coalesce(sum(w.version), 0) FROM written AS w
    """  # noqa: S608 - the only interpolations are the constant SQL above
)


async def upsert_input_changes(
    session: AsyncSession, principal: Principal, rows: Sequence[InputChangeWrite]
) -> tuple[int, int]:
    """Write the rows (each a different input-month) and one audit event each; returns
    how many were written and the sum of their new versions (see
    `measurements.write_repository.upsert_measurements`)."""
    if not rows:
        return 0, 0
    result = await session.execute(
        _UPSERT,
        {
            **who_made_it(principal),
            "ids": [row.id for row in rows],
            "tracker_ids": [row.tracker_id for row in rows],
            "calculation_ids": [row.calculation_id for row in rows],
            "input_ids": [row.input_id for row in rows],
            "input_keys": [row.input_key for row in rows],
            "months": [row.month for row in rows],
            "new_values": [row.value for row in rows],
            "before_values": [row.before.value if row.before else None for row in rows],
            "before_versions": [row.before.version if row.before else None for row in rows],
        },
    )
    written, versions = result.one()
    return int(written), int(versions)


_DELETE = text(
    f"""
    WITH incoming AS (
        SELECT * FROM unnest(
            CAST(:ids AS uuid[]), CAST(:tracker_ids AS uuid[]), CAST(:calculation_ids AS uuid[]),
            CAST(:input_ids AS uuid[]), CAST(:input_keys AS varchar[]), CAST(:months AS date[]),
            CAST(:before_values AS numeric[]), CAST(:before_versions AS integer[])
        ) WITH ORDINALITY AS i(
            id, tracker_id, calculation_id, input_id, input_key, month, value, version, n
        )
    ),
    gone AS (
        DELETE FROM input_changes AS c
        WHERE c.organization_id = CAST(:organization_id AS uuid)
          AND c.id = ANY(CAST(:ids AS uuid[]))
        RETURNING c.id
    ),
    audited AS (
        INSERT INTO audit_events ({AUDIT_EVENT_COLUMNS})
        SELECT gen_random_uuid(), {AUDIT_WHO_VALUES}, i.tracker_id, i.calculation_id,
               'input_change', i.id, i.month, 'delete', {_REMOVED}, NULL
        FROM incoming AS i
        ORDER BY i.n
    )
    SELECT count(*) FROM gone
    """  # noqa: S608 - the only interpolations are the constant SQL above
)


async def delete_input_changes(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[tuple[uuid.UUID, uuid.UUID, str, StoredInputChange]],
) -> int:
    """Remove the stored changes, given as (tracker id, calculation id, input key, change),
    and record one audit event each; returns how many were removed."""
    if not rows:
        return 0
    removed = await session.scalar(
        _DELETE,
        {
            **who_made_it(principal),
            "ids": [row[3].id for row in rows],
            "tracker_ids": [row[0] for row in rows],
            "calculation_ids": [row[1] for row in rows],
            "input_keys": [row[2] for row in rows],
            "input_ids": [row[3].input_id for row in rows],
            "months": [row[3].month for row in rows],
            "before_values": [row[3].value for row in rows],
            "before_versions": [row[3].version for row in rows],
        },
    )
    return int(removed or 0)
