"""The row endpoints every signal kind has, made once: a bulk write, a single write (the bulk
code with one row), a cursor list in JSON and in CSV, a read by id and the record's audit
trail (SPEC 6).

This module has no `from __future__ import annotations`: FastAPI reads the endpoints'
annotations at registration, and here they are the kind's own classes.
"""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import EditorDep, Principal, PrincipalDep
from valuecalc_api.bulk_writes.row_errors import RowError
from valuecalc_api.bulk_writes.row_parsing import rows_of_body, validate_rows
from valuecalc_api.bulk_writes.schemas import bulk_body_schema
from valuecalc_api.db import SessionDep
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.models.base import Base
from valuecalc_api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    page_of,
    position_after,
)
from valuecalc_api.problems import not_found
from valuecalc_api.signals import repository as signals
from valuecalc_api.signals.access import check_customer
from valuecalc_api.signals.bulk import SignalOutcome, applied, applied_one, require_signal_writer
from valuecalc_api.signals.csv_out import (
    CSV_MAX_ROWS,
    RECORDS_CSV_OK,
    CsvLimitQuery,
    records_csv,
)
from valuecalc_api.signals.history import add_history_route, id_named
from valuecalc_api.signals.route_parts import CUSTOMER_NOT_FOUND, WRITE_ERRORS, CustomerQuery
from valuecalc_api.signals.schemas import CustomerReference, SignalBulkResult

BulkWrite = Callable[
    [AsyncSession, Principal, Sequence[Any], Sequence[RowError]], Awaitable[SignalOutcome]
]


@dataclass(frozen=True, slots=True)
class SignalKind:
    """One kind of signal row and how its endpoints are named and documented."""

    path: str  # e.g. "/touches"
    id_parameter: str  # e.g. "touch_id"
    singular: str  # e.g. "touch": names the operations and the 404
    plural: str  # e.g. "touches"
    model: type[Base]
    entity: AuditEntity  # the `entity_type` of the kind's audit events
    row: type[CustomerReference]
    out: type[BaseModel]
    write: BulkWrite
    bulk_example: dict[str, Any]
    bulk_doc: str
    create_doc: str
    exists_doc: str  # the 200 of a single write: "A touch with this `external_id` existed."


def _named(function: Any, name: str, doc: str | None = None) -> Any:
    function.__name__ = function.__qualname__ = name
    if doc is not None:
        function.__doc__ = doc
    return function


def add_row_routes(router: APIRouter, kind: SignalKind, *, with_list: bool = True) -> None:
    """Register the kind's bulk write, single write, list and its CSV (unless `with_list`:
    the caller has its own), read by id and history on `router`."""
    name = kind.plural.replace("-", "_").replace(" ", "_")
    one = kind.singular.replace("-", "_").replace(" ", "_")

    async def bulk(request: Request, principal: EditorDep, session: SessionDep) -> Response:
        require_signal_writer(principal)
        rows, problems = validate_rows(rows_of_body(await request.body()), kind.row)
        return await applied(kind.write(session, principal, rows, problems))

    router.post(
        f"{kind.path}/bulk",
        response_model=SignalBulkResult,
        responses=WRITE_ERRORS,
        openapi_extra={"requestBody": bulk_body_schema(kind.row, kind.bulk_example)},
    )(_named(bulk, f"bulk_{name}", kind.bulk_doc))

    async def create(
        body: Any, principal: EditorDep, session: SessionDep, response: Response
    ) -> Any:
        require_signal_writer(principal)
        row_id, outcome = await applied_one(kind.write(session, principal, [body], []))
        if outcome.value != "created":
            response.status_code = status.HTTP_200_OK
        stored = await signals.get_signal_row(
            session, kind.model, principal.organization_id, row_id, None
        )
        return kind.out.model_validate(stored)

    create.__annotations__["body"] = kind.row
    router.post(
        kind.path,
        response_model=kind.out,
        status_code=status.HTTP_201_CREATED,
        responses={
            200: {"description": kind.exists_doc, "model": kind.out},
            403: WRITE_ERRORS[403],
        },
    )(_named(create, f"create_{one}", kind.create_doc))

    if with_list:

        async def listed(
            principal: PrincipalDep,
            session: SessionDep,
            limit: LimitQuery = DEFAULT_LIMIT,
            cursor: CursorQuery = None,
            customer_id: CustomerQuery = None,
        ) -> Any:
            await check_customer(session, principal, customer_id)
            found: Sequence[Any] = await signals.list_signal_rows(
                session,
                kind.model,
                principal.organization_id,
                principal.tracker_ids,
                customer_id=customer_id,
                limit=limit + 1,
                after=position_after(cursor),
            )
            return page_of(found, limit, kind.out.model_validate)

        router.get(
            kind.path,
            response_model=Page[kind.out],  # type: ignore[name-defined]
            responses=CUSTOMER_NOT_FOUND,
        )(_named(listed, f"list_{name}", f"The {kind.plural} in the order they were stored."))

        async def listed_csv(
            principal: PrincipalDep,
            session: SessionDep,
            limit: CsvLimitQuery = CSV_MAX_ROWS,
            cursor: CursorQuery = None,
            customer_id: CustomerQuery = None,
        ) -> Response:
            await check_customer(session, principal, customer_id)
            found: Sequence[Any] = await signals.list_signal_rows(
                session,
                kind.model,
                principal.organization_id,
                principal.tracker_ids,
                customer_id=customer_id,
                limit=limit + 1,
                after=position_after(cursor),
            )
            page = page_of(found, limit, kind.out.model_validate)
            return records_csv(kind.out, page.items, page.next_cursor, f"{kind.plural}.csv")

        router.get(
            f"{kind.path}.csv",
            response_class=Response,
            responses=RECORDS_CSV_OK | CUSTOMER_NOT_FOUND,
        )(
            _named(
                listed_csv,
                f"list_{name}_csv",
                f"The {kind.plural} as CSV: the JSON list's records and filters, up to "
                "10,000 rows a file.",
            )
        )

    async def read(row_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> Any:
        stored = await signals.get_signal_row(
            session, kind.model, principal.organization_id, row_id, principal.tracker_ids
        )
        if stored is None:
            raise not_found(kind.singular)
        return kind.out.model_validate(stored)

    # `:row_id` keeps `{kind.path}/bulk` out of this route, so a GET there is a 405 whose
    # `Allow` names POST alone (the contract documents no GET on `/bulk`).
    router.get(f"{kind.path}/{{{kind.id_parameter}:row_id}}", response_model=kind.out)(
        _named(id_named(read, kind.id_parameter), f"get_{one}", f"One {kind.singular}, by its id.")
    )

    add_history_route(router, kind.path, kind.id_parameter, kind.singular, kind.model, kind.entity)
