"""Every query about month locks, including the transaction-scoped advisory locks that keep
a lock change and a write to the same tracker from interleaving."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Uuid, any_, bindparam, delete, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.lock import TrackerLock
from valuecalc_api.models.tracker import Tracker
from valuecalc_core.months import Month

# First key of PostgreSQL's two-key advisory locks: the ASCII of "lock", so these never
# collide with another feature's advisory locks. The second key is 32 bits of the tracker
# id; two trackers sharing it only wait for each other, never see each other's lock.
ADVISORY_NAMESPACE = 0x6C6F636B


def advisory_key(tracker_id: uuid.UUID) -> int:
    """The second key of a tracker's lock-state advisory lock (also taken by bulk writes)."""
    return int.from_bytes(tracker_id.bytes[:4], "big", signed=True)


async def hold_lock_state_shared(session: AsyncSession, tracker_id: uuid.UUID) -> None:
    """Writers: until commit, no lock change on this tracker can start (others may write)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock_shared(:namespace, :key)"),
        {"namespace": ADVISORY_NAMESPACE, "key": advisory_key(tracker_id)},
    )


async def hold_lock_state_exclusive(session: AsyncSession, tracker_id: uuid.UUID) -> None:
    """Lock changes: wait for writes in flight on this tracker, keep new ones out until commit."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
        {"namespace": ADVISORY_NAMESPACE, "key": advisory_key(tracker_id)},
    )


async def get_tracker(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_id: uuid.UUID,
    *,
    key_share: bool = False,
) -> Tracker | None:
    """The tracker; `key_share` keeps it from being deleted until commit (FOR KEY SHARE,
    which tracker updates, taking FOR NO KEY UPDATE, do not wait for)."""
    query = select(Tracker).where(
        Tracker.organization_id == organization_id, Tracker.id == tracker_id
    )
    if key_share:
        query = query.with_for_update(read=True, key_share=True)
    return await session.scalar(query)


async def get_lock(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_id: uuid.UUID,
    *,
    for_share: bool = False,
    for_update: bool = False,
) -> TrackerLock | None:
    query = select(TrackerLock).where(
        TrackerLock.organization_id == organization_id, TrackerLock.tracker_id == tracker_id
    )
    if for_share:
        query = query.with_for_update(read=True)
    elif for_update:
        query = query.with_for_update()
    # populate_existing: a row already in the session is refreshed from this read.
    return await session.scalar(query.execution_options(populate_existing=True))


async def delete_lock(session: AsyncSession, lock: TrackerLock) -> None:
    await session.execute(delete(TrackerLock).where(TrackerLock.tracker_id == lock.tracker_id))


_HOLD_LOCK_STATES_SHARED = text(
    """
    SELECT count(pg_advisory_xact_lock_shared(CAST(:namespace AS integer), k))
    FROM (SELECT DISTINCT k FROM unnest(CAST(:keys AS integer[])) AS k ORDER BY k) AS keys
    """
)


async def held_locks(
    session: AsyncSession, organization_id: uuid.UUID, tracker_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Month]:
    """The last locked month of each of the trackers that has a lock, held fixed until the
    transaction ends: each tracker's lock state held shared (`hold_lock_state_shared` for
    many trackers in one statement, keys in order), then the lock rows read FOR SHARE."""
    if not tracker_ids:
        return {}
    await session.execute(
        _HOLD_LOCK_STATES_SHARED,
        {
            "namespace": ADVISORY_NAMESPACE,
            "keys": [advisory_key(tracker_id) for tracker_id in tracker_ids],
        },
    )
    query = (
        select(TrackerLock.tracker_id, TrackerLock.locked_through)
        .where(
            TrackerLock.organization_id == organization_id,
            TrackerLock.tracker_id
            == any_(bindparam("tracker_ids", list(tracker_ids), type_=ARRAY(Uuid()))),
        )
        .with_for_update(read=True)
    )
    return {row[0]: row[1] for row in (await session.execute(query)).all()}
