"""A write that changes nothing changes no version (issue 12): a PATCH whose fields equal
the stored ones answers 200 with the same version and ETag, records no audit event and
leaves cached reports valid (the tracker's data version does not move)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import SUPPORT_CALCULATION, Graph, create_graph, expect


async def _history_count(client: httpx.AsyncClient, tenant: Tenant, tracker_id: str) -> int:
    body = expect(
        await client.get(f"/v1/trackers/{tracker_id}/history?limit=200", headers=tenant.viewer),
        200,
    )
    return len(body["items"])


async def _report_etag(client: httpx.AsyncClient, tenant: Tenant, tracker_id: str) -> str:
    response = await client.get(f"/v1/trackers/{tracker_id}/report", headers=tenant.viewer)
    expect(response, 200)
    return response.headers["ETag"]


async def _report_unchanged(
    client: httpx.AsyncClient, tenant: Tenant, tracker_id: str, etag: str
) -> bool:
    response = await client.get(
        f"/v1/trackers/{tracker_id}/report", headers={**tenant.viewer, "If-None-Match": etag}
    )
    return response.status_code == 304


async def _patch(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, body: dict[str, Any], etag: str
) -> httpx.Response:
    return await client.patch(path, json=body, headers={**headers, "If-Match": etag})


async def _state(client: httpx.AsyncClient, tenant: Tenant, graph: Graph) -> tuple[int, str]:
    tracker_id = graph.tracker["id"]
    return await _history_count(client, tenant, tracker_id), await _report_etag(
        client, tenant, tracker_id
    )


async def test_patches_equal_to_the_stored_fields_change_nothing(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.editor, recurring_fee_amount="120000")
    tracker_id = graph.tracker["id"]
    events, report_etag = await _state(client, tenant, graph)

    tracker = await client.get(f"/v1/trackers/{tracker_id}", headers=tenant.viewer)
    same_terms = {
        "name": graph.tracker["name"],
        "currency": "USD",
        "start_month": "2026-01",
        "end_month": "2026-12",
        "recurring_fee_amount": "120000.00",  # the same amount, written with its cents
        "one_time_fees": [],
        "customer_id": graph.customer["id"],
    }
    response = await _patch(
        client, tenant.editor, f"/v1/trackers/{tracker_id}", same_terms, tracker.headers["ETag"]
    )
    assert expect(response, 200)["version"] == graph.tracker["version"]
    assert response.headers["ETag"] == tracker.headers["ETag"]

    calculation_path = f"/v1/calculations/{graph.calculation_id}"
    calculation = await client.get(calculation_path, headers=tenant.viewer)
    # Every field as created (inputs with their initial values, ramp, metric, formula).
    response = await _patch(
        client, tenant.editor, calculation_path, SUPPORT_CALCULATION, calculation.headers["ETag"]
    )
    assert expect(response, 200)["version"] == graph.calculation["version"]
    assert response.headers["ETag"] == calculation.headers["ETag"]

    use_case = graph.use_case
    response = await client.patch(
        f"/v1/use-cases/{use_case['id']}",
        json={"name": use_case["name"], "status": use_case["status"]},
        headers=tenant.editor,
    )
    expect(response, 200)
    customer = graph.customer
    response = await client.patch(
        f"/v1/customers/{customer['id']}", json={"name": customer["name"]}, headers=tenant.admin
    )
    assert expect(response, 200)["name"] == customer["name"]

    # Nothing was recorded, and the cached report is still the current one.
    assert await _history_count(client, tenant, tracker_id) == events
    assert await _report_unchanged(client, tenant, tracker_id, report_etag)

    # A real change still bumps the version, leaves an event and a new report.
    response = await _patch(
        client,
        tenant.editor,
        f"/v1/trackers/{tracker_id}",
        {"recurring_fee_amount": "120000.01"},
        tracker.headers["ETag"],
    )
    assert expect(response, 200)["version"] == graph.tracker["version"] + 1
    assert await _history_count(client, tenant, tracker_id) == events + 1
    assert not await _report_unchanged(client, tenant, tracker_id, report_etag)


async def test_a_calculation_patch_changing_only_a_label_is_a_change(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.editor)
    response = await client.patch(
        f"/v1/calculations/{graph.calculation_id}",
        json={"metric": {"unit": "tickets per day"}},
        headers=tenant.editor,
    )
    body = expect(response, 200)
    assert body["version"] == graph.calculation["version"] + 1
    assert body["metric"]["unit"] == "tickets per day"
