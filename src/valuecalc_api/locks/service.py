"""Month locks: refusing writes into locked months, and moving or removing a lock.

A lock "through M" locks every month up to and including M, so it is a prefix of the
calendar: a change that affects months m, m+1, … (a measurement or input value carried
forward, a formula that applies to every month) is refused exactly when its first
affected month is locked. Callers pass the months they write; for "every month of the
contract" pass the tracker's `start_month`.

Concurrency: writers hold a shared advisory lock on the tracker until they commit and
read the lock row `FOR SHARE`; a lock change holds the exclusive one. So a lock change
waits for writes in flight, and a write that starts meanwhile waits and then sees the
new lock: no write can land in a month locked before it committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit import service as audit
from valuecalc_api.audit.json_values import snapshot
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.locks import repository
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.models.lock import TrackerLock
from valuecalc_api.problems import Problem, invalid, not_found
from valuecalc_core.months import Month

_SHOWN_MONTHS = 12


def month_locked(tracker_id: uuid.UUID, locked_through: Month, refused: list[Month]) -> Problem:
    """423 naming the lock and the months the write would have changed."""
    shown = ", ".join(str(month) for month in refused[:_SHOWN_MONTHS])
    if len(refused) > _SHOWN_MONTHS:
        shown += f" and {len(refused) - _SHOWN_MONTHS} more"
    return Problem(
        423,
        "month-locked",
        f"This tracker is locked through {locked_through}: {shown} cannot be changed "
        "until an admin moves or removes the lock.",
        title="Month locked",
        extra={
            "tracker_id": str(tracker_id),
            "locked_through": str(locked_through),
            "locked_months": [str(month) for month in refused],
        },
    )


async def ensure_unlocked(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_id: uuid.UUID,
    months: Iterable[Month],
) -> None:
    """Raise 423 `month-locked` if any of `months` is locked; call before writing them.

    Keeps the tracker's lock state fixed until the caller's transaction ends.
    """
    wanted = sorted(set(months))
    if not wanted:
        return
    locked_through = await _held_lock(session, organization_id, tracker_id)
    if locked_through is None:
        return
    refused = [month for month in wanted if month <= locked_through]
    if refused:
        raise month_locked(tracker_id, locked_through, refused)


async def ensure_unlocked_from(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID, first: Month
) -> None:
    """`ensure_unlocked` for a change to every month from `first` on (a formula, a fee, a
    contract term): the 423 then names each locked month the change would alter."""
    locked_through = await _held_lock(session, organization_id, tracker_id)
    if locked_through is not None and first <= locked_through:
        refused = [Month(ordinal) for ordinal in range(first.ordinal, locked_through.ordinal + 1)]
        raise month_locked(tracker_id, locked_through, refused)


async def _held_lock(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> Month | None:
    """The tracker's last locked month, held fixed until the caller's transaction ends."""
    await repository.hold_lock_state_shared(session, tracker_id)
    lock = await repository.get_lock(session, organization_id, tracker_id, for_share=True)
    return lock.locked_through if lock is not None else None


async def locked_through(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> Month | None:
    """The last locked month of a tracker, None if it has no lock (for reads; takes no lock)."""
    lock = await repository.get_lock(session, organization_id, tracker_id)
    return lock.locked_through if lock is not None else None


async def _visible_tracker_start(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID, *, to_change: bool = False
) -> Month:
    """The tracker's first month; 404 if the caller cannot see it. `to_change` first takes
    the exclusive lock state (waiting for writes in flight), then keeps the tracker from
    being deleted until commit."""
    principal.check_tracker(tracker_id)
    if to_change:
        await repository.hold_lock_state_exclusive(session, tracker_id)
    tracker = await repository.get_tracker(
        session, principal.organization_id, tracker_id, key_share=to_change
    )
    if tracker is None:
        raise not_found("tracker")
    return tracker.start_month


async def get_lock(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID
) -> TrackerLock | None:
    await _visible_tracker_start(session, principal, tracker_id)
    return await repository.get_lock(session, principal.organization_id, tracker_id)


async def set_lock(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID, through: Month
) -> TrackerLock:
    """Lock the tracker through `through`; moving it earlier unlocks the later months.

    Recorded as `lock` when it locks more months than before, `unlock` when fewer;
    setting the same month again changes nothing and records nothing.
    """
    start_month = await _visible_tracker_start(session, principal, tracker_id, to_change=True)
    if through < start_month:
        raise invalid(
            [
                {
                    "field": "through",
                    "code": "before_contract_start",
                    "message": f"The contract starts in {start_month}: a lock through "
                    f"{through} would lock nothing.",
                }
            ]
        )
    lock = await repository.get_lock(
        session, principal.organization_id, tracker_id, for_update=True
    )
    if lock is not None and lock.locked_through == through:
        return lock
    before = snapshot(lock) if lock is not None else None
    action = (
        AuditAction.unlock
        if lock is not None and through < lock.locked_through
        else AuditAction.lock
    )
    if lock is None:
        lock = TrackerLock(
            tracker_id=tracker_id,
            organization_id=principal.organization_id,
            locked_through=through,
            locked_by_key_id=principal.key_id,
        )
        session.add(lock)
    else:
        lock.locked_through = through
        lock.locked_by_key_id = principal.key_id
        lock.locked_at = func.now()  # SQL expression, evaluated on flush
    await session.flush()
    await session.refresh(lock)
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.lock,
        entity_id=tracker_id,
        tracker_id=tracker_id,
        action=action,
        before=before,
        after=snapshot(lock),
        month=through,
    )
    return lock


async def remove_lock(session: AsyncSession, principal: Principal, tracker_id: uuid.UUID) -> None:
    """Unlock every month of the tracker; 404 if it has no lock."""
    await _visible_tracker_start(session, principal, tracker_id, to_change=True)
    lock = await repository.get_lock(
        session, principal.organization_id, tracker_id, for_update=True
    )
    if lock is None:
        raise Problem(404, "not-locked", "This tracker has no month lock to remove.")
    before = snapshot(lock)
    await repository.delete_lock(session, lock)
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.lock,
        entity_id=tracker_id,
        tracker_id=tracker_id,
        action=AuditAction.unlock,
        before=before,
        after=None,
        month=lock.locked_through,
    )
