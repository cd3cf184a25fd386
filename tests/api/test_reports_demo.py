"""The demo data (`valuecalc serve`'s first start) reads back as the seed tells it."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import bearer
from tests.api.test_value_examples_http import get_report
from tests.api.value_tracking_builders import expect
from valuecalc_api.demo import seed_demo, seed_demo_if_empty
from valuecalc_api.settings import Settings


async def test_demo_tracker_tells_the_seed_sentence(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    demo = await seed_demo_if_empty(session, settings)
    await session.commit()
    assert demo is not None
    assert await seed_demo_if_empty(session, settings) is None  # seeded once
    await session.rollback()
    headers = bearer(demo.admin_key)
    tracker_id = str(demo.tracker_id)

    march = await get_report(client, headers, tracker_id, "2026-03")
    assert march["tracker"]["customer_name"] == "Acme Support Co"
    assert march["totals"]["realized"] == "109000.00"
    tickets = march["use_cases"][0]["calculations"][0]
    assert tickets["summary"]["latest_improvement"] == "0.5800"
    assert [u["status"] for u in march["use_cases"]] == ["active", "active", "active", "inactive"]

    august = await get_report(client, headers, tracker_id, "2026-08")
    tickets = august["use_cases"][0]
    assert tickets["totals"]["realized"] == "450000.00"  # V2
    assert august["use_cases"][3]["counted"] is False
    # cost: 5000.00 a month + 15000.00 onboarding; the projection ramps toward target.
    assert august["totals"]["cost"] == "55000.00"
    assert august["totals"]["projected"] != "0.00"

    view = expect(
        await client.get(f"/v1/trackers/{tracker_id}/measurements-view", headers=headers), 200
    )
    assert view["month"] == "2026-07"
    assert len(view["metrics"]) == 3  # the inactive use case is not on the Measurements tab
    # The tracker's customer, beside the revenue book's customers (demo_revenue).
    customers = expect(
        await client.get("/v1/customers", params={"external_id": "acme"}, headers=headers), 200
    )["items"]
    assert [(c["name"], c["external_id"]) for c in customers] == [("Acme Support Co", "acme")]
    customers = expect(
        await client.get("/v1/customers", params={"limit": 200}, headers=headers), 200
    )["items"]
    # The signals demo (demo_signals) adds customers of its own beside the tracker's.
    assert ("Acme Support Co", "acme") in [(c["name"], c["external_id"]) for c in customers]


async def test_seed_demo_twice_makes_two_organizations(
    session: AsyncSession, settings: Settings
) -> None:
    first = await seed_demo(session, settings)
    second = await seed_demo(session, settings)  # `valuecalc seed-demo` adds another
    await session.commit()
    assert first.organization_id != second.organization_id
    assert first.tracker_id != second.tracker_id
