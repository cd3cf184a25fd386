"""The demo organization `valuecalc serve` creates on its first start (and `seed-demo`).

`seed_demo` only flushes; the caller commits. To show more in the demo (customers,
trackers, measurements), add a step below that builds on `organization.id` through the
domain services, so the demo data obeys the same rules as data sent over the API.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.organization import Role
from valuecalc_api.organizations import repository, service
from valuecalc_api.settings import Settings

DEMO_ORGANIZATION_NAME = "Demo Vendor"
# Serializes first-start seeding when two servers start on the same empty database.
_SEED_LOCK_ID = 0x76616C7565  # "value"


@dataclass(frozen=True, slots=True)
class DemoResult:
    organization_id: uuid.UUID
    organization_name: str
    admin_key: str  # the secret: print it once, it is stored only hashed


async def seed_demo(session: AsyncSession, settings: Settings) -> DemoResult:
    """Create the demo organization and its admin key."""
    organization = await service.create_organization(session, DEMO_ORGANIZATION_NAME)
    _, admin_key = await service.create_api_key(
        session, settings, organization.id, "Demo admin", Role.admin
    )
    # Further demo steps (customers, trackers, measurements) go here.
    return DemoResult(
        organization_id=organization.id,
        organization_name=organization.name,
        admin_key=admin_key,
    )


async def seed_demo_if_empty(session: AsyncSession, settings: Settings) -> DemoResult | None:
    """Seed the demo when the database has no organization yet (a first start)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _SEED_LOCK_ID})
    if await repository.count_organizations(session) > 0:
        return None
    return await seed_demo(session, settings)
