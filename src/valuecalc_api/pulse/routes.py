"""HTTP endpoints of the pulse: reason codes, a customer's pulses (SPEC 5, 6).

Any key that sees the customer may read; recording needs an editor or admin key; the
reason code list needs a key for the whole organization to change.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.customers.service import get_customer
from valuecalc_api.db import SessionDep
from valuecalc_api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    page_of,
    position_after,
)
from valuecalc_api.problem_refs import problem_doc
from valuecalc_api.pulse import repository, service
from valuecalc_api.pulse.schemas import (
    PulseCreate,
    PulseOut,
    ReasonCodeCreate,
    ReasonCodeOut,
    ReasonCodePatch,
)

router = APIRouter(tags=["pulse"])

_WHOLE_ORGANIZATION = problem_doc(
    "`forbidden`: a viewer key, or a key limited to some trackers.",
    "read-only-key",
    "tracker-limited-key",
)


@router.post(
    "/pulse-reason-codes",
    response_model=ReasonCodeOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        403: _WHOLE_ORGANIZATION,
        409: problem_doc("`reason-code-taken`: the code exists.", "reason-code-taken"),
    },
)
async def create_pulse_reason_code(
    body: ReasonCodeCreate, principal: EditorDep, session: SessionDep
) -> ReasonCodeOut:
    """Add a risk or success reason code (with category and subcategory) to the list."""
    code = await service.create_reason_code(session, principal, body)
    return ReasonCodeOut.model_validate(code)


@router.get("/pulse-reason-codes", response_model=Page[ReasonCodeOut])
async def list_pulse_reason_codes(
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[ReasonCodeOut]:
    """The organization's reason codes (risk and success, retired ones too), oldest first."""
    found = await repository.list_reason_codes(
        session, principal.organization_id, limit=limit + 1, after=position_after(cursor)
    )
    return page_of(found, limit, ReasonCodeOut.model_validate)


@router.patch(
    "/pulse-reason-codes/{reason_code_id}",
    response_model=ReasonCodeOut,
    responses={403: _WHOLE_ORGANIZATION},
)
async def change_pulse_reason_code(
    reason_code_id: uuid.UUID, body: ReasonCodePatch, principal: EditorDep, session: SessionDep
) -> ReasonCodeOut:
    """Relabel, recategorize or retire (`active: false`) a reason code."""
    code = await service.change_reason_code(session, principal, reason_code_id, body)
    return ReasonCodeOut.model_validate(code)


@router.post(
    "/customers/{customer_id}/pulses",
    response_model=PulseOut,
    status_code=status.HTTP_201_CREATED,
)
async def record_customer_pulse(
    customer_id: uuid.UUID, body: PulseCreate, principal: EditorDep, session: SessionDep
) -> PulseOut:
    """Record the CSM's red / yellow / green with reason codes and a comment; 422 names a
    reason code that is not an active one of the organization's list."""
    pulse = await service.record_pulse(session, principal, customer_id, body)
    return service.pulse_out(pulse)


@router.get("/customers/{customer_id}/pulses", response_model=Page[PulseOut])
async def list_customer_pulses(
    customer_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[PulseOut]:
    """The customer's pulse history, oldest first."""
    await get_customer(session, principal, customer_id)
    found = await repository.pulses_of_customer(
        session,
        principal.organization_id,
        customer_id,
        limit=limit + 1,
        after=position_after(cursor),
    )
    return page_of(found, limit, service.pulse_out)
