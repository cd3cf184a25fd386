"""Every query of the engagement report; touch days are cut in the organization's time
zone by PostgreSQL (`AT TIME ZONE`)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.signals.repository import customer_filters

_TOUCH_DAYS = """
WITH local AS (
    SELECT t.customer_id, (t.occurred_at AT TIME ZONE :time_zone)::date AS day, t.direction
    FROM touches t
    WHERE t.organization_id = :organization_id
      AND t.occurred_at < ((CAST(:as_of AS date) + 1)::timestamp AT TIME ZONE :time_zone){filters}
)
SELECT customer_id, day, direction FROM local WHERE day >= :first_day
UNION ALL
SELECT * FROM (
    SELECT DISTINCT ON (customer_id) customer_id, day, direction
    FROM local WHERE day < :first_day ORDER BY customer_id, day DESC
) latest
UNION ALL
SELECT * FROM (
    SELECT DISTINCT ON (customer_id) customer_id, day, direction
    FROM local WHERE day < :first_day AND direction = 'inbound' ORDER BY customer_id, day DESC
) latest_inbound
"""


async def touch_days(
    session: AsyncSession,
    organization_id: uuid.UUID,
    time_zone: str,
    first_day: date,
    as_of: date,
    customer_id: uuid.UUID | None,
    tracker_ids: Collection[uuid.UUID] | None,
) -> list[tuple[uuid.UUID, date, str]]:
    """Every touch of the window, and before it each customer's latest touch and latest
    inbound touch: (customer, local day, direction)."""
    filters, parameters = customer_filters(customer_id, tracker_ids, "t.customer_id")
    rows = await session.execute(
        text(_TOUCH_DAYS.format(filters=filters)),
        {
            "organization_id": organization_id,
            "time_zone": time_zone,
            "first_day": first_day,
            "as_of": as_of,
            **parameters,
        },
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    tracker_ids: Collection[uuid.UUID] | None,
) -> dict[uuid.UUID, str]:
    """The customers a report covers: id -> name."""
    filters, parameters = customer_filters(customer_id, tracker_ids, "id")
    rows = await session.execute(
        text(
            "SELECT id, name FROM customers WHERE organization_id = :organization_id"  # noqa: S608
            + filters
        ),
        {"organization_id": organization_id, **parameters},
    )
    return {row[0]: row[1] for row in rows}
