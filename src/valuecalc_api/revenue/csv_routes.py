"""ARR movements and contract lines as CSV: a template to download, and an import that feeds
the file's lines to the same write path as the bulk endpoints (validated in full, all or
nothing), each problem named by `line` (1-based, the header is line 1) and `column`.

Columns are the bulk row's fields; a blank cell is a field left out; `deleted` is true/false.
UTF-8 with or without BOM, `,` or `;`, quoted fields, CRLF.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.bulk_writes.row_errors import RowError, RowsRefused, refused, schema_errors
from valuecalc_api.bulk_writes.row_parsing import check_row_count
from valuecalc_api.csv_ingest.format import read_csv, write_csv
from valuecalc_api.csv_ingest.routes import _CSV_TYPES, _uploaded
from valuecalc_api.db import SessionDep
from valuecalc_api.problem_refs import problem_doc
from valuecalc_api.problems import Problem, invalid
from valuecalc_api.revenue.record_schemas import LedgerWriteResult
from valuecalc_api.revenue.resource_kinds import CONTRACT_LINES, MOVEMENTS
from valuecalc_api.revenue.resources import LedgerResource
from valuecalc_api.revenue.row_schemas import ContractLineRow, LedgerRow, MovementRow
from valuecalc_api.revenue.write_engine import write_rows

router = APIRouter(tags=["revenue ledger"])

_MOVEMENT_COLUMNS = (
    "external_id",
    "customer_external_id",
    "date",
    "kind",
    "amount",
    "currency",
    "renewal_external_id",
    "deleted",
)
_LINE_COLUMNS = (
    "external_id",
    "customer_external_id",
    "start_month",
    "end_month",
    "arr",
    "currency",
    "deleted",
)
_EXAMPLES = {
    "movements": (
        ("mv-1001", "crm-0042", "2026-01-15", "new", "120000", "USD", "", ""),
        ("mv-1002", "crm-0042", "2026-07-01", "upsell", "24000", "", "", ""),
    ),
    "contract-lines": (("cl-crm-0042-1", "crm-0042", "2026-01", "2026-12", "120000", "USD", ""),),
}
_KINDS: tuple[tuple[str, LedgerResource, type[LedgerRow], tuple[str, ...]], ...] = (
    ("movements", MOVEMENTS, MovementRow, _MOVEMENT_COLUMNS),
    ("contract-lines", CONTRACT_LINES, ContractLineRow, _LINE_COLUMNS),
)


def _example_csv(name: str, columns: tuple[str, ...]) -> str:
    return write_csv(columns, _EXAMPLES[name]).decode("utf-8").removeprefix("\ufeff")


def _body_doc(name: str, columns: tuple[str, ...]) -> dict[str, Any]:
    example = _example_csv(name, columns)
    return {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": example},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "additionalProperties": False,
                },
                "example": {"file": example},
            },
        },
    }


def _rows_of_lines(
    lines: list[Any], row_model: type[LedgerRow], columns: tuple[str, ...]
) -> tuple[list[LedgerRow | None], list[RowError]]:
    rows: list[LedgerRow | None] = []
    errors: list[RowError] = []
    for index, line in enumerate(lines):
        raw: dict[str, Any] = {}
        for name in columns:
            cell = line.cells.get(name, "").strip()
            if cell:
                raw[name] = cell.lower() in ("true", "1", "yes") if name == "deleted" else cell
        try:
            rows.append(row_model.model_validate(raw))
        except ValidationError as error:
            rows.append(None)
            errors.extend(schema_errors(index, error))
    return rows, errors


def _add(
    name: str, resource: LedgerResource, row_model: type[LedgerRow], columns: tuple[str, ...]
) -> None:
    async def template(principal: PrincipalDep) -> Response:
        return Response(
            write_csv(columns, _EXAMPLES[name]),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{name}-template.csv"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    template.__doc__ = (
        f"A CSV template for {resource.plural}: the columns {', '.join(columns)}, with "
        "example lines to replace."
    )
    router.add_api_route(
        f"/revenue/{name}/import/template.csv",
        template,
        methods=["GET"],
        name=f"{name.replace('-', '_')}_template",
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}, "description": "The template."}},
    )

    async def import_csv(request: Request, principal: EditorDep, session: SessionDep) -> Any:
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type == "multipart/form-data":
            content = await _uploaded(request)
        elif media_type in _CSV_TYPES:
            content = await request.body()
        else:
            raise Problem(
                415,
                "unsupported-media-type",
                "Send the CSV as the body with Content-Type: text/csv, or as the 'file' part "
                "of multipart/form-data.",
            )
        header, lines = read_csv(content)
        missing = [c for c in ("external_id",) if c not in header]
        if missing:
            raise invalid(
                [{"line": 1, "column": c, "code": "missing", "message": "Required column."}
                 for c in missing],
                detail="The header lacks required columns; nothing was written.",
            )  # fmt: skip
        check_row_count(len(lines), "the file")
        rows, errors = _rows_of_lines(lines, row_model, columns)

        def position(error: RowError) -> dict[str, Any]:
            return {"line": lines[error.row].line, "column": error.field}

        try:
            outcome = await write_rows(session, principal, resource, rows, errors)
        except RowsRefused as error:
            raise refused(error, position=position, what="line") from None
        return LedgerWriteResult.model_validate({"counts": outcome.counts(), "rows": outcome.rows})

    import_csv.__doc__ = (
        f"Import {resource.plural} from CSV (the template's columns): every line applied, or "
        "none; each problem named by line and column."
    )
    router.add_api_route(
        f"/revenue/{name}/import",
        import_csv,
        methods=["POST"],
        name=f"import_{name.replace('-', '_')}",
        response_model=LedgerWriteResult,
        openapi_extra={"requestBody": _body_doc(name, columns)},
        responses={
            415: problem_doc(
                "`unsupported-media-type`: neither CSV nor multipart.", "csv-media-type"
            ),
            422: problem_doc(
                "`validation-error`: bad lines, each by `line` and `column`; nothing written.",
                "csv-lines-invalid",
                "csv-unreadable",
            ),
        },
    )


for _name, _resource, _row, _columns in _KINDS:
    _add(_name, _resource, _row, _columns)
