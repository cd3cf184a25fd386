"""`/v1/customers`: CRUD, CRM-id filter and uniqueness, roles, tenants, tracker-limited keys."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    create_customer,
    create_tracker,
    error_fields,
    expect,
    problem,
)
from valuecalc_api.models import Customer, Role


async def _customer_count(session: AsyncSession) -> int:
    return (await session.scalar(select(func.count()).select_from(Customer))) or 0


async def test_create_then_get_returns_every_field(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    body = {
        "name": "  Northwind Support Ltd ",
        "external_id": "crm-0042",
        "segment": "mid-market",
        "owner": "jane.doe@vendor.example",
    }
    created = expect(await client.post("/v1/customers", json=body, headers=tenant.editor), 201)
    assert {k: created[k] for k in ("name", "external_id", "segment", "owner")} == {
        "name": "Northwind Support Ltd",
        "external_id": "crm-0042",
        "segment": "mid-market",
        "owner": "jane.doe@vendor.example",
    }
    uuid.UUID(created["id"])
    assert set(created) == {
        "id", "name", "external_id", "segment", "owner", "currency", "created_at", "updated_at"
    }  # fmt: skip
    fetched = expect(await client.get(f"/v1/customers/{created['id']}", headers=tenant.viewer), 200)
    assert fetched == created


async def test_list_pages_with_cursor_and_filters_by_external_id(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    names = ["Alpha", "Beta", "Gamma"]
    for index, name in enumerate(names):
        await create_customer(client, tenant.admin, name=name, external_id=f"crm-{index}")
    first = expect(await client.get("/v1/customers?limit=2", headers=tenant.viewer), 200)
    assert [c["name"] for c in first["items"]] == ["Alpha", "Beta"]
    assert first["next_cursor"] is not None
    second = expect(
        await client.get(
            "/v1/customers",
            params={"limit": 2, "cursor": first["next_cursor"]},
            headers=tenant.viewer,
        ),
        200,
    )
    assert [c["name"] for c in second["items"]] == ["Gamma"]
    assert second["next_cursor"] is None
    filtered = expect(
        await client.get("/v1/customers?external_id=crm-1", headers=tenant.viewer), 200
    )
    assert [c["name"] for c in filtered["items"]] == ["Beta"]


async def test_list_refuses_a_limit_over_200_and_a_forged_cursor(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    assert error_fields(await client.get("/v1/customers?limit=201", headers=tenant.viewer)) == [
        "query.limit"
    ]
    assert error_fields(await client.get("/v1/customers?cursor=abc", headers=tenant.viewer)) == [
        "cursor"
    ]


async def test_external_id_is_unique_per_organization_only(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-7")
    duplicate = await client.post(
        "/v1/customers", json={"name": "Copy", "external_id": "crm-7"}, headers=tenant.admin
    )
    assert "crm-7" in problem(duplicate, 409, "external-id-taken")["detail"]
    await create_customer(client, other_tenant.admin, external_id="crm-7")
    assert await _customer_count(session) == 2


async def test_patch_changes_and_clears_fields(client: httpx.AsyncClient, tenant: Tenant) -> None:
    customer = await create_customer(client, tenant.admin, owner="jane", segment="smb")
    patched = expect(
        await client.patch(
            f"/v1/customers/{customer['id']}",
            json={"segment": "enterprise", "owner": None},
            headers=tenant.editor,
        ),
        200,
    )
    assert (patched["name"], patched["segment"], patched["owner"]) == (
        "Northwind Support Ltd",
        "enterprise",
        None,
    )
    assert error_fields(
        await client.patch(
            f"/v1/customers/{customer['id']}", json={"name": None}, headers=tenant.editor
        )
    ) == ["name"]


async def test_patch_to_a_taken_external_id_is_a_conflict(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    second = await create_customer(client, tenant.admin, external_id="crm-2")
    response = await client.patch(
        f"/v1/customers/{second['id']}", json={"external_id": "crm-1"}, headers=tenant.admin
    )
    problem(response, 409, "external-id-taken")
    fetched = expect(await client.get(f"/v1/customers/{second['id']}", headers=tenant.admin), 200)
    assert fetched["external_id"] == "crm-2"


async def test_bad_bodies_name_the_field(client: httpx.AsyncClient, tenant: Tenant) -> None:
    assert error_fields(
        await client.post("/v1/customers", json={"name": "X", "tier": 1}, headers=tenant.admin)
    ) == ["tier"]
    assert error_fields(
        await client.post("/v1/customers", json={"name": "   "}, headers=tenant.admin)
    ) == ["name"]
    assert error_fields(await client.post("/v1/customers", json={}, headers=tenant.admin)) == [
        "name"
    ]


async def test_delete_removes_the_customer(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    customer = await create_customer(client, tenant.admin)
    response = await client.delete(f"/v1/customers/{customer['id']}", headers=tenant.editor)
    assert response.status_code == 204
    problem(await client.get(f"/v1/customers/{customer['id']}", headers=tenant.admin), 404)
    assert await _customer_count(session) == 0


async def test_delete_is_refused_while_the_customer_has_trackers(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    customer = await create_customer(client, tenant.admin)
    await create_tracker(client, tenant.admin, customer["id"])
    body = problem(
        await client.delete(f"/v1/customers/{customer['id']}", headers=tenant.admin),
        409,
        "customer-has-trackers",
    )
    assert body["tracker_count"] == 1
    assert await _customer_count(session) == 1


async def test_no_key_is_401(client: httpx.AsyncClient, tenant: Tenant) -> None:
    customer = await create_customer(client, tenant.admin)
    for method, path in [
        ("GET", "/v1/customers"),
        ("POST", "/v1/customers"),
        ("GET", f"/v1/customers/{customer['id']}"),
        ("PATCH", f"/v1/customers/{customer['id']}"),
        ("DELETE", f"/v1/customers/{customer['id']}"),
    ]:
        response = await client.request(method, path, json={"name": "x"})
        problem(response, 401, "unauthorized")


async def test_viewer_cannot_write(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    customer = await create_customer(client, tenant.admin)
    problem(await client.post("/v1/customers", json={"name": "x"}, headers=tenant.viewer), 403)
    problem(
        await client.patch(
            f"/v1/customers/{customer['id']}", json={"name": "x"}, headers=tenant.viewer
        ),
        403,
    )
    problem(await client.delete(f"/v1/customers/{customer['id']}", headers=tenant.viewer), 403)
    fetched = expect(await client.get(f"/v1/customers/{customer['id']}", headers=tenant.admin), 200)
    assert fetched == customer
    assert await _customer_count(session) == 1


async def test_missing_and_foreign_customers_are_404(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await create_customer(client, other_tenant.admin, name="Globex's customer")
    for customer_id in (str(uuid.uuid4()), theirs["id"]):
        for method in ("GET", "PATCH", "DELETE"):
            response = await client.request(
                method, f"/v1/customers/{customer_id}", json={"name": "x"}, headers=tenant.admin
            )
            body = problem(response, 404, "not-found")
            assert "Globex" not in response.text
            assert body["detail"] == "No customer with that id exists in your organization."
    listed = expect(await client.get("/v1/customers", headers=tenant.admin), 200)
    assert listed["items"] == []
    still = expect(
        await client.get(f"/v1/customers/{theirs['id']}", headers=other_tenant.admin), 200
    )
    assert still == theirs


async def test_tracker_limited_key_sees_only_customers_of_its_trackers(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    mine = await create_customer(client, tenant.admin, name="Mine")
    other = await create_customer(client, tenant.admin, name="Other")
    tracker = await create_tracker(client, tenant.admin, mine["id"])
    await create_tracker(client, tenant.admin, other["id"])
    limited = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(tracker["id"])])
    listed = expect(await client.get("/v1/customers", headers=limited), 200)
    assert [c["name"] for c in listed["items"]] == ["Mine"]
    expect(await client.get(f"/v1/customers/{mine['id']}", headers=limited), 200)
    problem(await client.get(f"/v1/customers/{other['id']}", headers=limited), 404)
    # Customers are organization-wide: a limited key cannot create or change them.
    problem(await client.post("/v1/customers", json={"name": "x"}, headers=limited), 403)
    problem(
        await client.patch(f"/v1/customers/{mine['id']}", json={"name": "x"}, headers=limited),
        403,
    )
