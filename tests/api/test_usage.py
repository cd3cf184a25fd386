"""Usage through the API (issue 14, SPEC 5): daily counts, monthly actives, seats, and the
month's DAU/MAU, license utilization and adoption breadth in the organization's time zone."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_customer, create_tracker, expect, problem
from valuecalc_api.models import Role, UsageDay


def march(active: int = 12, customer: str = "crm-1", **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "customer_external_id": customer,
            "day": f"2026-03-{day:02d}",
            "active_users": active,
            "feature_actives": {"dashboards": 5} if day == 3 else {},
            **extra,
        }
        for day in range(1, 32)
    ]


async def _post(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], rows: list[dict[str, Any]]
) -> httpx.Response:
    return await client.post(path, json={"rows": rows}, headers=headers)


async def _setup(client: httpx.AsyncClient, tenant: Tenant) -> None:
    expect(
        await client.put(
            "/v1/signal-settings",
            json={"time_zone": "Europe/Berlin", "value_features": ["dashboards", "alerts"]},
            headers=tenant.admin,
        ),
        200,
    )
    await create_customer(client, tenant.admin, external_id="crm-1", segment="smb")
    expect(await _post(client, "/v1/usage-days/bulk", tenant.editor, march()), 200)
    expect(
        await _post(
            client,
            "/v1/usage-months/bulk",
            tenant.editor,
            [{"customer_external_id": "crm-1", "month": "2026-03", "monthly_active_users": 40}],
        ),
        200,
    )
    expect(
        await _post(
            client,
            "/v1/seat-counts/bulk",
            tenant.editor,
            [
                {"customer_external_id": "crm-1", "effective_on": "2026-01-01", "seats": 50},
                {"customer_external_id": "crm-1", "effective_on": "2026-04-01", "seats": None},
            ],
        ),
        200,
    )


async def _report(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    body: dict[str, Any] = expect(
        await client.get("/v1/usage", params={"month": "2026-03", **params}, headers=headers), 200
    )
    return body


async def test_stickiness_utilization_and_adoption_of_a_month(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _setup(client, tenant)
    body = await _report(client, tenant.viewer)
    assert body["time_zone"] == "Europe/Berlin"
    assert body["days_counted"] == 31
    (group,) = body["groups"]
    assert group["average_daily_actives"] == "12.00"
    assert group["monthly_actives"] == 40
    assert group["stickiness"] == "0.3000"
    assert (group["seats"], group["license_utilization"]) == (50, "0.8000")
    assert group["utilization_status"] == "ratio"
    assert group["value_features_used"] == ["dashboards"]
    assert group["adoption_breadth"] == "0.5000"
    by_segment = await _report(client, tenant.viewer, group_by="segment")
    assert [(g["key"], g["stickiness"]) for g in by_segment["groups"]] == [("smb", "0.3000")]
    csv = await client.get("/v1/usage.csv", params={"month": "2026-03"}, headers=tenant.viewer)
    assert csv.status_code == 200
    assert "Europe/Berlin" in csv.text


async def test_unlimited_seats_have_no_ratio_and_repushing_a_day_replaces_it(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await _setup(client, tenant)
    expect(
        await _post(
            client,
            "/v1/usage-months/bulk",
            tenant.editor,
            [{"customer_external_id": "crm-1", "month": "2026-04", "monthly_active_users": 40}],
        ),
        200,
    )
    april = await _report(client, tenant.viewer, month="2026-04")
    (group,) = april["groups"]
    assert group["utilization_status"] == "unlimited"
    assert group["license_utilization"] is None
    assert group["unlimited_customers"] == 1
    rows = march()
    rows[0]["active_users"] = 43  # +31 active user-days: the average is 13
    result = expect(await _post(client, "/v1/usage-days/bulk", tenant.editor, rows), 200)
    assert result["counts"] == {"created": 0, "updated": 1, "unchanged": 30}
    assert (await _report(client, tenant.viewer))["groups"][0]["average_daily_actives"] == "13.00"
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(UsageDay)) == 31


async def test_zero_seats_is_not_a_division(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await _setup(client, tenant)
    expect(
        await _post(
            client,
            "/v1/seat-counts/bulk",
            tenant.editor,
            [{"customer_external_id": "crm-1", "effective_on": "2026-02-01", "seats": 0}],
        ),
        200,
    )
    (group,) = (await _report(client, tenant.viewer))["groups"]
    assert (group["utilization_status"], group["license_utilization"]) == ("no_seats", None)


async def test_bad_usage_rows_store_nothing(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    rows = march()
    rows[4]["day"] = "2999-01-01"
    rows[9]["active_users"] = -1
    rows[12]["feature_actives"] = {"Bad Name!": 1}
    body = problem(await _post(client, "/v1/usage-days/bulk", tenant.editor, rows), 422)
    assert sorted({e["row"] for e in body["errors"]}) == [4, 9, 12]
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(UsageDay)) == 0
    problem(await _post(client, "/v1/usage-days/bulk", tenant.viewer, march()), 403)
    assert (await _post(client, "/v1/usage-days/bulk", {}, march())).status_code == 401
    future = problem(
        await client.get("/v1/usage", params={"month": "2999-01"}, headers=tenant.viewer), 422
    )
    assert future["errors"][0]["code"] == "month_in_future"


async def test_settings_need_an_admin_and_a_real_time_zone(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    settings = {"time_zone": "Mars/Olympus", "value_features": []}
    problem(await client.put("/v1/signal-settings", json=settings, headers=tenant.admin), 422)
    bad = {"time_zone": "Europe/Berlin\u0000", "value_features": []}
    problem(await client.put("/v1/signal-settings", json=bad, headers=tenant.admin), 422)
    settings["time_zone"] = "America/New_York"
    problem(await client.put("/v1/signal-settings", json=settings, headers=tenant.editor), 403)
    expect(await client.put("/v1/signal-settings", json=settings, headers=tenant.admin), 200)
    body = expect(await client.get("/v1/signal-settings", headers=tenant.viewer), 200)
    assert body == {"time_zone": "America/New_York", "value_features": []}


async def test_usage_is_scoped_to_the_organization_and_the_keys_trackers(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    await _setup(client, tenant)
    hidden = await create_customer(client, tenant.admin, name="Hidden", external_id="crm-2")
    expect(await _post(client, "/v1/usage-days/bulk", tenant.editor, march(customer="crm-2")), 200)
    seen = expect(await client.get("/v1/customers", headers=tenant.admin), 200)["items"][0]
    tracker = await create_tracker(client, tenant.admin, seen["id"])
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(tracker["id"])])
    labels = [g["key"] for g in (await _report(client, limited))["groups"]]
    assert labels == [seen["id"]]
    problem(
        await client.get(
            "/v1/usage", params={"month": "2026-03", "customer_id": hidden["id"]}, headers=limited
        ),
        404,
    )
    assert (await _report(client, other_tenant.admin))["groups"] == []
    refused = problem(await _post(client, "/v1/usage-days/bulk", other_tenant.editor, march()), 422)
    assert refused["errors"][0]["code"] == "customer_not_found"
