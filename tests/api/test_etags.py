"""ETag / If-Match on trackers, calculations, measurements and input changes (SPEC 6):
two editors never silently overwrite each other."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_graph, expect, problem, put_measurement


@pytest.fixture
async def second_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_a_stale_etag_gets_412_with_the_current_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    path = f"/v1/trackers/{graph.tracker['id']}"
    first = (await client.get(path, headers=tenant.admin)).headers["ETag"]
    renamed = await client.patch(
        path, json={"name": "One"}, headers=tenant.editor | {"If-Match": first}
    )
    assert renamed.status_code == 200
    second = renamed.headers["ETag"]
    assert second != first
    assert (await client.get(path, headers=tenant.viewer)).headers["ETag"] == second

    stale = await client.patch(
        path, json={"name": "Two"}, headers=tenant.editor | {"If-Match": first}
    )
    body = problem(stale, 412, "precondition-failed")
    assert body["current_etag"] == second
    assert (await client.get(path, headers=tenant.viewer)).json()["name"] == "One"
    weak = await client.patch(
        path, json={"name": "Two"}, headers=tenant.editor | {"If-Match": f"W/{second}"}
    )
    assert weak.status_code == 412
    # Without If-Match an update still goes through (only DELETE requires it).
    assert (
        await client.patch(path, json={"name": "Two"}, headers=tenant.editor)
    ).status_code == 200


async def test_calculation_etags_and_required_if_match_on_delete(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    path = f"/v1/calculations/{graph.calculation_id}"
    etag = (await client.get(path, headers=tenant.viewer)).headers["ETag"]
    patched = await client.patch(
        path, json={"name": "Renamed"}, headers=tenant.editor | {"If-Match": etag}
    )
    assert patched.status_code == 200
    problem(await client.delete(path, headers=tenant.editor), 428, "precondition-required")
    problem(
        await client.delete(path, headers=tenant.editor | {"If-Match": etag}),
        412,
        "precondition-failed",
    )
    current = patched.headers["ETag"]
    assert (
        await client.delete(path, headers=tenant.editor | {"If-Match": current})
    ).status_code == 204
    tracker = f"/v1/trackers/{graph.tracker['id']}"
    problem(await client.delete(tracker, headers=tenant.editor), 428, "precondition-required")


async def test_measurement_and_input_change_etags(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    month = f"/v1/calculations/{graph.calculation_id}/measurements/2026-03"
    problem(
        await client.put(month, json={"value": "1"}, headers=tenant.editor | {"If-Match": "*"}),
        412,
    )  # nothing exists yet, so no ETag (not even *) can match
    created = await put_measurement(client, tenant.editor, graph.calculation_id, "2026-03", "158")
    assert created.status_code == 201
    etag = created.headers["ETag"]
    read = await client.get(month, headers=tenant.viewer)
    assert (read.headers["ETag"], read.json()["value"]) == (etag, "158")
    updated = await client.put(
        month, json={"value": "160"}, headers=tenant.editor | {"If-Match": etag}
    )
    assert updated.status_code == 200
    problem(
        await client.put(month, json={"value": "1"}, headers=tenant.editor | {"If-Match": etag}),
        412,
    )
    problem(await client.delete(month, headers=tenant.editor | {"If-Match": etag}), 412)
    assert (await client.get(month, headers=tenant.viewer)).json()["value"] == "160"

    change = f"/v1/calculations/{graph.calculation_id}/inputs/reps/changes/2026-06"
    expect(await client.put(change, json={"value": "15"}, headers=tenant.editor), 201)
    change_etag = (await client.get(change, headers=tenant.viewer)).headers["ETag"]
    expect(
        await client.put(
            change, json={"value": "16"}, headers=tenant.editor | {"If-Match": change_etag}
        ),
        200,
    )
    problem(await client.delete(change, headers=tenant.editor | {"If-Match": change_etag}), 412)


@pytest.mark.parametrize("kind", ["tracker", "calculation", "measurement", "input change"])
async def test_two_concurrent_updates_with_the_same_etag_one_wins(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, tenant: Tenant, kind: str
) -> None:
    graph = await create_graph(client, tenant.admin)
    calculation = f"/v1/calculations/{graph.calculation_id}"
    if kind == "measurement":
        expect(
            await put_measurement(client, tenant.admin, graph.calculation_id, "2026-03", "1"), 201
        )
    if kind == "input change":
        expect(
            await client.put(
                f"{calculation}/inputs/reps/changes/2026-06",
                json={"value": "1"},
                headers=tenant.admin,
            ),
            201,
        )
    path, method, bodies = {
        "tracker": (
            f"/v1/trackers/{graph.tracker['id']}",
            "PATCH",
            ({"name": "By editor A"}, {"name": "By editor B"}),
        ),
        "calculation": (calculation, "PATCH", ({"name": "A"}, {"name": "B"})),
        "measurement": (
            f"{calculation}/measurements/2026-03",
            "PUT",
            ({"value": "2"}, {"value": "3"}),
        ),
        "input change": (
            f"{calculation}/inputs/reps/changes/2026-06",
            "PUT",
            ({"value": "2"}, {"value": "3"}),
        ),
    }[kind]
    etag = (await client.get(path, headers=tenant.admin)).headers["ETag"]
    headers = tenant.editor | {"If-Match": etag}
    first, second = await asyncio.gather(
        client.request(method, path, json=bodies[0], headers=headers),
        second_client.request(method, path, json=bodies[1], headers=headers),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 412]
    winner, winning_body = (first, bodies[0]) if first.status_code == 200 else (second, bodies[1])
    current = await client.get(path, headers=tenant.viewer)
    assert current.headers["ETag"] == winner.headers["ETag"]
    for field, value in winning_body.items():
        assert current.json()[field] == value
