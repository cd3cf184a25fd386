"""The customer's revenue and health for the renewal pack, read by the same functions and
written by the same schemas as `GET /v1/customers/{id}/summary`, `.../health` and
`.../health/history`, so the pack's figures are the API's digit for digit.

Revenue, pulses, surveys and scores have no data version, so the pack's cache key carries
a digest of these figures (`digest`): a change of any of them is a new pack.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customer_health import repository as health_repository
from valuecalc_api.customer_health.score_schemas import HealthScoreOut
from valuecalc_api.customer_health.score_views import customer_history, score_body
from valuecalc_api.customer_health.scores import score_customers
from valuecalc_api.customer_view.repository import last_movements, renewals_due
from valuecalc_api.customer_view.schemas import ArrOut, CustomerArrMovementOut
from valuecalc_api.models import Customer, Tracker
from valuecalc_api.models.numeric import plain_decimal
from valuecalc_api.pulse.service import today
from valuecalc_core.health.history import Every
from valuecalc_core.months import Month

Payload = dict[str, Any]
# The trend compares the pack's day with the month ends before it (3 points).
HISTORY_MONTHS = 3


def pack_day(month: Month) -> date:
    """The day the customer's figures are read on: the month's last day, or today while
    the month is not over."""
    last = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    return min(last, today())


async def tracker_customer(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> Customer:
    customer: Customer = (
        await session.execute(
            select(Customer)
            .join(Tracker, Tracker.customer_id == Customer.id)
            .where(Tracker.id == tracker_id, Tracker.organization_id == organization_id)
        )
    ).scalar_one()
    return customer


# `revenue.arr_lookup.arr_by_customer`'s sum for one customer: the pack is read on every
# request (its figures key the cache), and the whole book's ARR would cost a pack of a
# large organization seconds.
_CUSTOMER_ARR_AT = text(
    """
    SELECT m.currency,
           sum(CASE WHEN m.kind IN ('downsell', 'churn') THEN -m.amount ELSE m.amount END)
    FROM arr_movements AS m
    WHERE m.organization_id = CAST(:organization_id AS uuid)
      AND m.customer_id = CAST(:customer_id AS uuid)
      AND m.date <= CAST(:at AS date)
    GROUP BY m.currency
    """
)


async def customer_arr(
    session: AsyncSession, organization_id: uuid.UUID, customer_id: uuid.UUID, at: date
) -> tuple[Decimal, str] | None:
    """The customer's ARR at the end of `at` and its currency (None without a movement)."""
    rows = (
        await session.execute(
            _CUSTOMER_ARR_AT,
            {"organization_id": organization_id, "customer_id": customer_id, "at": at},
        )
    ).all()
    return None if not rows else (plain_decimal(rows[-1][1]), rows[-1][0])


def _history_start(day: date) -> date:
    months = day.year * 12 + day.month - 1 - (HISTORY_MONTHS - 1)
    return date(months // 12, months % 12 + 1, 1)


async def customer_part(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID, day: date
) -> Payload:
    """The pack's customer figures as of `day`: ARR with its latest movements and the
    earliest undecided renewal (revenue), and the health score with its explanation and
    its last months' trend (None where there is no such figure)."""
    organization_id = principal.organization_id
    customer = await tracker_customer(session, organization_id, tracker_id)
    arr = await customer_arr(session, organization_id, customer.id, day)
    movements = [
        CustomerArrMovementOut.model_validate(
            {"date": m[0], "kind": m[1], "amount": m[2], "currency": m[3]}
        ).model_dump(mode="json")
        for m in await last_movements(session, organization_id, customer.id, day, 5)
    ]
    renewal = (await renewals_due(session, organization_id, [customer.id], day)).get(customer.id)
    scored = (
        await score_customers(session, principal, [(customer.id, customer.segment)], day, None)
    ).get(customer.id)
    health: Payload | None = None
    history: Payload | None = None
    if scored is not None:
        overrides = await health_repository.overrides_of(session, organization_id, [customer.id])
        health = HealthScoreOut.model_validate(
            score_body(customer.id, day, scored, overrides)
        ).model_dump(mode="json")
        found = await customer_history(
            session,
            principal,
            customer.id,
            start=_history_start(day),
            end=day,
            every=Every.month,
            compare_with=None,
            flat_within=Decimal(2),
            chosen=None,
        )
        history = found.model_dump(mode="json")
    return {
        "customer_id": str(customer.id),
        "as_of_date": day.isoformat(),
        "arr": None
        if arr is None
        else ArrOut.model_validate(
            {"amount": arr[0], "currency": arr[1], "as_of_date": day}
        ).model_dump(mode="json"),
        "arr_movements": movements,
        "renewal_date": None if renewal is None else renewal.isoformat(),
        "health": health,
        "health_history": history,
    }


def digest(part: Payload) -> str:
    """What the customer figures are, in a few characters (a cache key's part)."""
    text = json.dumps(part, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]
