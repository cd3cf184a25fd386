"""Month-lock endpoints: anyone may read a tracker's lock; only an admin may change it."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from valuecalc_api.auth.dependencies import AdminDep, PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.locks import service
from valuecalc_api.locks.schemas import LockIn, LockOut
from valuecalc_api.models.lock import TrackerLock
from valuecalc_api.problem_refs import problem_doc

router = APIRouter(tags=["locks"])


def _out(tracker_id: uuid.UUID, lock: TrackerLock | None) -> LockOut:
    if lock is None:
        return LockOut(
            tracker_id=tracker_id, locked_through=None, locked_by_key_id=None, locked_at=None
        )
    return LockOut.model_validate(lock)


@router.get("/trackers/{tracker_id}/lock", response_model=LockOut)
async def get_lock(tracker_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> LockOut:
    """The tracker's month lock (`locked_through` null when nothing is locked)."""
    return _out(tracker_id, await service.get_lock(session, principal, tracker_id))


@router.put("/trackers/{tracker_id}/lock", response_model=LockOut)
async def set_lock(
    tracker_id: uuid.UUID, body: LockIn, principal: AdminDep, session: SessionDep
) -> LockOut:
    """Lock the tracker through a month (admin). Edits to months up to it are refused with 423
    until an admin moves the lock earlier or removes it."""
    return _out(tracker_id, await service.set_lock(session, principal, tracker_id, body.through))


@router.delete(
    "/trackers/{tracker_id}/lock",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        404: problem_doc(
            "`not-found`: no such tracker in your organization; `not-locked`: the tracker "
            "has no lock to remove.",
            "not-locked",
        )
    },
)
async def remove_lock(tracker_id: uuid.UUID, principal: AdminDep, session: SessionDep) -> Response:
    """Remove the lock (admin): every month can be edited again."""
    await service.remove_lock(session, principal, tracker_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
