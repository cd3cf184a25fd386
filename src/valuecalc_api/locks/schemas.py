"""Request and response bodies of the month-lock endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from valuecalc_api.fields import InputModel, MonthStr, OutputModel


class LockIn(InputModel):
    through: MonthStr = Field(description="Lock every month up to and including this one.")


class LockOut(OutputModel):
    """A tracker's lock; `locked_through` null means no month is locked."""

    tracker_id: uuid.UUID
    locked_through: MonthStr | None
    locked_by_key_id: uuid.UUID | None
    locked_at: datetime | None
