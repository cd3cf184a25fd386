"""Request and response bodies of the evidence and note endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter, field_validator

from valuecalc_api.actors.schemas import AUTHOR_EXAMPLE, AuthorOut
from valuecalc_api.models.evidence import EvidenceKind
from valuecalc_api.schema_types import LONG_TEXT, InputModel, MonthStr, OutputModel

MAX_PASTED_CHARS = 100_000
MAX_URL_CHARS = 2048
MAX_CAPTION_CHARS = 500
MAX_NOTE_CHARS = 10_000

_TRACKER_ID = "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
_CALCULATION_ID = "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"
_KEY_ID = "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4"

LINK_EXAMPLE: dict[str, Any] = {
    "kind": "link",
    "url": "https://northwind.zendesk.example/explore/dashboards/4711",
    "caption": "Zendesk Explore: tickets solved per agent per day, March 2026",
}
PASTED_EXAMPLE: dict[str, Any] = {
    "kind": "pasted",
    "text": "week,tickets_handled_per_day\n2026-03-02,152\n2026-03-09,157\n"
    "2026-03-16,160\n2026-03-23,163",
    "caption": "Weekly averages from the March support report",
}
# A CSV export is an accepted file type, so this multipart body can be sent as it is.
UPLOAD_EXAMPLE: dict[str, Any] = {
    "file": "date,tickets_handled\n2026-03-02,155\n2026-03-03,161\n",
    "caption": "Daily export from the helpdesk, March 2026",
}

Caption = Annotated[
    str | None,
    Field(default=None, max_length=MAX_CAPTION_CHARS, description="What this evidence shows."),
]


class LinkEvidenceIn(InputModel):
    """A link to a dashboard or report: stored as text, never fetched by the server."""

    model_config = ConfigDict(json_schema_extra={"examples": [LINK_EXAMPLE]})

    kind: Literal["link"]
    url: str = Field(
        min_length=1,
        max_length=MAX_URL_CHARS,
        # What `service.check_link` accepts: an absolute http(s) URL naming a host, without
        # credentials, spaces or control characters.
        pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?([/?#][\x21-\x7e]*)?$",
        examples=["https://bi.example/d/42"],
    )
    caption: Caption = None


class PastedEvidenceIn(InputModel):
    """Data pasted from a report or export."""

    model_config = ConfigDict(json_schema_extra={"examples": [PASTED_EXAMPLE]})

    kind: Literal["pasted"]
    text: Annotated[str, LONG_TEXT] = Field(min_length=1, max_length=MAX_PASTED_CHARS)
    caption: Caption = None


JsonEvidenceIn = Annotated[LinkEvidenceIn | PastedEvidenceIn, Field(discriminator="kind")]
JSON_EVIDENCE = TypeAdapter[LinkEvidenceIn | PastedEvidenceIn](JsonEvidenceIn)


_EVIDENCE_BASE: dict[str, Any] = {
    "tracker_id": _TRACKER_ID,
    "calculation_id": _CALCULATION_ID,
    "month": "2026-03",
    "author_key_id": _KEY_ID,
    "author": AUTHOR_EXAMPLE,
    "created_at": "2026-04-02T11:20:00Z",
}


class EvidenceOut(OutputModel):
    """One piece of evidence; the fields of the other kinds are null."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7",
                    **_EVIDENCE_BASE,
                    "kind": "file",
                    "caption": "Zendesk Explore screenshot, March 2026",
                    "filename": "zendesk-march-2026.png",
                    "content_type": "image/png",
                    "size_bytes": 184320,
                    "sha256": "9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d",
                    "url": None,
                    "text": None,
                    "content_url": "/v1/evidence/e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7/content",
                },
                {
                    "id": "f2a3b4c5-d6e7-4f80-91a2-b3c4d5e6f708",
                    **_EVIDENCE_BASE,
                    "kind": "link",
                    "caption": LINK_EXAMPLE["caption"],
                    "filename": None,
                    "content_type": None,
                    "size_bytes": None,
                    "sha256": None,
                    "url": LINK_EXAMPLE["url"],
                    "text": None,
                    "content_url": None,
                },
            ]
        }
    )

    id: uuid.UUID
    tracker_id: uuid.UUID
    calculation_id: uuid.UUID
    month: MonthStr
    kind: EvidenceKind
    caption: str | None
    author_key_id: uuid.UUID = Field(description="The API key that attached it.")
    author: AuthorOut = Field(description="Who attached it: the person and the API key.")
    created_at: datetime
    filename: str | None = Field(description="file: the cleaned name it downloads as.")
    content_type: str | None = Field(description="file: the type detected from its content.")
    size_bytes: int | None
    sha256: str | None = Field(description="file: SHA-256 of the stored bytes, hex.")
    url: str | None = Field(description="link: the URL, as given.")
    text: str | None = Field(description="pasted: the pasted data.")
    content_url: str | None = Field(
        default=None, description="Where to download a file or the pasted text."
    )

    @classmethod
    def of(cls, evidence: object) -> EvidenceOut:
        out = cls.model_validate(evidence)
        if out.kind is not EvidenceKind.link:
            out.content_url = f"/v1/evidence/{out.id}/content"
        return out


class NoteIn(InputModel):
    """A note on a calculation-month: where a figure came from, or why it moved."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"text": "Confirmed with the support lead on the April data call (Zendesk)."},
                {"text": "Spike: suggested answers went live for every agent on 2 March."},
            ]
        }
    )

    text: Annotated[str, LONG_TEXT] = Field(min_length=1, max_length=MAX_NOTE_CHARS)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("text must not be blank.")
        return text


class NoteOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "a3b4c5d6-e7f8-4091-a2b3-c4d5e6f70819",
                    "tracker_id": _TRACKER_ID,
                    "calculation_id": _CALCULATION_ID,
                    "month": "2026-03",
                    "text": "Confirmed with the support lead on the April data call (Zendesk).",
                    "author_key_id": _KEY_ID,
                    "author": AUTHOR_EXAMPLE,
                    "created_at": "2026-04-02T11:25:00Z",
                    "updated_at": "2026-04-02T11:25:00Z",
                    "updated_by_key_id": None,
                    "updated_by": None,
                }
            ]
        }
    )

    id: uuid.UUID
    tracker_id: uuid.UUID
    calculation_id: uuid.UUID
    month: MonthStr
    text: str
    author_key_id: uuid.UUID = Field(description="The API key that wrote it.")
    created_at: datetime
    updated_at: datetime
    updated_by_key_id: uuid.UUID | None = Field(description="The key of the last edit, if any.")
    author: AuthorOut = Field(description="Who wrote it: the person and the API key.")
    updated_by: AuthorOut | None = Field(
        description="Who made the last edit (person and key), null if never edited."
    )
