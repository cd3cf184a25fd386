"""Response bodies of the history endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from valuecalc_api.actors.schemas import AUTHOR_EXAMPLE, AuthorOut
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.schema_types import MonthStr, OutputModel


class AuditEventOut(OutputModel):
    """One change: who made it, when, and the entity's state before and after."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c4d5e6f7-0819-4a2b-9c3d-4e5f60718293",
                    "occurred_at": "2026-04-02T11:15:00Z",
                    "actor_key_id": "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4",
                    "actor": AUTHOR_EXAMPLE,
                    "entity_type": "measurement",
                    "entity_id": "9b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
                    "tracker_id": "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                    "calculation_id": "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
                    "month": "2026-03",
                    "action": "update",
                    "before": {
                        "id": "9b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
                        "calculation_id": "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
                        "month": "2026-03",
                        "value": "150",
                        "estimate": True,
                        "source": "manual",
                        "version": 1,
                    },
                    "after": {
                        "id": "9b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
                        "calculation_id": "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
                        "month": "2026-03",
                        "value": "158",
                        "estimate": False,
                        "source": "manual",
                        "version": 2,
                    },
                    "request_id": None,
                }
            ]
        }
    )

    id: uuid.UUID
    occurred_at: datetime = Field(description="Database time of the transaction that made it.")
    actor_key_id: uuid.UUID = Field(description="The API key that made the change.")
    actor: AuthorOut = Field(
        description="Who made the change: the person the call named (`Valuecalc-Actor`) "
        "and its API key."
    )
    entity_type: AuditEntity
    entity_id: uuid.UUID
    tracker_id: uuid.UUID | None
    calculation_id: uuid.UUID | None
    month: MonthStr | None
    action: AuditAction
    before: dict[str, Any] | None = Field(
        description="State before the change (null for a create); decimals as strings."
    )
    after: dict[str, Any] | None = Field(
        description="State after the change (null for a delete); decimals as strings."
    )
    request_id: str | None
