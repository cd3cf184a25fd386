"""HTTP endpoints of benefit calculations (SPEC 3 "Benefit calculation", "Formula").

An invalid formula answers 422 with an `errors` item `{"field": "formula", "code",
"message", "position"}`; `position` is the 0-based character offset of the problem.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.calculations import service as service
from valuecalc_api.calculations.schemas import (
    CalculationCreate,
    CalculationOut,
    CalculationPatch,
)
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

router = APIRouter(tags=["calculations"])

_KEY_TAKEN = problem_doc(
    "`calculation-key-taken`: another calculation of the tracker has this `key`.",
    "calculation-key-taken",
)
_INVALID = problem_doc(
    "`validation-error`: `errors` names every bad field at once; a `formula` item has the "
    "`position` of the problem.",
    "formula-invalid",
)
_LOCKED = problem_doc(
    "`month-locked`: the change would alter numbers of months up to the tracker's lock.",
    "month-locked",
)


@router.get("/use-cases/{use_case_id}/calculations", response_model=Page[CalculationOut])
async def list_calculations(
    use_case_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[CalculationOut]:
    """The use case's calculations, oldest first."""
    calculations = await service.list_calculations(
        session, principal, use_case_id, limit=limit + 1, after=position_after(cursor)
    )
    return page_of(calculations, limit, service.calculation_out)


@router.post(
    "/use-cases/{use_case_id}/calculations",
    response_model=CalculationOut,
    status_code=status.HTTP_201_CREATED,
    responses={201: ETAG, 409: _KEY_TAKEN, 422: _INVALID, 423: _LOCKED},
)
async def create_calculation(
    use_case_id: uuid.UUID,
    body: CalculationCreate,
    principal: EditorDep,
    session: SessionDep,
    response: Response,
) -> CalculationOut:
    """Create a calculation with its metric, inputs (initial values), formula and ramp."""
    calculation = await service.create_calculation(session, principal, use_case_id, body)
    response.headers["ETag"] = etag_for(calculation.id, calculation.version)
    return service.calculation_out(calculation)


@router.get("/calculations/{calculation_id}", response_model=CalculationOut, responses={200: ETAG})
async def get_calculation(
    calculation_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, response: Response
) -> CalculationOut:
    """The calculation, with its `ETag` for a later `If-Match`."""
    calculation, _ = await service.get_calculation(session, principal, calculation_id)
    response.headers["ETag"] = etag_for(calculation.id, calculation.version)
    return service.calculation_out(calculation)


@router.patch(
    "/calculations/{calculation_id}",
    response_model=CalculationOut,
    responses={200: ETAG, 409: _KEY_TAKEN, 422: _INVALID, 423: _LOCKED},
)
async def update_calculation(
    calculation_id: uuid.UUID,
    body: CalculationPatch,
    principal: EditorDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> CalculationOut:
    """Change a calculation; the formula is re-checked against the (new) inputs.
    With `If-Match`, 412 if it changed since; 423 if a number of a locked month would change."""
    calculation = await service.update_calculation(
        session, principal, calculation_id, body, if_match
    )
    response.headers["ETag"] = etag_for(calculation.id, calculation.version)
    return service.calculation_out(calculation)


@router.delete(
    "/calculations/{calculation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        409: problem_doc(
            "`has-measurements`: delete its measurements first.", "calculation-has-measurements"
        ),
        423: _LOCKED,
        428: problem_doc("`precondition-required`: send `If-Match`.", "if-match-required"),
    },
)
async def delete_calculation(
    calculation_id: uuid.UUID,
    principal: EditorDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Delete a calculation with its inputs; 409 while it has measurements. Send `If-Match`
    with its ETag (428 without, 412 if it changed since)."""
    await service.delete_calculation(session, principal, calculation_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
