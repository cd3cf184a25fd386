"""The demo organization's customer health: a default profile, reason codes, a few more
customers with pulses, and overrides (one in force, one expired), so the health, pulse
and book views show something on `make run`."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customer_health import overrides, profiles
from valuecalc_api.customer_health.profile_schemas import HealthProfileWrite
from valuecalc_api.customer_health.score_schemas import OverrideCreate
from valuecalc_api.customers import service as customers
from valuecalc_api.customers.repository import list_customers
from valuecalc_api.customers.schemas import CustomerCreate
from valuecalc_api.pulse import service as pulses
from valuecalc_api.pulse.schemas import PulseCreate, ReasonCodeCreate

_PROFILE: dict[str, Any] = {
    "name": "Standard",
    "is_default": True,
    "indicators": [
        {"kind": "value_realization", "weight": "40", "zero_at": "50", "full_at": "100"},
        {"kind": "pulse", "weight": "30", "zero_at": "0", "full_at": "100"},
        {"kind": "days_since_last_touch", "weight": "20", "zero_at": "30", "full_at": "7"},
        {"kind": "nps", "weight": "10", "zero_at": "-20", "full_at": "50"},
    ],
    "bands": {"yellow_from": "40", "green_from": "70"},
}
_CODES = [
    ("exec-sponsor-left", "risk", "Executive sponsor left", "Relationship", "Sponsor"),
    ("low-adoption", "risk", "Low adoption", "Product", "Usage"),
    ("budget-cuts", "risk", "Budget cuts", "Commercial", None),
    ("champion", "success", "Strong champion", "Relationship", "Champion"),
    ("roi-proven", "success", "ROI proven in a QBR", "Value", None),
]
# name, segment, owner, pulse status, reason codes
_CUSTOMERS = [
    ("Globex Analytics", "enterprise", "jane.doe", "green", ["champion", "roi-proven"]),
    ("Initech Services", "mid-market", "jane.doe", "yellow", ["low-adoption"]),
    ("Umbrella Retail", "enterprise", "raj.patel", "red", ["exec-sponsor-left", "budget-cuts"]),
    ("Hooli Cloud", "smb", "raj.patel", "green", ["champion"]),
]


async def seed_health(session: AsyncSession, admin: Principal) -> None:
    """Seed the health data of the demo organization (after its customer and tracker)."""
    today = pulses.today()
    await profiles.create_profile(session, admin, HealthProfileWrite.model_validate(_PROFILE))
    for code, kind, label, category, subcategory in _CODES:
        await pulses.create_reason_code(
            session,
            admin,
            ReasonCodeCreate.model_validate(
                {
                    "code": code,
                    "kind": kind,
                    "label": label,
                    "category": category,
                    "subcategory": subcategory,
                }
            ),
        )
    acme = (
        await list_customers(
            session, admin.organization_id, limit=1, after=None, external_id="acme"
        )
    )[0]
    await _pulse(session, admin, acme.id, "green", ["roi-proven"], today - timedelta(days=20))
    for name, segment, owner, status, codes in _CUSTOMERS:
        customer = await customers.create_customer(
            session, admin, CustomerCreate(name=name, segment=segment, owner=owner)
        )
        await _pulse(session, admin, customer.id, "yellow", [], today - timedelta(days=70))
        await _pulse(session, admin, customer.id, status, codes, today - timedelta(days=10))
        if name == "Umbrella Retail":
            await _override(session, admin, customer.id, "25", today, today + timedelta(days=45))
        if name == "Hooli Cloud":
            start = today - timedelta(days=90)
            await _override(session, admin, customer.id, "85", start, start + timedelta(days=30))


async def _pulse(
    session: AsyncSession,
    admin: Principal,
    customer_id: Any,
    status: str,
    codes: list[str],
    on: date,
) -> None:
    body = PulseCreate.model_validate(
        {"status": status, "reason_codes": codes, "recorded_on": on.isoformat()}
    )
    await pulses.record_pulse(session, admin, customer_id, body)


async def _override(
    session: AsyncSession,
    admin: Principal,
    customer_id: Any,
    score: str,
    starts_on: date,
    expires_on: date,
) -> None:
    body = OverrideCreate(
        score=Decimal(score),
        reason="Demo: the CSM knows something the data does not show yet.",
        starts_on=starts_on,
        expires_on=expires_on,
    )
    await overrides.create_override(session, admin, customer_id, body)
