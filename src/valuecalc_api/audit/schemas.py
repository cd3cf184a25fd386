"""Response bodies of the history endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from valuecalc_api.fields import MonthStr, OutputModel
from valuecalc_api.models.audit import AuditAction, AuditEntity


class AuditEventOut(OutputModel):
    """One change: who made it, when, and the entity's state before and after."""

    id: uuid.UUID
    occurred_at: datetime = Field(description="Database time of the transaction that made it.")
    actor_key_id: uuid.UUID = Field(description="The API key that made the change.")
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
