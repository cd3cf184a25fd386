"""Touches and engagement through the API (issue 14, SPEC 5)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_customer, expect, problem
from valuecalc_api.models import Touch


def touch(n: int, at: str, direction: str = "outbound", customer: str = "crm-1") -> dict[str, Any]:
    return {
        "customer_external_id": customer,
        "external_id": f"t-{n}",
        "occurred_at": at,
        "channel": "call",
        "direction": direction,
        "author": "csm@vendor.example",
    }


TOUCHES = [
    touch(1, "2026-03-01T10:00:00Z"),
    touch(2, "2026-03-05T10:00:00Z", "inbound"),
    touch(3, "2026-03-15T09:00:00Z"),
    touch(4, "2026-03-15T22:30:00Z"),  # 23:30 in Berlin: still the 15th
    touch(5, "2026-01-02T10:00:00Z", "inbound"),  # before the window
]
PARAMS = {"from": "2026-03-01", "to": "2026-03-20", "silent_after_days": 30}


async def test_days_since_last_touch_cadence_and_silent_customers(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    expect(
        await client.put(
            "/v1/signal-settings",
            json={"time_zone": "Europe/Berlin", "value_features": []},
            headers=tenant.admin,
        ),
        200,
    )
    await create_customer(client, tenant.admin, name="Talkative", external_id="crm-1")
    await create_customer(client, tenant.admin, name="Silent", external_id="crm-2")
    result = expect(
        await client.post("/v1/touches/bulk", json={"rows": TOUCHES}, headers=tenant.editor), 200
    )
    assert result["counts"]["created"] == 5
    body = expect(await client.get("/v1/engagement", params=PARAMS, headers=tenant.viewer), 200)
    assert body["time_zone"] == "Europe/Berlin"
    silent, talkative = body["customers"]
    assert (silent["name"], silent["silent"], silent["days_since_last_touch"]) == (
        "Silent",
        True,
        None,
    )
    assert talkative["days_since_last_touch"] == 5
    assert talkative["days_since_last_inbound"] == 15
    assert talkative["touches_in_period"] == 4
    assert talkative["cadence_days"] == "7.0"
    assert body["book"]["silent_customers"] == 1
    only_silent = expect(
        await client.get(
            "/v1/engagement", params={**PARAMS, "silent_only": True}, headers=tenant.viewer
        ),
        200,
    )
    assert [c["name"] for c in only_silent["customers"]] == ["Silent"]
    # In Berlin the touch at 23:30 UTC on the 15th is the 16th: 4 days since.
    expect(
        await client.post(
            "/v1/touches", json=touch(6, "2026-03-15T23:30:00Z"), headers=tenant.editor
        ),
        201,
    )
    later = expect(await client.get("/v1/engagement", params=PARAMS, headers=tenant.viewer), 200)
    assert later["customers"][1]["days_since_last_touch"] == 4
    csv = await client.get("/v1/engagement.csv", params=PARAMS, headers=tenant.viewer)
    assert csv.status_code == 200
    assert csv.text.splitlines()[0].startswith("customer_id,name")


async def test_touch_writes_are_checked_and_scoped(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    rows = [*TOUCHES, {**touch(9, "2999-01-01T00:00:00Z")}, {**touch(10, "2026-03-01T00:00:00")}]
    rows.append({**touch(11, "2026-03-01T00:00:00Z"), "channel": "pigeon"})
    body = problem(
        await client.post("/v1/touches/bulk", json={"rows": rows}, headers=tenant.editor), 422
    )
    assert sorted({e["row"] for e in body["errors"]}) == [5, 6, 7]
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(Touch)) == 0
    problem(await client.post("/v1/touches", json=TOUCHES[0], headers=tenant.viewer), 403)
    assert (await client.post("/v1/touches", json=TOUCHES[0])).status_code == 401
    created = expect(await client.post("/v1/touches", json=TOUCHES[0], headers=tenant.editor), 201)
    again = expect(await client.post("/v1/touches", json=TOUCHES[0], headers=tenant.editor), 200)
    assert again["id"] == created["id"]
    expect(await client.get(f"/v1/touches/{created['id']}", headers=tenant.viewer), 200)
    problem(await client.get(f"/v1/touches/{created['id']}", headers=other_tenant.admin), 404)
    listed = expect(await client.get("/v1/touches", headers=tenant.viewer), 200)
    assert [t["id"] for t in listed["items"]] == [created["id"]]
    assert expect(await client.get("/v1/touches", headers=other_tenant.admin), 200)["items"] == []
