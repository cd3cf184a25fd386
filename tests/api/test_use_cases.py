"""`/v1/trackers/{id}/use-cases` and `/v1/use-cases/{id}`: order, status, deletion, access."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    create_graph,
    create_tracker,
    create_use_case,
    error_fields,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.models import Calculation, Role, UseCase


async def test_create_appends_in_position_order_and_lists(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.admin)
    path = f"/v1/trackers/{tracker['id']}/use-cases"
    first = expect(
        await client.post(
            path,
            json={"name": "Faster ticket handling", "description": "Suggested answers."},
            headers=tenant.editor,
        ),
        201,
    )
    assert {k: v for k, v in first.items() if k not in ("id", "created_at", "updated_at")} == {
        "tracker_id": tracker["id"],
        "name": "Faster ticket handling",
        "description": "Suggested answers.",
        "status": "draft",
        "position": 0,
    }
    second = await create_use_case(client, tenant.admin, tracker["id"], name="Fewer escalations")
    assert second["position"] == 1
    pinned = await create_use_case(client, tenant.admin, tracker["id"], name="Pinned", position=7)
    assert pinned["position"] == 7
    page = expect(await client.get(f"{path}?limit=2", headers=tenant.viewer), 200)
    assert [u["name"] for u in page["items"]] == ["Faster ticket handling", "Fewer escalations"]
    rest = expect(
        await client.get(path, params={"cursor": page["next_cursor"]}, headers=tenant.viewer), 200
    )
    assert ([u["name"] for u in rest["items"]], rest["next_cursor"]) == (["Pinned"], None)
    assert (
        expect(await client.get(f"/v1/use-cases/{first['id']}", headers=tenant.viewer), 200)
        == first
    )


async def test_patch_changes_status_and_fields(client: httpx.AsyncClient, tenant: Tenant) -> None:
    tracker = await create_tracker(client, tenant.admin)
    use_case = await create_use_case(client, tenant.admin, tracker["id"])
    path = f"/v1/use-cases/{use_case['id']}"
    patched = expect(
        await client.patch(
            path,
            json={"status": "inactive", "position": 3, "name": "Renamed"},
            headers=tenant.editor,
        ),
        200,
    )
    assert (patched["status"], patched["position"], patched["name"]) == ("inactive", 3, "Renamed")
    assert error_fields(
        await client.patch(path, json={"status": "archived"}, headers=tenant.admin)
    ) == ["status"]
    assert error_fields(await client.patch(path, json={"position": -1}, headers=tenant.admin)) == [
        "position"
    ]
    assert error_fields(await client.patch(path, json={"status": None}, headers=tenant.admin)) == [
        "status"
    ]
    assert error_fields(
        await client.patch(path, json={"tracker_id": tracker["id"]}, headers=tenant.admin)
    ) == ["tracker_id"]
    assert expect(await client.get(path, headers=tenant.admin), 200) == patched


async def test_bad_create_bodies(client: httpx.AsyncClient, tenant: Tenant) -> None:
    tracker = await create_tracker(client, tenant.admin)
    path = f"/v1/trackers/{tracker['id']}/use-cases"
    assert error_fields(await client.post(path, json={}, headers=tenant.admin)) == ["name"]
    assert error_fields(
        await client.post(path, json={"name": "x", "status": "live"}, headers=tenant.admin)
    ) == ["status"]
    assert error_fields(
        await client.post(path, json={"name": "x", "owner": "me"}, headers=tenant.admin)
    ) == ["owner"]


async def test_delete_cascades_calculations_but_not_measured_ones(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    path = f"/v1/use-cases/{graph.use_case['id']}"
    expect(await put_measurement(client, tenant.admin, graph.calculation_id, "2026-02", "130"), 201)
    problem(await client.delete(path, headers=tenant.admin), 409, "has-measurements")
    await client.delete(
        f"/v1/calculations/{graph.calculation_id}/measurements/2026-02", headers=tenant.admin
    )
    assert (await client.delete(path, headers=tenant.editor)).status_code == 204
    problem(await client.get(path, headers=tenant.admin), 404)
    for model in (UseCase, Calculation):
        count = await session.scalar(select(func.count()).select_from(model))
        assert count == 0, model


async def test_auth_roles_tenants_and_limited_keys(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.admin)
    hidden_tracker = await create_tracker(client, tenant.admin, name="Hidden")
    use_case = await create_use_case(client, tenant.admin, tracker["id"])
    hidden = await create_use_case(client, tenant.admin, hidden_tracker["id"])
    path = f"/v1/use-cases/{use_case['id']}"
    problem(await client.get(path), 401)
    problem(await client.get(f"/v1/trackers/{tracker['id']}/use-cases"), 401)
    problem(await client.patch(path, json={"name": "x"}, headers=tenant.viewer), 403)
    problem(await client.delete(path, headers=tenant.viewer), 403)
    problem(
        await client.post(
            f"/v1/trackers/{tracker['id']}/use-cases", json={"name": "x"}, headers=tenant.viewer
        ),
        403,
    )
    limited = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(tracker["id"])])
    expect(await client.get(path, headers=limited), 200)
    cases = [
        (other_tenant.admin, use_case["id"], tracker["id"]),
        (tenant.admin, str(uuid.uuid4()), str(uuid.uuid4())),
        (limited, hidden["id"], hidden_tracker["id"]),
    ]
    for headers, use_case_id, tracker_id in cases:
        for method in ("GET", "PATCH", "DELETE"):
            response = await client.request(
                method, f"/v1/use-cases/{use_case_id}", json={"name": "x"}, headers=headers
            )
            assert problem(response, 404, "not-found")["detail"] == (
                "No use case with that id exists in your organization."
            )
        problem(await client.get(f"/v1/trackers/{tracker_id}/use-cases", headers=headers), 404)
        problem(
            await client.post(
                f"/v1/trackers/{tracker_id}/use-cases", json={"name": "x"}, headers=headers
            ),
            404,
        )
    assert expect(await client.get(path, headers=tenant.admin), 200) == use_case
