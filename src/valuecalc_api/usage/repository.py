"""Every query of the usage report: one set-based statement per month over the book (the
days are summed in SQL; a million stored days never reach Python)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.signals.repository import customer_filters


@dataclass(frozen=True, slots=True)
class CustomerMonth:
    customer_id: uuid.UUID
    name: str
    segment: str | None
    owner: str | None
    days_reported: int
    active_user_days: int
    monthly_actives: int | None
    seat_record_on: date | None
    seats: int | None
    features_used: list[str]


_MONTH = """
WITH days AS (
    SELECT customer_id, count(*) AS days_reported, sum(active_users) AS active_user_days
    FROM usage_days
    WHERE organization_id = :organization_id AND day BETWEEN :first_day AND :last_day
    GROUP BY customer_id
), used AS (
    SELECT d.customer_id, array_agg(DISTINCT f.key ORDER BY f.key) AS features
    FROM usage_days d CROSS JOIN LATERAL jsonb_each_text(d.feature_actives) AS f(key, value)
    WHERE d.organization_id = :organization_id AND d.day BETWEEN :first_day AND :last_day
      AND f.key = ANY(:features) AND f.value::bigint > 0
    GROUP BY d.customer_id
), monthly AS (
    SELECT customer_id, monthly_active_users
    FROM usage_months WHERE organization_id = :organization_id AND month = :first_day
), seats AS (
    SELECT DISTINCT ON (customer_id) customer_id, effective_on, seats
    FROM seat_counts
    WHERE organization_id = :organization_id AND effective_on <= :month_end
    ORDER BY customer_id, effective_on DESC
)
SELECT cu.id, cu.name, cu.segment, cu.owner, coalesce(d.days_reported, 0),
       coalesce(d.active_user_days, 0), m.monthly_active_users, s.effective_on, s.seats,
       coalesce(u.features, ARRAY[]::text[])
FROM customers cu
LEFT JOIN days d ON d.customer_id = cu.id
LEFT JOIN monthly m ON m.customer_id = cu.id
LEFT JOIN seats s ON s.customer_id = cu.id
LEFT JOIN used u ON u.customer_id = cu.id
WHERE cu.organization_id = :organization_id
  AND (d.customer_id IS NOT NULL OR m.customer_id IS NOT NULL OR s.customer_id IS NOT NULL)
"""


async def customer_months(
    session: AsyncSession,
    organization_id: uuid.UUID,
    first_day: date,
    last_day: date,
    month_end: date,
    features: list[str],
    tracker_ids: Collection[uuid.UUID] | None,
    customer_id: uuid.UUID | None = None,
) -> list[CustomerMonth]:
    """Each customer with usage, monthly actives or seats: its month's sums and facts."""
    filters, parameters = customer_filters(customer_id, tracker_ids, "cu.id")
    rows = await session.execute(
        text(_MONTH + filters + " ORDER BY cu.name, cu.id"),
        {
            "organization_id": organization_id,
            "first_day": first_day,
            "last_day": last_day,
            "month_end": month_end,
            "features": features,
            **parameters,
        },
    )
    return [
        CustomerMonth(
            row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], list(row[9])
        )
        for row in rows
    ]
