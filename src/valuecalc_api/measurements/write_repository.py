"""The statements that write measurements, one row or 10,000, each with its audit events.

The stored rows are read (and locked) first; then one upsert (`INSERT … SELECT FROM
unnest(…) ON CONFLICT … DO UPDATE … RETURNING`) and one delete, each carrying a second,
data-modifying CTE that inserts one audit event per changed row (SPEC 6: who, when,
before, after) in the same statement: no per-row ORM objects, no second round trip, no
JSON built in Python. `before` comes from the caller (the stored state it read), `after`
from the row itself; both are `audit.snapshots.measurement_state_sql`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit.service import AUDIT_WHO_VALUES, who_made_it
from valuecalc_api.audit.snapshots import AUDIT_EVENT_COLUMNS, measurement_state_sql
from valuecalc_api.auth.dependencies import Principal


# Per-row records of a 10,000-row request are named tuples: built from a database row
# or a plan in one C call, several times cheaper than frozen dataclasses.
class StoredMeasurement(NamedTuple):
    id: uuid.UUID
    calculation_id: uuid.UUID
    month: date
    value: Decimal
    estimate: bool
    source: str
    version: int


class MeasurementWrite(NamedTuple):
    """One row to create or update: `id` is the new row's (generated here) or the stored
    one's; `before` is the stored state, None for a new row."""

    id: uuid.UUID
    tracker_id: uuid.UUID
    calculation_id: uuid.UUID
    month: date
    value: Decimal
    estimate: bool
    source: str
    before: StoredMeasurement | None


# The rows of the wanted keys (`calculation_id` = ANY, months in their span), filtered to the wanted
# pairs by the caller: at worst one scan of the table whatever its statistics say (right
# after a bulk load they are stale, and a per-pair join could degrade into 10,000 scans).
# FOR UPDATE is applied after ORDER BY, so rows are locked in key order: two bulk writes
# of overlapping rows wait for each other instead of deadlocking.
_EXISTING = text(
    """
    SELECT m.id, m.calculation_id, m.month, m.value, m.estimate, m.source, m.version
    FROM measurements AS m
    WHERE m.organization_id = CAST(:organization_id AS uuid)
      AND m.calculation_id = ANY(CAST(:calculation_ids AS uuid[]))
      AND m.month BETWEEN CAST(:first AS date) AND CAST(:last AS date)
    ORDER BY m.calculation_id, m.month
    FOR UPDATE
    """
)


async def existing_measurements(
    session: AsyncSession,
    organization_id: uuid.UUID,
    keys: Sequence[tuple[uuid.UUID, date]],
) -> dict[tuple[uuid.UUID, date], StoredMeasurement]:
    """The stored measurements of these (calculation, month) pairs, locked FOR UPDATE
    (with any others of those calculations between the first and last month)."""
    if not keys:
        return {}
    months = [key[1] for key in keys]
    result = await session.execute(
        _EXISTING,
        {
            "organization_id": organization_id,
            "calculation_ids": sorted({key[0] for key in keys}),
            "first": min(months),
            "last": max(months),
        },
    )
    wanted = set(keys)
    stored = map(StoredMeasurement._make, result)
    return {key: row for row in stored if (key := (row.calculation_id, row.month)) in wanted}


_BEFORE = measurement_state_sql(
    "i.before_value", "i.before_estimate", "i.before_source", "i.before_version"
)
_AFTER = measurement_state_sql(
    "i.value", "i.estimate", "i.source", "coalesce(i.before_version + 1, 1)"
)
_REMOVED = measurement_state_sql("i.value", "i.estimate", "i.source", "i.version")

# The rows travel as arrays, with their stored state (`before_*`, null for a new row):
# the audit events are built from the same arrays, so the statement joins nothing
# (a join between two CTEs has no index and no statistics: quadratic at 10,000 rows).
# The stored state is not read back from `measurements` inside the statement: with few
# rows in the table's statistics the planner would scan the table once per row, through
# the versions the statement itself just wrote.
_UPSERT = text(
    f"""
    WITH incoming AS (
        SELECT * FROM unnest(
            CAST(:ids AS uuid[]), CAST(:tracker_ids AS uuid[]), CAST(:calculation_ids AS uuid[]),
            CAST(:months AS date[]), CAST(:measured AS numeric[]),
            CAST(:estimates AS boolean[]), CAST(:sources AS varchar[]),
            CAST(:before_values AS numeric[]), CAST(:before_estimates AS boolean[]),
            CAST(:before_sources AS varchar[]), CAST(:before_versions AS integer[])
        ) WITH ORDINALITY AS i(
            id, tracker_id, calculation_id, month, value, estimate, source,
            before_value, before_estimate, before_source, before_version, n
        )
    ),
    written AS (
        INSERT INTO measurements AS m (
            id, organization_id, calculation_id, month, value, estimate, source, version
        )
        SELECT i.id, CAST(:organization_id AS uuid), i.calculation_id, i.month,
               i.value, i.estimate, i.source, 1
        FROM incoming AS i
        ORDER BY i.calculation_id, i.month
        ON CONFLICT (calculation_id, month) DO UPDATE
        SET value = EXCLUDED.value, estimate = EXCLUDED.estimate, source = EXCLUDED.source,
            version = m.version + 1, updated_at = now()
        WHERE (m.value, m.estimate, m.source)
              IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.estimate, EXCLUDED.source)
        RETURNING m.version
    ),
    audited AS (
        INSERT INTO audit_events ({AUDIT_EVENT_COLUMNS})
        SELECT gen_random_uuid(), {AUDIT_WHO_VALUES}, i.tracker_id, i.calculation_id,
               'measurement', i.id, i.month,
               CASE WHEN i.before_version IS NULL THEN 'create' ELSE 'update' END,
               CASE WHEN i.before_version IS NULL THEN NULL ELSE {_BEFORE} END,
               {_AFTER}
        FROM incoming AS i
        ORDER BY i.n
    )
    SELECT count(*), coalesce(sum(w.version), 0) FROM written AS w
    """  # noqa: S608 - the only interpolations are the constant SQL above
)


# The rows of a statement (10,000 at most, a few hundred bytes each with their stored
# state) are held twice: the `incoming` CTE's tuplestore, read by both data-modifying
# CTEs, and the sort that gives audit events their request order. With the default
# 4 MB of work_mem both spill to temporary files; for this transaction they need not.
_ROOM_FOR_THE_ROWS = text("SET LOCAL work_mem = '32MB'")


async def make_room_for_rows(session: AsyncSession) -> None:
    """Give this transaction's bulk statements the memory above; call before
    `upsert_measurements` (a round trip of its own, so that the upsert goes out as soon as
    it is started)."""
    await session.execute(_ROOM_FOR_THE_ROWS)


async def upsert_measurements(
    session: AsyncSession, principal: Principal, rows: Sequence[MeasurementWrite]
) -> tuple[int, int]:
    """Write the rows (each a different calculation-month) and one audit event each;
    returns how many rows were written and the sum of their new versions. A write of many
    rows calls `make_room_for_rows` first.

    The caller checks both against its plan (`planned_versions`). Every surprise shows:
    a row someone else created meanwhile is updated instead (version above 1), a row
    someone else set to the same value is not written (one row fewer); versions never
    come out lower than planned, so equal count and sum mean every row is as planned."""
    if not rows:
        return 0, 0
    result = await session.execute(
        _UPSERT,
        {
            **who_made_it(principal),
            "ids": [row.id for row in rows],
            "tracker_ids": [row.tracker_id for row in rows],
            "calculation_ids": [row.calculation_id for row in rows],
            "months": [row.month for row in rows],
            "measured": [row.value for row in rows],
            "estimates": [row.estimate for row in rows],
            "sources": [row.source for row in rows],
            "before_values": [row.before.value if row.before else None for row in rows],
            "before_estimates": [row.before.estimate if row.before else None for row in rows],
            "before_sources": [row.before.source if row.before else None for row in rows],
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
            CAST(:months AS date[]), CAST(:before_values AS numeric[]),
            CAST(:before_estimates AS boolean[]), CAST(:before_sources AS varchar[]),
            CAST(:before_versions AS integer[])
        ) WITH ORDINALITY AS i(
            id, tracker_id, calculation_id, month, value, estimate, source, version, n
        )
    ),
    gone AS (
        DELETE FROM measurements AS m
        WHERE m.organization_id = CAST(:organization_id AS uuid)
          AND m.id = ANY(CAST(:ids AS uuid[]))
        RETURNING m.id
    ),
    audited AS (
        INSERT INTO audit_events ({AUDIT_EVENT_COLUMNS})
        SELECT gen_random_uuid(), {AUDIT_WHO_VALUES}, i.tracker_id, i.calculation_id,
               'measurement', i.id, i.month, 'delete', {_REMOVED}, NULL
        FROM incoming AS i
        ORDER BY i.n
    )
    SELECT count(*) FROM gone
    """  # noqa: S608 - the only interpolations are the constant SQL above
)


async def delete_measurements(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[tuple[uuid.UUID, StoredMeasurement]],
) -> int:
    """Remove the stored measurements (each with its tracker id) and record one audit
    event each; returns how many were removed."""
    if not rows:
        return 0
    removed = await session.scalar(
        _DELETE,
        {
            **who_made_it(principal),
            "ids": [stored.id for _, stored in rows],
            "tracker_ids": [tracker_id for tracker_id, _ in rows],
            "calculation_ids": [stored.calculation_id for _, stored in rows],
            "months": [stored.month for _, stored in rows],
            "before_values": [stored.value for _, stored in rows],
            "before_estimates": [stored.estimate for _, stored in rows],
            "before_sources": [stored.source for _, stored in rows],
            "before_versions": [stored.version for _, stored in rows],
        },
    )
    return int(removed or 0)
