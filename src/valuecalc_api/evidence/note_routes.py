"""Note endpoints: write and list the notes of a calculation-month, edit or delete one.

Any editor of the organization may edit or delete a note; the audit trail keeps who
wrote what. Writes into a locked month are refused (423).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.evidence import notes, repository, service
from valuecalc_api.evidence.schemas import NoteIn, NoteOut
from valuecalc_api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    decode_cursor,
    encode_cursor,
)
from valuecalc_api.problem_refs import problem_doc
from valuecalc_api.schema_types import MONTH_PARAMETER, month_param

router = APIRouter(tags=["notes"])
_LOCKED = problem_doc("`month-locked`: the note's month is locked.", "month-locked")

MonthPath = Annotated[
    str,
    Path(
        json_schema_extra=MONTH_PARAMETER,
        description="The calculation-month, YYYY-MM.",
        examples=["2026-03"],
    ),
]


@router.post(
    "/calculations/{calculation_id}/months/{month}/notes",
    response_model=NoteOut,
    status_code=status.HTTP_201_CREATED,
    responses={423: _LOCKED},
)
async def add_note(
    calculation_id: uuid.UUID,
    month: MonthPath,
    body: NoteIn,
    principal: EditorDep,
    session: SessionDep,
) -> NoteOut:
    """Write a note on a calculation-month ("Estimated from the Q2 trend")."""
    the_month = month_param(month)
    scope = await service.calculation_month(session, principal, calculation_id, the_month)
    note = await notes.add_note(session, principal, scope, the_month, body.text)
    return NoteOut.model_validate(note)


@router.get("/calculations/{calculation_id}/months/{month}/notes", response_model=Page[NoteOut])
async def list_notes(
    calculation_id: uuid.UUID,
    month: MonthPath,
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[NoteOut]:
    """The notes of one calculation-month, oldest first."""
    the_month = month_param(month)
    after = decode_cursor(cursor) if cursor is not None else None
    await service.visible_calculation(session, principal, calculation_id)
    rows = await repository.list_notes(
        session, principal.organization_id, calculation_id, the_month, limit=limit + 1, after=after
    )
    shown = rows[:limit]
    next_cursor = encode_cursor(shown[-1].created_at, shown[-1].id) if len(rows) > limit else None
    return Page[NoteOut](
        items=[NoteOut.model_validate(row) for row in shown], next_cursor=next_cursor
    )


@router.get("/notes/{note_id}", response_model=NoteOut)
async def get_note(note_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> NoteOut:
    """One note on a calculation-month."""
    return NoteOut.model_validate(await notes.visible_note(session, principal, note_id))


@router.patch("/notes/{note_id}", response_model=NoteOut, responses={423: _LOCKED})
async def edit_note(
    note_id: uuid.UUID, body: NoteIn, principal: EditorDep, session: SessionDep
) -> NoteOut:
    """Replace a note's text."""
    return NoteOut.model_validate(await notes.edit_note(session, principal, note_id, body.text))


@router.delete("/notes/{note_id}", status_code=status.HTTP_204_NO_CONTENT, responses={423: _LOCKED})
async def delete_note(note_id: uuid.UUID, principal: EditorDep, session: SessionDep) -> Response:
    """Delete a note (refused in a locked month)."""
    await notes.delete_note(session, principal, note_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
