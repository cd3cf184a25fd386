"""HTTP endpoints of the ledger records (SPEC 4 input, SPEC 6 writes).

Per resource: `POST …/bulk` (1 to 10,000 rows by `external_id`, all or nothing, every bad
row reported by index; `Idempotency-Key` replays a retry), `PUT`, `GET` and `DELETE` of one
record by its `external_id` (a one-row bulk write: the same validation, audit and locks;
`If-Match` with the record's ETag refuses a stale update with 412), and a paged list.
Writes need an editor or admin key for the whole organization; reads any key, a
tracker-limited one seeing only its trackers' customers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel, Field, create_model
from starlette.convertors import StringConvertor, register_url_convertor

from valuecalc_api.audit.schemas import AuditEventOut
from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.bulk_writes.schemas import MAX_ROWS
from valuecalc_api.db import SessionDep
from valuecalc_api.if_match import IfMatchHeader, etag_for
from valuecalc_api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    encode_cursor,
    position_after,
)
from valuecalc_api.problem_refs import ETAG, problem_doc
from valuecalc_api.problems import invalid
from valuecalc_api.revenue import record_repository, write_service
from valuecalc_api.revenue.record_schemas import (
    ContractLineOut,
    FxRateOut,
    LeadOut,
    LedgerWriteResult,
    MovementOut,
    RenewalOut,
)
from valuecalc_api.revenue.resource_kinds import (
    CONTRACT_LINES,
    FX_RATES,
    LEADS,
    MOVEMENTS,
    RENEWALS,
)
from valuecalc_api.revenue.resources import LedgerResource
from valuecalc_api.revenue.row_schemas import (
    RESERVED_EXTERNAL_IDS,
    ContractLineFields,
    ContractLineRow,
    FxRateFields,
    FxRateRow,
    LeadFields,
    LeadRow,
    LedgerRow,
    MovementFields,
    MovementRow,
    RenewalFields,
    RenewalRow,
)
from valuecalc_api.revenue.write_engine import LedgerOutcome
from valuecalc_api.schema_types import MONTH_PARAMETER, month_param
from valuecalc_core.money import MINOR_UNITS
from valuecalc_core.months import Month

router = APIRouter(tags=["revenue ledger"])

_INVALID = problem_doc(
    "`validation-error`: bad rows, each listed in `errors` by `row` (0-based), `field` and "
    "`code` (the core's ledger problem codes, e.g. `churn_amount_mismatch`, "
    "`downsell_exceeds_arr`, `renewal_loss_exceeds_renewable`); nothing was written.",
    "ledger-rows-invalid",
    "bulk-envelope-invalid",
)
_STALE = problem_doc(
    "`precondition-failed`: every bad row has a stale `if_version`; nothing was written.",
    "bulk-rows-stale",
)
_CONCURRENT = problem_doc(
    "`concurrent-write`: another request created a record with one of these keys at the same "
    "moment; nothing was written. Retry after `Retry-After` seconds (with the same "
    "Idempotency-Key).",
    "concurrent-write",
    headers=("Retry-After",),
)
# `.../bulk` and `.../import` are the collection's own paths, never a record's
# (`ledger_record_id` below): another method there is a 405 whose `Allow` names theirs.
_RESERVED_ID = problem_doc(
    "`method-not-allowed`: `bulk` and `import` name the collection's operations (POST), "
    "not a record; `Allow` lists their methods."
)
_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {412: _STALE, 422: _INVALID, 503: _CONCURRENT}


def _bulk_body(row: type[BaseModel]) -> dict[str, Any]:
    schema = row.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    example = schema.get("examples", [{}])[0]
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["rows"],
                        "properties": {
                            "rows": {
                                "type": "array",
                                "minItems": 1,
                                "maxItems": MAX_ROWS,
                                "items": schema,
                            }
                        },
                    },
                    "examples": {"rows": {"summary": "One row", "value": {"rows": [example]}}},
                }
            },
        }
    }


def _create_body(row_model: type[LedgerRow]) -> type[LedgerRow]:
    """A POST's body: the bulk row, whose `deleted` can only be false (DELETE removes), so
    the contract says so and `"deleted": true` is refused as a schema violation."""
    return create_model(
        row_model.__name__.removesuffix("Row") + "Create",
        __base__=row_model,
        __doc__=row_model.__doc__,
        deleted=(
            Literal[False],
            Field(default=False, description="Always false here: DELETE removes a record."),
        ),
    )


def _result(outcome: LedgerOutcome) -> LedgerWriteResult:
    return LedgerWriteResult.model_validate({"counts": outcome.counts(), "rows": outcome.rows})


def _add_routes(
    resource: LedgerResource,
    base: str,
    name: str,
    key_path: str,
    key_dependency: Callable[..., Hashable],
    fields_model: type[LedgerRow],
    row_model: type[LedgerRow],
    out: type[BaseModel],
    key_params: Callable[..., dict[str, Any]],
) -> None:
    """Bulk, PUT, GET, DELETE and list routes of one resource."""
    reserved: dict[int | str, dict[str, Any]] = (
        {405: _RESERVED_ID} if "ledger_record_id" in key_path else {}
    )
    key_type = Annotated[Hashable, Depends(key_dependency)]

    async def bulk(
        request: Request, principal: EditorDep, session: SessionDep
    ) -> LedgerWriteResult:
        rows, errors = write_service.parse_rows(await request.body(), row_model)
        return _result(await write_service.write(session, principal, resource, rows, errors))

    bulk.__doc__ = (
        f"Create, update or remove up to {MAX_ROWS:,} {resource.plural} at once, all or none. "
        "Every touched customer's ledger is validated with the write applied; every bad row "
        "is listed."
    )
    router.add_api_route(
        f"{base}/bulk",
        bulk,
        methods=["POST"],
        name=f"bulk_{name}",
        response_model=LedgerWriteResult,
        responses=_WRITE_RESPONSES,
        openapi_extra=_bulk_body(row_model),
    )

    async def put(
        key: Any,
        body: Any,
        principal: EditorDep,
        session: SessionDep,
        response: Response,
        if_match: IfMatchHeader = None,
    ) -> Any:
        row = row_model.model_construct(**{**dict(body), **key_params(key), "deleted": False})
        await write_service.write(
            session, principal, resource, [row], [], if_match=if_match, must_exist=True
        )
        found = await write_service.read(session, principal, resource, key)
        response.headers["ETag"] = etag_for(found["id"], found["version"])
        return out.model_validate(found)

    put.__annotations__.update(key=key_type, body=fields_model)
    put.__doc__ = (
        f"Correct one {resource.singular} (a one-row bulk write; 404 if it does not exist); "
        "later figures follow."
    )
    router.add_api_route(
        f"{base}/{key_path}",
        put,
        methods=["PUT"],
        name=f"put_{name}",
        response_model=out,
        responses={200: ETAG, 422: _INVALID, 503: _CONCURRENT, **reserved},
    )

    async def create(
        body: Any, principal: EditorDep, session: SessionDep, response: Response
    ) -> Any:
        await write_service.write(session, principal, resource, [body], [], must_exist=False)
        found = await write_service.read(session, principal, resource, resource.key(body))
        response.headers["ETag"] = etag_for(found["id"], found["version"])
        return out.model_validate(found)

    create.__annotations__["body"] = _create_body(row_model)
    create.__doc__ = (
        f"Create one {resource.singular} (a one-row bulk write); 409 `external-id-taken` if "
        "the key exists."
    )
    router.add_api_route(
        base,
        create,
        methods=["POST"],
        name=f"create_{name}",
        status_code=status.HTTP_201_CREATED,
        response_model=out,
        responses={
            201: ETAG,
            412: _STALE,
            409: problem_doc("`external-id-taken`: the key exists.", "external-id-taken"),
            422: _INVALID,
            503: _CONCURRENT,
        },
    )

    async def get(
        key: Any, principal: PrincipalDep, session: SessionDep, response: Response
    ) -> Any:
        found = await write_service.read(session, principal, resource, key)
        response.headers["ETag"] = etag_for(found["id"], found["version"])
        return out.model_validate(found)

    get.__annotations__["key"] = key_type
    get.__doc__ = f"One {resource.singular}, with its ETag."
    router.add_api_route(
        f"{base}/{key_path}",
        get,
        methods=["GET"],
        name=f"get_{name}",
        response_model=out,
        responses={200: ETAG, **reserved},
    )

    async def remove(
        key: Any, principal: EditorDep, session: SessionDep, if_match: IfMatchHeader = None
    ) -> Response:
        await write_service.read(session, principal, resource, key)
        row = row_model.model_construct(**{**key_params(key), "deleted": True})
        await write_service.write(session, principal, resource, [row], [], if_match=if_match)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    remove.__annotations__["key"] = key_type
    remove.__doc__ = (
        f"Remove one {resource.singular} (a one-row bulk write); later figures follow. 422 if "
        "the ledger would become invalid."
    )
    router.add_api_route(
        f"{base}/{key_path}",
        remove,
        methods=["DELETE"],
        name=f"delete_{name}",
        status_code=status.HTTP_204_NO_CONTENT,
        responses={422: _INVALID, 503: _CONCURRENT, **reserved},
    )

    async def history(
        key: Any, principal: PrincipalDep, session: SessionDep, limit: LimitQuery = DEFAULT_LIMIT
    ) -> Page[AuditEventOut]:
        found = await write_service.read(session, principal, resource, key)
        events = await record_repository.record_history(
            session, resource, principal.organization_id, found["id"], limit
        )
        return Page[AuditEventOut](
            items=[AuditEventOut.model_validate(event) for event in events], next_cursor=None
        )

    history.__annotations__["key"] = key_type
    history.__doc__ = (
        f"The {resource.singular}'s changes (who, when, before, after), newest first: the "
        "latest `limit` of them."
    )
    router.add_api_route(
        f"{base}/{key_path}/history",
        history,
        methods=["GET"],
        name=f"{name}_history",
        response_model=Page[AuditEventOut],
    )

    async def listing(
        principal: PrincipalDep,
        session: SessionDep,
        limit: LimitQuery = DEFAULT_LIMIT,
        cursor: CursorQuery = None,
        customer_external_id: Annotated[
            str | None, Query(max_length=200, description="Only this customer's records.")
        ] = None,
    ) -> Any:
        rows = await record_repository.list_records(
            session,
            resource,
            principal.organization_id,
            principal.tracker_ids,
            limit=limit + 1,
            after=position_after(cursor),
            customer_external_id=customer_external_id,
        )
        shown = rows[:limit]
        next_cursor = (
            encode_cursor(shown[-1]["created_at"], shown[-1]["id"]) if len(rows) > limit else None
        )
        return Page[out](  # type: ignore[valid-type]
            items=[out.model_validate(row) for row in shown], next_cursor=next_cursor
        )

    listing.__doc__ = f"The {resource.plural}, oldest first."
    router.add_api_route(
        base,
        listing,
        methods=["GET"],
        name=f"list_{name}",
        response_model=Page[out],  # type: ignore[valid-type]
    )


class _RecordIdConvertor(StringConvertor):
    """A record's `external_id` in a path: one segment, but never `bulk` or `import`, the
    collection's own operations (`POST .../bulk`), so a 405 there lists their methods only."""

    regex = "(?!(?:bulk|import)(?:/|$))[^/]+"


register_url_convertor("ledger_record_id", _RecordIdConvertor())

ExternalIdPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=200,
        json_schema_extra={"not": {"enum": list(RESERVED_EXTERNAL_IDS)}},
        description="The record's `external_id` (your id of it; never `bulk` or `import`).",
        examples=["mv-1001"],
    ),
]


def external_id_key(external_id: ExternalIdPath) -> Hashable:
    """A record addressed by its `external_id`."""
    return external_id.strip()


def fx_key(
    currency: Annotated[
        str,
        Path(
            json_schema_extra={"enum": sorted(MINOR_UNITS)},
            description="ISO 4217 code.",
            examples=["EUR"],
        ),
    ],
    month: Annotated[
        str,
        Path(json_schema_extra=MONTH_PARAMETER, description="YYYY-MM", examples=["2026-01"]),
    ],
) -> Hashable:
    """An FX rate addressed by its currency and month."""
    if currency not in MINOR_UNITS:
        raise invalid(
            [{"field": "currency", "code": "unknown_currency", "message": "Not an ISO 4217 code."}]
        )
    first = month_param(month)
    return (currency, date(first.year, first.month, 1))


def _fx_params(key: Hashable) -> dict[str, Any]:
    assert isinstance(key, tuple)
    currency, first = key
    return {"currency": currency, "month": Month.of(first.year, first.month)}


for _resource, _base, _name, _fields, _row, _out in (
    (MOVEMENTS, "/revenue/movements", "movement", MovementFields, MovementRow, MovementOut),
    (RENEWALS, "/revenue/renewals", "renewal", RenewalFields, RenewalRow, RenewalOut),
    (
        CONTRACT_LINES,
        "/revenue/contract-lines",
        "contract_line",
        ContractLineFields,
        ContractLineRow,
        ContractLineOut,
    ),
    (LEADS, "/revenue/leads", "lead", LeadFields, LeadRow, LeadOut),
):
    _add_routes(
        _resource,
        _base,
        _name,
        "{external_id:ledger_record_id}",
        external_id_key,
        _fields,
        _row,
        _out,
        lambda key: {"external_id": key},
    )
_add_routes(
    FX_RATES,
    "/revenue/fx-rates",
    "fx_rate",
    "{currency}/{month}",
    fx_key,
    FxRateFields,
    FxRateRow,
    FxRateOut,
    _fx_params,
)
