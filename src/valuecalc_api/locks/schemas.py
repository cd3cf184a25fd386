"""Request and response bodies of the month-lock endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import ConfigDict, Field

from valuecalc_api.schema_types import InputModel, MonthStr, OutputModel


class LockIn(InputModel):
    """Lock the tracker through a month (typically the last month shown at a QBR)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"through": "2026-03"}]})

    through: MonthStr = Field(description="Lock every month up to and including this one.")


class LockOut(OutputModel):
    """A tracker's lock; `locked_through` null means no month is locked."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "tracker_id": "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                    "locked_through": "2026-03",
                    "locked_by_key_id": "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4",
                    "locked_at": "2026-04-08T16:20:00Z",
                },
                {
                    "tracker_id": "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                    "locked_through": None,
                    "locked_by_key_id": None,
                    "locked_at": None,
                },
            ]
        }
    )

    tracker_id: uuid.UUID
    locked_through: MonthStr | None
    locked_by_key_id: uuid.UUID | None
    locked_at: datetime | None
