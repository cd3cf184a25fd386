"""Request and response bodies of `/v1/customers`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from valuecalc_api.schema_types import CurrencyCode, InputModel, OutputModel, PatchModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Segment = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

_EXAMPLE: dict[str, Any] = {
    "name": "Northwind Support Ltd",
    "external_id": "crm-0042",
    "segment": "mid-market",
    "owner": "jane.doe@vendor.example",
    "currency": "USD",
}


class CustomerCreate(InputModel):
    """A new customer. `external_id` (the CRM's id) is unique in the organization."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    name: Name
    external_id: ExternalId | None = None
    segment: Segment | None = None
    owner: Name | None = None
    currency: CurrencyCode | None = None


class CustomerPatch(PatchModel):
    """Fields to change; omitted fields keep their value, `null` clears an optional one."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"segment": "enterprise"}]})
    NULLABLE = frozenset({"external_id", "segment", "owner", "currency"})

    name: Name | None = None
    external_id: ExternalId | None = None
    segment: Segment | None = None
    owner: Name | None = None
    currency: CurrencyCode | None = None


class CustomerOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d",
                    **_EXAMPLE,
                    "created_at": "2026-01-05T09:30:00Z",
                    "updated_at": "2026-01-05T09:30:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    name: str
    external_id: str | None
    segment: str | None
    owner: str | None
    currency: str | None = Field(
        default=None, description="ISO 4217 code of the customer's ARR (revenue ledger)."
    )
    created_at: datetime
    updated_at: datetime
