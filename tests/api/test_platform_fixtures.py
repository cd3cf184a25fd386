"""The fixtures themselves: a tenant's keys work, and tenants are isolated."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from valuecalc_api.models import ApiKey, Organization, Role


async def test_each_role_key_reaches_its_own_organization(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    for headers in (tenant.admin, tenant.editor, tenant.viewer, await tenant.key(Role.viewer)):
        response = await client.get("/v1/organization", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["id"] == str(tenant.organization_id)
    response = await client.get("/v1/organization", headers=other_tenant.admin)
    assert response.json()["id"] == str(other_tenant.organization_id)
    assert response.json()["name"] == "Globex Software"


async def test_every_test_starts_from_empty_tables(
    session: AsyncSession, tenant: Tenant, other_tenant: Tenant
) -> None:
    # Only this test's two tenants and their three keys each: earlier tests left nothing.
    assert await session.scalar(select(func.count()).select_from(Organization)) == 2
    assert await session.scalar(select(func.count()).select_from(ApiKey)) == 6
