"""ARR per customer at a date, for signals and health to use (SPEC 4).

STUB written by i14 so the signals can call it; engineer i13's module replaces this file.
It returns no ARR, which the signals report as "ARR unavailable" with the reason.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession


async def arr_by_customer(
    session: AsyncSession, organization_id: uuid.UUID, at: datetime.date
) -> dict[uuid.UUID, tuple[Decimal, str]]:
    """Each customer's ARR and its currency at `at`; only customers with a ledger entry."""
    del session, organization_id, at
    return {}
