"""The demo organization's revenue book (`valuecalc serve`'s first start): about 150
customers over 2024-2026 in three segments with four owners, yearly renewals with upsell,
downsell and churn (the latest still open), a reactivation, CS-qualified leads, and one EUR
customer with monthly FX rates to the USD reporting currency. Written through the ledger's
one write path, so the core validates it like any integration's data.

Deterministic: the same book on every first start (a seeded generator, not the clock).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customers import service as customers
from valuecalc_api.customers.schemas import CustomerCreate
from valuecalc_api.revenue import ledger_repository
from valuecalc_api.revenue.resource_kinds import FX_RATES, LEADS, MOVEMENTS, RENEWALS
from valuecalc_api.revenue.row_schemas import (
    FxRateRow,
    LeadRow,
    LeadStatusIn,
    MovementKindIn,
    MovementRow,
    RenewalOutcomeIn,
    RenewalRow,
)
from valuecalc_api.revenue.write_engine import write_rows
from valuecalc_core.months import Month

CUSTOMERS = 150
# Renewals due from this date on are still open in the demo.
OPEN_FROM = datetime.date(2026, 10, 1)
_SEGMENTS = (
    ("enterprise", 60_000, 250_000),
    ("mid-market", 15_000, 60_000),
    ("smb", 2_000, 15_000),
)
_OWNERS = ("ana.lopez", "ben.okafor", "chloe.martin", "dev.patel")
_FIRST = Month.parse("2024-01")


def _day(month: Month, day: int = 1) -> datetime.date:
    return datetime.date(month.year, month.month, day)


def _hundreds(amount: int) -> Decimal:
    """A whole number of hundreds (at least 100): demo amounts are drawn as integers."""
    return Decimal(amount // 100 * 100 or 100)


def _share(arr: Decimal, rng: random.Random, low: int, high: int) -> Decimal:
    """Between `low` and `high` percent of `arr`, in whole hundreds."""
    return _hundreds(int(arr) * rng.randint(low, high) // 100)


async def seed_revenue_demo(session: AsyncSession, admin: Principal) -> None:
    """Create the demo book in the admin's organization."""
    rng = random.Random(13)  # noqa: S311 - demo data, the same on every start; no secret
    await ledger_repository.set_reporting_currency(session, admin.organization_id, "USD")
    movements: list[MovementRow] = []
    renewals: list[RenewalRow] = []
    leads: list[LeadRow] = []
    for index in range(CUSTOMERS):
        segment, low, high = _SEGMENTS[index % 3]
        owner = _OWNERS[index % len(_OWNERS)]
        currency = "EUR" if index == 7 else "USD"
        external_id = f"demo-{index:03d}"
        await customers.create_customer(
            session,
            admin,
            CustomerCreate(
                name=f"Demo customer {index:03d}",
                external_id=external_id,
                segment=segment,
                owner=owner,
                currency=currency,
            ),
        )
        start = _FIRST + (2 if index == 11 else rng.randrange(0, 30))
        arr = _hundreds(rng.randint(low, high))
        movements.append(_movement(f"{external_id}-new", external_id, _day(start, 5), "new", arr))
        renewal_month = start + 12
        churned_at: Month | None = None
        while renewal_month <= Month.parse("2026-12"):
            due = _day(renewal_month, 1) - datetime.timedelta(days=1)
            renewal_id = f"{external_id}-rn-{due.year}"
            decided = due < OPEN_FROM
            roll = rng.random()
            if roll < 0.12 or index == 11:
                outcome, kind, amount = "churned", "churn", arr
            elif roll < 0.45:
                outcome, kind, amount = (
                    "renewed",
                    "upsell",
                    _share(arr, rng, 5, 30),
                )
            elif roll < 0.55:
                outcome, kind, amount = "renewed", "cross_sell", _share(arr, rng, 10, 10)
            elif roll < 0.7:
                outcome, kind, amount = (
                    "renewed",
                    "downsell",
                    _share(arr, rng, 5, 30),
                )
            else:
                outcome, kind, amount = "renewed", "", Decimal(0)
            renewals.append(
                RenewalRow(
                    external_id=renewal_id,
                    customer_external_id=external_id,
                    due_date=due,
                    renewable_arr=arr,
                    outcome=RenewalOutcomeIn(outcome if decided else "open"),
                    closed_date=due if decided else None,
                )
            )
            if decided and kind:
                movements.append(
                    _movement(f"{renewal_id}-{kind}", external_id, due, kind, amount, renewal_id)
                )
                arr = (
                    Decimal(0)
                    if kind == "churn"
                    else (arr - amount if kind == "downsell" else arr + amount)
                )
            if arr == 0:
                churned_at = renewal_month
                break
            renewal_month += 12
        if churned_at is not None and index == 11:  # a customer that comes back
            back = churned_at + 5
            movements.append(
                _movement(
                    f"{external_id}-back",
                    external_id,
                    _day(back, 15),
                    "reactivation",
                    Decimal(12_000),
                )
            )
        for lead_index in range(rng.randrange(0, 2)):
            raised = _day(start + rng.randrange(3, 24), 10)
            status = rng.choice(("open", "won", "won", "lost"))
            leads.append(
                LeadRow(
                    external_id=f"{external_id}-csql-{lead_index}",
                    customer_external_id=external_id,
                    raised_on=min(raised, datetime.date(2026, 11, 30)),
                    status=LeadStatusIn(status),
                    closed_revenue=_hundreds(rng.randint(2_000, 30_000))
                    if status == "won"
                    else None,
                    owner=owner,
                )
            )
    await write_rows(session, admin, RENEWALS, renewals, [])
    await write_rows(session, admin, MOVEMENTS, movements, [])
    await write_rows(session, admin, LEADS, leads, [])
    rates = [
        FxRateRow(
            currency="EUR",
            month=_FIRST + offset,
            units_of_reporting_currency_per_unit=Decimal("1.05") + Decimal(offset % 9) / 100,
        )
        for offset in range(48)
    ]
    await write_rows(session, admin, FX_RATES, rates, [])


def _movement(
    external_id: str,
    customer: str,
    date: datetime.date,
    kind: str,
    amount: Decimal,
    renewal: str | None = None,
) -> MovementRow:
    return MovementRow(
        external_id=external_id,
        customer_external_id=customer,
        date=date,
        kind=MovementKindIn(kind),
        amount=amount,
        renewal_external_id=renewal,
    )
