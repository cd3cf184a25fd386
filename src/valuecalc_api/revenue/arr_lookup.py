"""ARR per customer at a date, for the health score and the book (SPEC 4).

A placeholder with the agreed signature until the revenue ledger's own module replaces
this file: it knows no ARR yet, so every customer has none.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession


async def arr_by_customer(
    session: AsyncSession, organization_id: uuid.UUID, at: datetime.date
) -> dict[uuid.UUID, tuple[Decimal, str]]:
    """ARR and its currency of each customer with ARR at the end of `at`."""
    return {}
