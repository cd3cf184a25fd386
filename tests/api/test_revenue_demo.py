"""The demo book shows something on every revenue read (first start of `valuecalc serve`)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import bearer
from tests.api.value_tracking_builders import expect
from valuecalc_api.demo import seed_demo
from valuecalc_api.settings import Settings


async def test_the_demo_book_shows_every_revenue_read(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    demo = await seed_demo(session, settings)
    await session.commit()
    headers = bearer(demo.admin_key)
    year = {"start": "2026-01", "end": "2026-12"}
    metrics = expect(
        await client.get(
            "/v1/revenue/metrics", params={**year, "split_by": "segment"}, headers=headers
        ),
        200,
    )
    total = metrics["total"]
    assert total["currency"] == "USD"
    assert total["customers_at_start"] > 50
    assert 0 < float(total["grr"]["value"]) < 1
    assert float(total["nrr"]["value"]) >= float(total["grr"]["value"])
    assert {s["key"] for s in metrics["splits"]} == {"enterprise", "mid-market", "smb"}
    assert total["renewals"]["open_renewals"] > 0
    assert total["renewals"]["renewals_decided"] > 0
    series = expect(
        await client.get(
            "/v1/revenue/metrics/series",
            params={
                "start": "2024-01",
                "end": "2026-12",
                "granularity": "quarter",
                "split_by": "owner",
            },
            headers=headers,
        ),
        200,
    )
    assert len(series["points"]) == 12
    assert len(series["splits"]) == 4
    bridge = expect(await client.get("/v1/revenue/arr-bridge", params=year, headers=headers), 200)
    assert bridge["fx_effect"] != "0.00"
    reactivated = expect(
        await client.get(
            "/v1/revenue/arr-bridge", params={"start": "2024-01", "end": "2026-12"}, headers=headers
        ),
        200,
    )
    assert reactivated["reactivation"] != "0.00"
    assert reactivated["churn"] != "0.00"
    leads = expect(await client.get("/v1/revenue/lead-summary", params=year, headers=headers), 200)
    assert leads["total"]["raised"] > 0
    assert len(leads["owners"]) == 4
