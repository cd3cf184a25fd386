"""Request and response bodies of the pulse and its reason codes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict, Field, StrictBool, StringConstraints

from valuecalc_api.actors.schemas import AUTHOR_EXAMPLE, AuthorOut
from valuecalc_api.models.health import PulseStatus, ReasonKind
from valuecalc_api.schema_types import InputModel, OutputModel, PatchModel

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Comment = Annotated[str, StringConstraints(max_length=4000)]

CUSTOMER_ID = "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"
_CODE_EXAMPLE: dict[str, Any] = {
    "code": "exec-sponsor-left",
    "kind": "risk",
    "label": "Executive sponsor left",
    "category": "Relationship",
    "subcategory": "Sponsor",
}
_PULSE_EXAMPLE: dict[str, Any] = {
    "status": "yellow",
    "reason_codes": ["exec-sponsor-left"],
    "comment": "New VP starts in May; meeting booked.",
    "recorded_on": "2026-03-12",
}


class ReasonCodeCreate(InputModel):
    """A reason code of the organization's list: risk or success, with its category."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CODE_EXAMPLE]})

    code: Code
    kind: ReasonKind
    label: Label
    category: Category
    subcategory: Category | None = None


class ReasonCodePatch(PatchModel):
    """Fields to change; a retired code (`active: false`) stays on old pulses but cannot be
    chosen for new ones. The code itself and its kind never change."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"active": False}]})
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"subcategory"})

    label: Label | None = None
    category: Category | None = None
    subcategory: Category | None = None
    active: StrictBool | None = None


class ReasonCodeOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    **_CODE_EXAMPLE,
                    "active": True,
                    "created_at": "2026-01-05T09:30:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    code: str
    kind: ReasonKind
    label: str
    category: str
    subcategory: str | None
    active: bool
    created_at: datetime


class PulseCreate(InputModel):
    """A CSM's pulse for the customer; `recorded_on` defaults to today (UTC)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PULSE_EXAMPLE]})

    status: PulseStatus
    reason_codes: list[Code] = Field(default_factory=list, max_length=20)
    comment: Comment | None = None
    recorded_on: date | None = None


class PulseOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
                    "customer_id": CUSTOMER_ID,
                    **_PULSE_EXAMPLE,
                    "author": AUTHOR_EXAMPLE,
                    "created_at": "2026-03-12T15:04:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    customer_id: uuid.UUID
    status: PulseStatus
    reason_codes: list[str]
    comment: str | None
    recorded_on: date
    author: AuthorOut
    created_at: datetime
