"""Request and response bodies of the evidence and note endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter, field_validator

from valuecalc_api.fields import InputModel, MonthStr, OutputModel
from valuecalc_api.models.evidence import EvidenceKind

MAX_PASTED_CHARS = 100_000
MAX_URL_CHARS = 2048
MAX_CAPTION_CHARS = 500
MAX_NOTE_CHARS = 10_000

Caption = Annotated[
    str | None,
    Field(default=None, max_length=MAX_CAPTION_CHARS, description="What this evidence shows."),
]


class LinkEvidenceIn(InputModel):
    """A link to a dashboard or report: stored as text, never fetched by the server."""

    kind: Literal["link"]
    url: str = Field(min_length=1, max_length=MAX_URL_CHARS, examples=["https://bi.example/d/42"])
    caption: Caption = None


class PastedEvidenceIn(InputModel):
    """Data pasted from a report or export."""

    kind: Literal["pasted"]
    text: str = Field(min_length=1, max_length=MAX_PASTED_CHARS)
    caption: Caption = None


JsonEvidenceIn = Annotated[LinkEvidenceIn | PastedEvidenceIn, Field(discriminator="kind")]
JSON_EVIDENCE = TypeAdapter[LinkEvidenceIn | PastedEvidenceIn](JsonEvidenceIn)


class EvidenceOut(OutputModel):
    id: uuid.UUID
    tracker_id: uuid.UUID
    calculation_id: uuid.UUID
    month: MonthStr
    kind: EvidenceKind
    caption: str | None
    author_key_id: uuid.UUID = Field(description="The API key that attached it.")
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
    text: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("text must not be blank.")
        return text


class NoteOut(OutputModel):
    id: uuid.UUID
    tracker_id: uuid.UUID
    calculation_id: uuid.UUID
    month: MonthStr
    text: str
    author_key_id: uuid.UUID = Field(description="The API key that wrote it.")
    created_at: datetime
    updated_at: datetime
    updated_by_key_id: uuid.UUID | None = Field(description="The key of the last edit, if any.")
