"""Evidence endpoints: attach (file upload, link, pasted data), list, read, download, delete.

One POST address takes JSON (`kind` "link" or "pasted") or `multipart/form-data` with a
`file` part (and an optional `caption`). Downloads are always attachments with
`nosniff`, so a stored file is never rendered by the browser as part of the API's origin.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response, status
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from valuecalc_api.auth.dependencies import EditorDep, Principal, PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.evidence import file_types, repository, service
from valuecalc_api.evidence.filenames import content_disposition
from valuecalc_api.evidence.repository import CalculationScope
from valuecalc_api.evidence.schemas import (
    JSON_EVIDENCE,
    LINK_EXAMPLE,
    MAX_CAPTION_CHARS,
    PASTED_EXAMPLE,
    UPLOAD_EXAMPLE,
    EvidenceOut,
    LinkEvidenceIn,
    PastedEvidenceIn,
)
from valuecalc_api.evidence.storage import EvidenceStore, evidence_store
from valuecalc_api.models.evidence import Evidence, EvidenceKind
from valuecalc_api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    decode_cursor,
    encode_cursor,
)
from valuecalc_api.problem_refs import header_refs, problem_doc
from valuecalc_api.problems import Problem, invalid
from valuecalc_api.schema_types import MONTH_PARAMETER, TEXT_PATTERN, control_character, month_param
from valuecalc_core.months import Month

router = APIRouter(tags=["evidence"])

StoreDep = Annotated[EvidenceStore, Depends(evidence_store)]
MonthPath = Annotated[
    str,
    Path(
        json_schema_extra=MONTH_PARAMETER,
        description="The calculation-month, YYYY-MM.",
        examples=["2026-03"],
    ),
]

_LOCKED = problem_doc("`month-locked`: the month is locked.", "month-locked")

# Room for the multipart boundaries and part headers around a file of the maximum size.
_MULTIPART_OVERHEAD = 64 * 1024
_FORM_FIELDS = frozenset({"file", "caption"})

_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    LinkEvidenceIn.model_json_schema(),
                    PastedEvidenceIn.model_json_schema(),
                ],
                "discriminator": {"propertyName": "kind"},
            },
            "examples": {
                "link": {"summary": "A link to a dashboard", "value": LINK_EXAMPLE},
                "pasted": {"summary": "Data pasted from a report", "value": PASTED_EXAMPLE},
            },
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "additionalProperties": False,
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "PNG, JPEG, GIF, WebP, PDF, XLSX, CSV or UTF-8 text; "
                        "checked by content.",
                    },
                    "caption": {
                        "type": "string",
                        "maxLength": MAX_CAPTION_CHARS,
                        "pattern": TEXT_PATTERN,
                    },
                },
            },
            "encoding": {
                "file": {
                    "contentType": ", ".join(
                        sorted(
                            {t.media_type.split(";")[0] for t in file_types.ACCEPTED}
                            | {"application/octet-stream"}
                        )
                    )
                }
            },
            "examples": {"file": {"summary": "A CSV export", "value": UPLOAD_EXAMPLE}},
        },
    },
}


def _field_errors(error: ValidationError) -> list[dict[str, Any]]:
    errors = []
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        if location and location[0] in {"link", "pasted"}:  # the discriminator's tag
            location = location[1:]
        if item["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            location = ["kind"]
        errors.append(
            {
                "field": ".".join(location) or "body",
                "code": item["type"],
                "message": str(item["msg"]).removeprefix("Value error, "),
            }
        )
    return errors


async def _add_json(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    scope: CalculationScope,
    month: Month,
) -> Evidence:
    try:
        payload = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise invalid(
            [{"field": "body", "code": "json_invalid", "message": "The body is not valid JSON."}]
        ) from None
    try:
        body = JSON_EVIDENCE.validate_python(payload)
    except ValidationError as error:
        raise invalid(_field_errors(error)) from None
    if isinstance(body, LinkEvidenceIn):
        return await service.add_link(
            session, principal, scope, month, url=body.url, caption=body.caption
        )
    return await service.add_pasted(
        session, principal, scope, month, text=body.text, caption=body.caption
    )


async def _add_upload(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    store: EvidenceStore,
    scope: CalculationScope,
    month: Month,
) -> Evidence:
    max_bytes = request.app.state.settings.evidence_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + _MULTIPART_OVERHEAD:
        raise service.too_large(max_bytes)
    form = await request.form(max_files=1, max_fields=len(_FORM_FIELDS))
    try:
        unknown = sorted(set(form.keys()) - _FORM_FIELDS)
        upload = form.get("file")
        caption = form.get("caption")
        errors = [
            {"field": name, "code": "extra_forbidden", "message": "Unknown form field."}
            for name in unknown
        ]
        if not isinstance(upload, UploadFile):
            errors.append(
                {"field": "file", "code": "missing", "message": "Send the file in a 'file' part."}
            )
        if caption is not None and (
            not isinstance(caption, str)
            or len(caption) > MAX_CAPTION_CHARS
            or control_character(caption) is not None
        ):
            errors.append(
                {
                    "field": "caption",
                    "code": "invalid_caption",
                    "message": f"caption must be text of at most {MAX_CAPTION_CHARS} characters, "
                    "without control characters.",
                }
            )
        if errors or not isinstance(upload, UploadFile):
            raise invalid(errors)
        content = await upload.read(max_bytes + 1)
        filename = upload.filename
    finally:
        await form.close()
    return await service.add_file(
        session,
        principal,
        store,
        scope,
        month,
        filename=filename,
        content=content,
        caption=caption if isinstance(caption, str) else None,
        max_bytes=max_bytes,
    )


@router.post(
    "/calculations/{calculation_id}/months/{month}/evidence",
    response_model=EvidenceOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra={"requestBody": _REQUEST_BODY},
    responses={
        413: problem_doc(
            "`evidence-too-large`: the file is over the evidence limit (`max_bytes`).",
            "evidence-too-large",
        ),
        415: problem_doc(
            "`unsupported-evidence-type`: the file's content is not an accepted type; "
            "`unsupported-media-type`: the body is neither JSON nor multipart/form-data.",
            "unsupported-evidence-type",
            "evidence-media-type",
        ),
        423: _LOCKED,
    },
)
async def add_evidence(
    calculation_id: uuid.UUID,
    month: MonthPath,
    request: Request,
    principal: EditorDep,
    session: SessionDep,
    store: StoreDep,
) -> EvidenceOut:
    """Attach evidence to a calculation-month: a file (multipart), a link or pasted data (JSON)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    the_month = month_param(month)
    scope = await service.calculation_month(session, principal, calculation_id, the_month)
    if media_type == "multipart/form-data":
        evidence = await _add_upload(request, session, principal, store, scope, the_month)
    elif media_type == "application/json":
        evidence = await _add_json(request, session, principal, scope, the_month)
    else:
        raise Problem(
            415,
            "unsupported-media-type",
            "Send a file as multipart/form-data, a link or pasted data as application/json.",
        )
    return EvidenceOut.of(evidence)


def _page(rows: list[Evidence], limit: int) -> Page[EvidenceOut]:
    shown = rows[:limit]
    next_cursor = encode_cursor(shown[-1].created_at, shown[-1].id) if len(rows) > limit else None
    return Page[EvidenceOut](items=[EvidenceOut.of(row) for row in shown], next_cursor=next_cursor)


@router.get(
    "/calculations/{calculation_id}/months/{month}/evidence", response_model=Page[EvidenceOut]
)
async def list_month_evidence(
    calculation_id: uuid.UUID,
    month: MonthPath,
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[EvidenceOut]:
    """The evidence of one calculation-month, oldest first."""
    the_month = month_param(month)
    after = decode_cursor(cursor) if cursor is not None else None
    await service.visible_calculation(session, principal, calculation_id)
    rows = await repository.list_evidence(
        session, principal.organization_id, calculation_id, the_month, limit=limit + 1, after=after
    )
    return _page(list(rows), limit)


@router.get("/calculations/{calculation_id}/evidence", response_model=Page[EvidenceOut])
async def list_calculation_evidence(
    calculation_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[EvidenceOut]:
    """The evidence of every month of a calculation, oldest first (each item names its month)."""
    after = decode_cursor(cursor) if cursor is not None else None
    await service.visible_calculation(session, principal, calculation_id)
    rows = await repository.list_evidence(
        session, principal.organization_id, calculation_id, None, limit=limit + 1, after=after
    )
    return _page(list(rows), limit)


@router.get("/evidence/{evidence_id}", response_model=EvidenceOut)
async def get_evidence(
    evidence_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> EvidenceOut:
    """One piece of evidence: its metadata (download a file's bytes from `content_url`)."""
    return EvidenceOut.of(await service.visible_evidence(session, principal, evidence_id))


@router.get(
    "/evidence/{evidence_id}/content",
    response_class=Response,
    responses={
        200: {
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in file_types.SERVED_MEDIA_TYPES
            },
            "description": "The content, as an attachment, served as the type its bytes were "
            "recognized as; a file's has an `ETag` (its SHA-256).",
            "headers": header_refs("ETag", "Content-Disposition", "Cache-Control"),
        },
        409: problem_doc(
            "`link-has-no-content`: a link is stored as its URL only.", "link-has-no-content"
        ),
        410: problem_doc(
            "`evidence-content-gone`: the file's content is no longer stored.",
            "evidence-content-gone",
        ),
    },
)
async def download_evidence(
    evidence_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, store: StoreDep
) -> Response:
    """Download a file (with its detected type) or pasted data (as text), as an attachment."""
    evidence = await service.visible_evidence(session, principal, evidence_id)
    if evidence.kind == EvidenceKind.link:
        raise Problem(
            409,
            "link-has-no-content",
            "This evidence is a link; the server keeps only its URL and never fetches it.",
            extra={"url": evidence.url},
        )
    if evidence.kind == EvidenceKind.pasted:
        content = (evidence.text or "").encode()
        media_type, filename = "text/plain; charset=utf-8", f"pasted-{evidence.id}.txt"
    else:
        assert evidence.storage_key is not None
        assert evidence.content_type is not None
        stored = await store.load(session, evidence.storage_key)
        if stored is None:
            raise Problem(410, "evidence-content-gone", "This file's content is no longer stored.")
        content, media_type = stored, evidence.content_type
        filename = evidence.filename or f"evidence-{evidence.id}"
    headers = {
        "Content-Disposition": content_disposition(filename),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }
    if evidence.sha256 is not None:
        headers["ETag"] = f'"{evidence.sha256}"'
    return Response(content=content, media_type=media_type, headers=headers)


@router.delete(
    "/evidence/{evidence_id}", status_code=status.HTTP_204_NO_CONTENT, responses={423: _LOCKED}
)
async def delete_evidence(
    evidence_id: uuid.UUID, principal: EditorDep, session: SessionDep, store: StoreDep
) -> Response:
    """Delete evidence and its stored file (refused with 423 in a locked month)."""
    evidence = await service.visible_evidence(session, principal, evidence_id, for_update=True)
    await service.remove(session, principal, store, evidence)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
