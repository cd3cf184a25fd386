"""The demo organization shows something on every signal endpoint (issue 14)."""

from __future__ import annotations

from datetime import date

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import bearer
from tests.api.value_tracking_builders import expect
from valuecalc_api.demo import seed_demo
from valuecalc_api.settings import Settings


async def test_the_demo_has_signals_for_its_customers(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    demo = await seed_demo(session, settings)
    await session.commit()
    headers = bearer(demo.admin_key)
    nps = expect(
        await client.get(
            "/v1/survey-scores",
            params={"kind": "nps", "window_days": 365, "group_by": "customer"},
            headers=headers,
        ),
        200,
    )
    assert len(nps["groups"]) == 3
    renew = expect(
        await client.get("/v1/renew-today", params={"window_days": 90}, headers=headers), 200
    )
    assert renew["response_count"] == 3
    assert {f["answer"] for f in renew["follow_ups"]} == {"no", "unsure"}
    engagement = expect(await client.get("/v1/engagement", headers=headers), 200)
    # The revenue demo's customers have no touches (all silent); of the three customers
    # the signals demo speaks for, one is silent.
    signal_customers = {group["key"] for group in nps["groups"]}
    silent = [c["silent"] for c in engagement["customers"] if c["customer_id"] in signal_customers]
    assert len(silent) == 3
    assert silent.count(True) == 1
    goals = expect(await client.get("/v1/goal-summary", headers=headers), 200)
    assert goals["book"]["goal_count"] == 5
    onboarding = expect(await client.get("/v1/onboarding", headers=headers), 200)
    assert onboarding["cohorts"][0]["still_onboarding"] == 1
    months = [
        m["period"]
        for m in expect(
            await client.get("/v1/survey-scores/series", params={"kind": "nps"}, headers=headers),
            200,
        )["points"]
    ]
    assert months
    settings_body = expect(await client.get("/v1/signal-settings", headers=headers), 200)
    assert settings_body["value_features"] == ["alerts", "dashboards", "exports"]
    # Six months of usage: every one of them has a figure for each customer.
    usage_months = 0
    for back in range(1, 7):
        today = date.today()
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        report = expect(
            await client.get(
                "/v1/usage", params={"month": f"{year:04d}-{month + 1:02d}"}, headers=headers
            ),
            200,
        )
        assert len(report["groups"]) == 3
        usage_months += 1
        statuses = {g["label"]: g["utilization_status"] for g in report["groups"]}
        assert statuses["Globex Retail"] == "unlimited"
    assert usage_months == 6
