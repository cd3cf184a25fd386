"""HTTP endpoints of trackers and their use cases (SPEC 3, 6).

Reads need any key of the organization; writes need editor or admin. Another
organization's tracker, or one outside a tracker-limited key, answers 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.if_match import IfMatchHeader, etag_for
from valuecalc_api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    page_of,
    position_after,
)
from valuecalc_api.problem_refs import ETAG, problem_doc
from valuecalc_api.trackers import repository, service
from valuecalc_api.trackers.schemas import (
    TrackerCreate,
    TrackerOut,
    TrackerPatch,
    UseCaseCreate,
    UseCaseOut,
    UseCasePatch,
)

router = APIRouter(tags=["trackers"])

_LOCKED = problem_doc(
    "`month-locked`: the change would alter months up to the tracker's lock.", "month-locked"
)
_HAS_MEASUREMENTS = (
    "`has-measurements`: delete its measurements first (or set the use case inactive)."
)
_WHOLE_ORGANIZATION = problem_doc(
    "`forbidden`: a viewer key, or a key limited to some trackers (this needs a key for the "
    "whole organization).",
    "read-only-key",
    "tracker-limited-key",
)


@router.get("/trackers", response_model=Page[TrackerOut])
async def list_trackers(
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    customer_id: Annotated[uuid.UUID | None, Query(description="Only this customer's.")] = None,
) -> Page[TrackerOut]:
    """Trackers, oldest first; a tracker-limited key lists only its trackers."""
    trackers = await repository.list_trackers(
        session,
        principal.organization_id,
        limit=limit + 1,
        after=position_after(cursor),
        customer_id=customer_id,
        visible_tracker_ids=principal.tracker_ids,
    )
    return page_of(trackers, limit, TrackerOut.model_validate)


@router.post(
    "/trackers",
    response_model=TrackerOut,
    status_code=status.HTTP_201_CREATED,
    responses={201: ETAG, 403: _WHOLE_ORGANIZATION},
)
async def create_tracker(
    body: TrackerCreate, principal: EditorDep, session: SessionDep, response: Response
) -> TrackerOut:
    """Create a tracker for a customer; 422 names every invalid field at once."""
    tracker = await service.create_tracker(session, principal, body)
    response.headers["ETag"] = etag_for(tracker.id, tracker.version)
    return TrackerOut.model_validate(tracker)


@router.get("/trackers/{tracker_id}", response_model=TrackerOut, responses={200: ETAG})
async def get_tracker(
    tracker_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, response: Response
) -> TrackerOut:
    """The tracker, with its `ETag` for a later `If-Match`."""
    tracker = await service.get_tracker(session, principal, tracker_id)
    response.headers["ETag"] = etag_for(tracker.id, tracker.version)
    return TrackerOut.model_validate(tracker)


@router.patch(
    "/trackers/{tracker_id}",
    response_model=TrackerOut,
    responses={
        200: ETAG,
        409: problem_doc(
            "`currency-locked`: calculations give benefits in the tracker's currency; "
            "`period-excludes-data`: the new period would leave data outside the contract.",
            "currency-locked",
            "period-excludes-data",
        ),
        423: _LOCKED,
    },
)
async def update_tracker(
    tracker_id: uuid.UUID,
    body: TrackerPatch,
    principal: EditorDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> TrackerOut:
    """Change a tracker; `version` goes up by one. With `If-Match`, 412 if it changed since."""
    tracker = await service.update_tracker(session, principal, tracker_id, body, if_match)
    response.headers["ETag"] = etag_for(tracker.id, tracker.version)
    return TrackerOut.model_validate(tracker)


@router.delete(
    "/trackers/{tracker_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        409: problem_doc(_HAS_MEASUREMENTS, "has-measurements"),
        423: _LOCKED,
        428: problem_doc("`precondition-required`: send `If-Match`.", "if-match-required"),
    },
)
async def delete_tracker(
    tracker_id: uuid.UUID, principal: EditorDep, session: SessionDep, if_match: IfMatchHeader = None
) -> Response:
    """Delete a tracker with its use cases and calculations; 409 while it has measurements.
    Send `If-Match` with its ETag (428 without, 412 if it changed since)."""
    await service.delete_tracker(session, principal, tracker_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/trackers/{tracker_id}/use-cases", response_model=Page[UseCaseOut])
async def list_use_cases(
    tracker_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[UseCaseOut]:
    """The tracker's use cases in creation order; sort by `position` for display."""
    tracker = await service.get_tracker(session, principal, tracker_id)
    use_cases = await repository.list_use_cases(
        session,
        principal.organization_id,
        tracker.id,
        limit=limit + 1,
        after=position_after(cursor),
    )
    return page_of(use_cases, limit, UseCaseOut.model_validate)


@router.post(
    "/trackers/{tracker_id}/use-cases",
    response_model=UseCaseOut,
    status_code=status.HTTP_201_CREATED,
)
async def create_use_case(
    tracker_id: uuid.UUID, body: UseCaseCreate, principal: EditorDep, session: SessionDep
) -> UseCaseOut:
    """Add a use case to a tracker (created as `draft`: it counts in reports once `active`)."""
    use_case = await service.create_use_case(session, principal, tracker_id, body)
    return UseCaseOut.model_validate(use_case)


@router.get("/use-cases/{use_case_id}", response_model=UseCaseOut)
async def get_use_case(
    use_case_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> UseCaseOut:
    """One use case with its status and description."""
    use_case = await service.get_use_case(session, principal, use_case_id)
    return UseCaseOut.model_validate(use_case)


@router.patch("/use-cases/{use_case_id}", response_model=UseCaseOut, responses={423: _LOCKED})
async def update_use_case(
    use_case_id: uuid.UUID, body: UseCasePatch, principal: EditorDep, session: SessionDep
) -> UseCaseOut:
    """Rename, describe, reorder or change the status (`draft`, `active`, `inactive`)."""
    use_case = await service.update_use_case(session, principal, use_case_id, body)
    return UseCaseOut.model_validate(use_case)


@router.delete(
    "/use-cases/{use_case_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={409: problem_doc(_HAS_MEASUREMENTS, "use-case-has-measurements"), 423: _LOCKED},
)
async def delete_use_case(
    use_case_id: uuid.UUID, principal: EditorDep, session: SessionDep
) -> Response:
    """Delete a use case with its calculations; 409 while it has measurements."""
    await service.delete_use_case(session, principal, use_case_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
