"""The demo organization's health data shows in the health, pulse and book views."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import bearer
from tests.api.value_tracking_builders import expect
from valuecalc_api.demo import seed_demo
from valuecalc_api.settings import Settings


async def test_the_demo_has_a_default_profile_pulses_and_overrides(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    demo = await seed_demo(session, settings)
    await session.commit()
    headers = bearer(demo.admin_key)
    book = expect(await client.get("/v1/book", params={"limit": "200"}, headers=headers), 200)
    rows = {row["name"]: row for row in book["items"]}
    everyone = book["totals"]["customers"]  # the revenue and signals demos add customers
    assert len(rows) == everyone
    assert rows["Umbrella Retail"]["pulse"]["status"] == "red"
    assert rows["Umbrella Retail"]["health"]["override_score"] == "25"
    assert rows["Hooli Cloud"]["health"]["override_score"] is None  # expired
    acme = rows["Acme Support Co"]
    assert acme["health"]["score"] is not None
    score = expect(
        await client.get(f"/v1/customers/{acme['customer_id']}/health", headers=headers), 200
    )
    valued = {i["kind"] for i in score["indicators"] if i["points"] is not None}
    assert {"value_realization", "pulse"} <= valued
    pulse_book = expect(await client.get("/v1/pulse-book", headers=headers), 200)
    assert [(s["status"], s["customers"]) for s in pulse_book["statuses"]] == [
        ("red", 1),
        ("yellow", 1),
        ("green", 3),
        (None, everyone - 5),
    ]
    assert pulse_book["top_success_by_count"][0]["code"] == "champion"
