"""Request and response bodies of the organization and API-key endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from valuecalc_api.fields import InputModel, OutputModel
from valuecalc_api.models.organization import Role


class OrganizationOut(OutputModel):
    id: uuid.UUID
    name: str
    created_at: datetime


class ApiKeyCreate(InputModel):
    name: str = Field(min_length=1, max_length=200, examples=["CRM sync"])
    role: Role
    tracker_ids: list[uuid.UUID] | None = Field(
        default=None,
        max_length=1000,
        description="Limit the key to these trackers of your organization; null: every tracker.",
    )


class ApiKeyOut(OutputModel):
    """An API key as listed: never its secret nor its hash."""

    id: uuid.UUID
    name: str
    role: Role
    prefix: str = Field(description="The first characters of the secret, to recognise the key.")
    tracker_ids: list[uuid.UUID] | None
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    """A new key, with its secret: the only time the secret is ever shown."""

    secret: str = Field(description="Send as `Authorization: Bearer <secret>`.")
    warning: str = "Store this secret now: it is shown only once and cannot be recovered."
