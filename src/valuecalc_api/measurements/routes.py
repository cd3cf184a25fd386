"""HTTP endpoints of input changes and measurements (SPEC 3 "Carry-forward timelines").

`PUT` sets the value of one month (201 when new, 200 when replaced); `DELETE` removes it.
A month's value has an `ETag`; `PUT` and `DELETE` honour `If-Match` (412 when stale).
Months are `YYYY-MM` inside the tracker's contract period; values are decimal strings.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.calculations.schemas import INPUT_KEY_PATTERN
from valuecalc_api.db import SessionDep
from valuecalc_api.if_match import IfMatchHeader, etag_for
from valuecalc_api.input_changes import service as input_service
from valuecalc_api.measurements import service
from valuecalc_api.measurements.schemas import (
    InputChangeOut,
    InputChangePut,
    InputWithChangesOut,
    MeasurementOut,
    MeasurementPut,
)
from valuecalc_api.models.measurement import InputChange, Measurement
from valuecalc_api.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from valuecalc_api.problem_refs import ETAG, problem_doc
from valuecalc_api.schema_types import MONTH_PARAMETER, month_param
from valuecalc_core.months import Month

router = APIRouter(tags=["measurements"])

MonthPath = Annotated[
    str,
    Path(
        json_schema_extra=MONTH_PARAMETER,
        description="A month of the contract, YYYY-MM.",
        examples=["2026-03"],
    ),
]
InputKeyPath = Annotated[
    str, Path(pattern=INPUT_KEY_PATTERN, description="The input's key, e.g. `reps`.")
]
_LOCKED = problem_doc(
    "`month-locked`: the month is locked (or a later locked month would change).",
    "month-locked",
)


def _created_or_replaced(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The answers of a PUT of one month: 201 with the new object, or 200 replaced."""
    return {
        200: ETAG,
        201: {
            "description": "Created (200 when an existing value was replaced).",
            "model": model,
            **ETAG,
        },
        409: problem_doc(
            "`concurrent-write`: another request wrote this month at the same moment; read it "
            "and send yours again.",
            "measurement-written-concurrently",
        ),
        423: _LOCKED,
    }


def month_in_path(text: str) -> Month:
    """The `{month}` path parameter as a Month; 422 naming `month` if it is not YYYY-MM."""
    return month_param(text)


def _status(response: Response, created: bool) -> None:
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK


def _etag(response: Response, row: InputChange | Measurement) -> None:
    response.headers["ETag"] = etag_for(row.id, row.version)


@router.get("/calculations/{calculation_id}/inputs", response_model=Page[InputWithChangesOut])
async def list_inputs(
    calculation_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> Page[InputWithChangesOut]:
    """Every input of the calculation with its changes by month (one page, no cursor)."""
    inputs = await input_service.list_inputs(session, principal, calculation_id)
    return Page[InputWithChangesOut](
        items=[InputWithChangesOut.model_validate(i) for i in inputs], next_cursor=None
    )


@router.put(
    "/calculations/{calculation_id}/inputs/{key}/changes/{month}",
    response_model=InputChangeOut,
    responses=_created_or_replaced(InputChangeOut),
)
async def put_input_change(
    calculation_id: uuid.UUID,
    key: InputKeyPath,
    month: MonthPath,
    body: InputChangePut,
    principal: EditorDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> InputChangeOut:
    """Set the input's value from `month` on, until its next change."""
    change, created = await input_service.put_input_change(
        session, principal, calculation_id, key, month_in_path(month), body.value, if_match
    )
    _status(response, created)
    _etag(response, change)
    return InputChangeOut.model_validate(change)


@router.get(
    "/calculations/{calculation_id}/inputs/{key}/changes/{month}",
    response_model=InputChangeOut,
    responses={200: ETAG},
)
async def get_input_change(
    calculation_id: uuid.UUID,
    key: InputKeyPath,
    month: MonthPath,
    principal: PrincipalDep,
    session: SessionDep,
    response: Response,
) -> InputChangeOut:
    """The input's change at `month` (404 if it has none there), with its ETag."""
    change = await input_service.get_input_change(
        session, principal, calculation_id, key, month_in_path(month)
    )
    _etag(response, change)
    return InputChangeOut.model_validate(change)


@router.delete(
    "/calculations/{calculation_id}/inputs/{key}/changes/{month}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        409: problem_doc(
            "`initial-value-required`: the contract's first month holds the input's initial "
            "value; change it with PUT instead.",
            "initial-value-required",
        ),
        423: _LOCKED,
    },
)
async def delete_input_change(
    calculation_id: uuid.UUID,
    key: InputKeyPath,
    month: MonthPath,
    principal: EditorDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Remove a change (not the initial value): the previous value carries forward."""
    await input_service.delete_input_change(
        session, principal, calculation_id, key, month_in_path(month), if_match
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/calculations/{calculation_id}/measurements", response_model=Page[MeasurementOut])
async def list_measurements(
    calculation_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[MeasurementOut]:
    """The calculation's measurements ordered by month."""
    rows, next_cursor = await service.list_measurements(
        session, principal, calculation_id, limit=limit, cursor=cursor
    )
    return Page[MeasurementOut](
        items=[MeasurementOut.model_validate(m) for m in rows], next_cursor=next_cursor
    )


@router.put(
    "/calculations/{calculation_id}/measurements/{month}",
    response_model=MeasurementOut,
    responses=_created_or_replaced(MeasurementOut),
)
async def put_measurement(
    calculation_id: uuid.UUID,
    month: MonthPath,
    body: MeasurementPut,
    principal: EditorDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MeasurementOut:
    """Record or correct the month's value; later carried months follow it."""
    measurement, created = await service.put_measurement(
        session, principal, calculation_id, month_in_path(month), body, if_match
    )
    _status(response, created)
    _etag(response, measurement)
    return MeasurementOut.model_validate(measurement)


@router.get(
    "/calculations/{calculation_id}/measurements/{month}",
    response_model=MeasurementOut,
    responses={200: ETAG},
)
async def get_measurement(
    calculation_id: uuid.UUID,
    month: MonthPath,
    principal: PrincipalDep,
    session: SessionDep,
    response: Response,
) -> MeasurementOut:
    """The month's own measurement (404 if it has none), with its ETag."""
    measurement = await service.get_measurement(
        session, principal, calculation_id, month_in_path(month)
    )
    _etag(response, measurement)
    return MeasurementOut.model_validate(measurement)


@router.delete(
    "/calculations/{calculation_id}/measurements/{month}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={423: _LOCKED},
)
async def delete_measurement(
    calculation_id: uuid.UUID,
    month: MonthPath,
    principal: EditorDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Blank out the month (it then carries the previous measurement, or has none)."""
    await service.delete_measurement(
        session, principal, calculation_id, month_in_path(month), if_match
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
