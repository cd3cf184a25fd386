"""ARR and its currency per customer at a date, for other domains (signals, health).

A customer's ARR at a date is the sum of its signed movements dated on or before it (SPEC 4),
summed in PostgreSQL in one statement. Customers with a movement by then are included, a
churned one with ARR 0; customers without any are left out.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.numeric import plain_decimal

_ARR_AT = text(
    """
    SELECT m.customer_id, m.currency,
           sum(CASE WHEN m.kind IN ('downsell', 'churn') THEN -m.amount ELSE m.amount END)
    FROM arr_movements AS m
    WHERE m.organization_id = CAST(:organization_id AS uuid)
      AND m.date <= CAST(:at AS date)
    GROUP BY m.customer_id, m.currency
    """
)


async def arr_by_customer(
    session: AsyncSession, organization_id: uuid.UUID, at: datetime.date
) -> dict[uuid.UUID, tuple[Decimal, str]]:
    """{customer id: (ARR at the end of `at`, its currency)} of the organization."""
    result = await session.execute(_ARR_AT, {"organization_id": organization_id, "at": at})
    return {row[0]: (plain_decimal(row[2]), row[1]) for row in result}
