"""Request and response bodies of the organization and API-key endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field, StrictBool

from valuecalc_api.models.organization import Role
from valuecalc_api.schema_types import InputModel, OutputModel

_TRACKER_ID = "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
_KEY_REQUEST: dict[str, Any] = {"name": "CRM sync", "role": "editor", "tracker_ids": [_TRACKER_ID]}
_KEY_LISTED: dict[str, Any] = {
    "id": "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4",
    **_KEY_REQUEST,
    "requires_actor": False,
    "prefix": "vc_live_Q2xhcm",
    "created_at": "2026-01-05T09:45:00Z",
    "revoked_at": None,
}


_REQUIRES_ACTOR = (
    "Every call with this key must name the person it acts for in `Valuecalc-Actor` "
    "(else 422 `actor-required`): for a frontend that serves many people."
)


class OrganizationOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "name": "Helpdesk Vendor Inc.",
                    "created_at": "2025-11-03T14:00:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    name: str
    created_at: datetime


class ApiKeyCreate(InputModel):
    """A new key with a role; `tracker_ids` limits it to some trackers (null: all of them)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                _KEY_REQUEST,
                {"name": "QBR dashboard (read only)", "role": "viewer"},
                {"name": "CS team frontend", "role": "editor", "requires_actor": True},
            ]
        }
    )

    name: str = Field(min_length=1, max_length=200, examples=["CRM sync"])
    role: Role
    tracker_ids: list[uuid.UUID] | None = Field(
        default=None,
        max_length=1000,
        description="Limit the key to these trackers of your organization; null: every tracker.",
    )
    requires_actor: StrictBool = Field(default=False, description=_REQUIRES_ACTOR)


class ApiKeyPatch(InputModel):
    """Change a key's settings; a field left out keeps its value."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"requires_actor": True}]})

    requires_actor: StrictBool | None = Field(default=None, description=_REQUIRES_ACTOR)


class ApiKeyOut(OutputModel):
    """An API key as listed: never its secret nor its hash."""

    model_config = ConfigDict(json_schema_extra={"examples": [_KEY_LISTED]})

    id: uuid.UUID
    name: str
    role: Role
    prefix: str = Field(description="The first characters of the secret, to recognise the key.")
    tracker_ids: list[uuid.UUID] | None
    requires_actor: bool = Field(description=_REQUIRES_ACTOR)
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    """A new key, with its secret: the only time the secret is ever shown."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_KEY_LISTED,
                    "secret": "vc_live_Q2xhcmEgUm9zZSBzYXlzIGhpIHRvIHRoZSBmcm9udGVuZA",
                    "warning": "Store this secret now: it is shown only once and cannot be "
                    "recovered.",
                }
            ]
        }
    )

    secret: str = Field(description="Send as `Authorization: Bearer <secret>`.")
    warning: str = "Store this secret now: it is shown only once and cannot be recovered."
