"""History endpoints: a tracker's audit trail and one measurement's changes (SPEC 6).

Read-only on purpose: audit rows have no update or delete endpoint. Any role may read
the history of a tracker it can see; a deleted tracker's history stays readable.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from valuecalc_api.audit import repository
from valuecalc_api.audit.history_pages import (
    ActorQuery,
    actor_filter,
    decode_cursor,
    history_page,
)
from valuecalc_api.audit.repository import HistoryFilter
from valuecalc_api.audit.schemas import AuditEventOut
from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from valuecalc_api.problems import invalid, not_found
from valuecalc_api.schema_types import MONTH_PARAMETER, month_param

router = APIRouter(tags=["history"])


def _iso_only(value: Any) -> Any:
    # Pydantic would also read a bare number as a Unix time ("0.5"): not a documented form.
    if isinstance(value, str) and not _ISO_DATETIME.match(value):
        raise PydanticCustomError(
            "datetime_format", "an ISO 8601 date-time is expected, e.g. 2026-03-01T00:00:00Z."
        )
    return value


_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]")
IsoDatetime = Annotated[datetime, BeforeValidator(_iso_only)]


def _check_window(since: datetime | None, until: datetime | None) -> None:
    errors = [
        {"field": name, "code": "naive_datetime", "message": f"{name} needs a time zone (e.g. Z)."}
        for name, value in (("since", since), ("until", until))
        if value is not None and value.tzinfo is None
    ]
    if errors:
        raise invalid(errors)


@router.get("/trackers/{tracker_id}/history", response_model=Page[AuditEventOut])
async def tracker_history(
    tracker_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    entity_type: AuditEntity | None = None,
    entity_id: uuid.UUID | None = None,
    calculation_id: uuid.UUID | None = None,
    action: AuditAction | None = None,
    month: Annotated[
        str | None,
        Query(
            json_schema_extra=MONTH_PARAMETER,
            description="Only changes to this month, YYYY-MM.",
            examples=["2026-03"],
        ),
    ] = None,
    since: Annotated[
        IsoDatetime | None, Query(description="From this time (inclusive), ISO 8601.")
    ] = None,
    until: Annotated[
        IsoDatetime | None, Query(description="Before this time (exclusive), ISO 8601.")
    ] = None,
    actor: ActorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[AuditEventOut]:
    """Every recorded change to the tracker and what it contains, newest first."""
    principal.check_tracker(tracker_id)
    _check_window(since, until)
    before = decode_cursor(cursor) if cursor is not None else None
    if not await repository.tracker_known(session, principal.organization_id, tracker_id):
        raise not_found("tracker")
    where = HistoryFilter(
        entity_type=entity_type,
        entity_id=entity_id,
        calculation_id=calculation_id,
        action=action.value if action is not None else None,
        month=month_param(month) if month is not None else None,
        since=since,
        until=until,
        actor_id=actor_filter(actor),
    )
    events = await repository.list_events(
        session, principal.organization_id, tracker_id, where, limit=limit + 1, before=before
    )
    return history_page(list(events), limit)


@router.get(
    "/calculations/{calculation_id}/measurements/{month}/history",
    response_model=Page[AuditEventOut],
)
async def measurement_history(
    calculation_id: uuid.UUID,
    month: Annotated[
        str,
        Path(json_schema_extra=MONTH_PARAMETER, description="The measurement's month, YYYY-MM."),
    ],
    principal: PrincipalDep,
    session: SessionDep,
    actor: ActorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[AuditEventOut]:
    """Every change to one month's measurement of a calculation, newest first."""
    before = decode_cursor(cursor) if cursor is not None else None
    tracker_id = await repository.tracker_of_calculation(
        session, principal.organization_id, calculation_id
    )
    if tracker_id is None or not principal.can_see_tracker(tracker_id):
        raise not_found("calculation")
    where = HistoryFilter(
        entity_type=AuditEntity.measurement,
        calculation_id=calculation_id,
        month=month_param(month),
        actor_id=actor_filter(actor),
    )
    events = await repository.list_events(
        session, principal.organization_id, tracker_id, where, limit=limit + 1, before=before
    )
    return history_page(list(events), limit)
