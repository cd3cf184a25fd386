"""Measurements as CSV for a tracker: download the template, import a filled-in file.

The import takes the file as the raw body (`Content-Type: text/csv`) or as the `file`
part of `multipart/form-data`; see `service` for the format and rules.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.bulk_writes.schemas import CSV_IMPORT_EXAMPLE, BulkResult
from valuecalc_api.csv_ingest import service as csv_import
from valuecalc_api.db import SessionDep
from valuecalc_api.problem_refs import problem_doc
from valuecalc_api.problems import Problem, invalid

router = APIRouter(tags=["bulk writes"])

_CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"})

_IMPORT_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "text/csv": {
            "schema": {"type": "string"},
            "example": CSV_IMPORT_EXAMPLE,
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
                "additionalProperties": False,
            },
            "example": {"file": CSV_IMPORT_EXAMPLE},
        },
    },
}


@router.get(
    "/trackers/{tracker_id}/measurements/template.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The template."}},
)
async def measurement_template(
    tracker_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> Response:
    """A CSV to fill in: one line per active calculation and month of the contract, months
    in order; recorded months come pre-filled. Columns: customer_external_id, use_case,
    calculation_key, calculation_name, metric_name, metric_unit, month, value, estimate
    (true/false), source. Only calculation_key (or customer_external_id), month, value,
    estimate and source are read back; leave a value blank for a month not measured yet.
    Text cells starting with = + - @ are prefixed with ' so spreadsheets never run them."""
    content = await csv_import.template(session, principal, tracker_id)
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="measurements-{tracker_id}.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _uploaded(request: Request) -> bytes:
    form = await request.form(max_files=1, max_fields=1)
    try:
        unknown = sorted(set(form.keys()) - {"file"})
        if unknown:
            raise invalid(
                [
                    {"field": name, "code": "extra_forbidden", "message": "Unknown form field."}
                    for name in unknown
                ]
            )
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise invalid(
                [{"field": "file", "code": "missing", "message": "Send the CSV in a 'file' part."}]
            )
        return await upload.read()
    finally:
        await form.close()


@router.post(
    "/trackers/{tracker_id}/measurements/import",
    response_model=BulkResult,
    openapi_extra={"requestBody": _IMPORT_BODY},
    responses={
        415: problem_doc(
            "`unsupported-media-type`: neither CSV nor multipart/form-data.", "csv-media-type"
        ),
        422: problem_doc(
            "`validation-error`: bad lines, each listed in `errors` by `line` (1-based, the "
            "header is line 1) and `column` (null when the file itself cannot be read). "
            "Nothing was written.",
            "csv-lines-invalid",
            "csv-header-incomplete",
            "csv-unreadable",
        ),
        423: problem_doc(
            "`month-locked`: every bad line would change a locked month. Nothing was written.",
            "csv-lines-locked",
        ),
        503: problem_doc(
            "`concurrent-write`: another request wrote some of the same months at the same "
            "moment; nothing was written. Retry after `Retry-After` seconds.",
            "concurrent-write",
            headers=("Retry-After",),
        ),
    },
)
async def import_measurements(
    tracker_id: uuid.UUID, request: Request, principal: EditorDep, session: SessionDep
) -> Response:
    """Import a filled-in template (or an automated export with the same columns): every
    line with a value is applied, or none. UTF-8 with or without BOM; `,` or `;`; quoted
    fields; CRLF. A blank value skips the line; decimals need a point (`1.5`, not `1,5`)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        content = await _uploaded(request)
    elif media_type in _CSV_TYPES:
        content = await request.body()
    else:
        raise Problem(
            415,
            "unsupported-media-type",
            "Send the CSV as the body with Content-Type: text/csv, or as the 'file' part of "
            "multipart/form-data.",
        )
    outcome = await csv_import.import_csv(session, principal, tracker_id, content)
    return outcome.response()
