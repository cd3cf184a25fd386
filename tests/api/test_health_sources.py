"""Health indicators and the backtest from the revenue ledger and the customer signals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.api.conftest import Tenant
from tests.api.health_builders import create_profile, indicator, record_pulse
from tests.api.revenue_builders import bulk, customer, movement
from tests.api.value_tracking_builders import expect


async def _ledger(
    client: httpx.AsyncClient, headers: dict[str, str], rows: list[dict[str, Any]]
) -> None:
    expect(await bulk(client, headers, "movements", rows), 200)


async def test_the_backtest_separates_churned_and_contracted_customers_from_the_ledger(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    profile = await create_profile(client, tenant.admin)
    ids = {}
    for name in ("churns", "shrinks", "stays", "grows"):
        ids[name] = (await customer(client, tenant.admin, name))["id"]
    await _ledger(
        client,
        tenant.admin,
        [movement(f"new-{n}", n, "2025-01-01", "new", "1000") for n in ids]
        + [
            movement("churn-1", "churns", "2025-09-01", "churn", "1000"),
            movement("down-1", "shrinks", "2025-09-01", "downsell", "400"),
            movement("up-1", "grows", "2025-09-01", "upsell", "500"),
        ],
    )
    for name, status in (("churns", "red"), ("shrinks", "red"), ("stays", "green")):
        await record_pulse(client, tenant.admin, ids[name], status, "2025-06-01")
    await record_pulse(client, tenant.admin, ids["grows"], "yellow", "2025-06-01")
    result = expect(
        await client.get(
            "/v1/health-backtest",
            params={"profile_id": profile["id"], "as_of": "2025-06-30", "horizon_days": "180"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert (result["customers"], result["scored"], result["lost"], result["retained"]) == (
        4,
        4,
        2,
        2,
    )
    assert result["auc"] == "1.0000"
    red, yellow, green, unscored = result["bands"]
    assert (red["customers"], red["churned"], red["contracted"]) == (2, 1, 1)
    assert (red["churn_rate"], red["contraction_rate"]) == ("0.5000", "0.5000")
    assert (yellow["customers"], green["customers"], unscored["customers"]) == (1, 1, 0)
    assert green["churn_rate"] == "0.0000"


async def test_net_revenue_retention_is_arr_now_over_arr_a_window_ago(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_profile(
        client,
        tenant.admin,
        indicators=[
            {**indicator("net_revenue_retention", "1", "80", "120"), "window_days": 365},
            indicator("pulse", "1"),
            indicator("csat", "1"),
        ],
    )
    found = await customer(client, tenant.admin, "grower")
    await _ledger(
        client,
        tenant.admin,
        [
            movement("n", "grower", "2025-01-01", "new", "1000"),
            movement("u", "grower", "2026-01-15", "upsell", "100"),
        ],
    )
    score = expect(
        await client.get(
            f"/v1/customers/{found['id']}/health",
            params={"as_of": "2026-02-01"},
            headers=tenant.viewer,
        ),
        200,
    )
    nrr = score["indicators"][0]
    assert Decimal(nrr["value"]) == Decimal(110)  # 1,100 now / 1,000 on 2025-02-01
    assert nrr["points"] == "75.00"  # (110 - 80) x 100 / (120 - 80)
    assert score["score"] == "75.00"  # the only indicator with a value
    book = expect(
        await client.get("/v1/book", params={"as_of": "2026-02-01"}, headers=tenant.viewer), 200
    )
    assert book["items"][0]["arr"] == {
        "amount": "1100",
        "currency": "USD",
        "as_of_date": "2026-02-01",
    }
    assert book["totals"]["arr"] == [{"amount": "1100", "currency": "USD"}]
    summary = expect(
        await client.get(
            f"/v1/customers/{found['id']}/summary",
            params={"as_of": "2026-02-01"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert [(m["date"], m["kind"], m["amount"]) for m in summary["arr_movements"]] == [
        ("2026-01-15", "upsell", "100"),
        ("2025-01-01", "new", "1000"),
    ]


async def test_survey_answers_and_touches_feed_their_indicators(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_profile(
        client,
        tenant.admin,
        indicators=[
            indicator("nps", "1", "-100", "100"),
            indicator("days_since_last_touch", "1", "30", "7"),
            indicator("goals_achieved", "1"),
        ],
    )
    found = await customer(client, tenant.admin, "talker")
    for index, score in enumerate((9, 10, 3)):
        expect(
            await client.post(
                "/v1/survey-responses",
                json={
                    "customer_external_id": "talker",
                    "external_id": f"nps-{index}",
                    "respondent": f"person-{index}",
                    "answered_on": "2026-03-01",
                    "kind": "nps",
                    "score": score,
                },
                headers=tenant.admin,
            ),
            201,
        )
    expect(
        await client.post(
            "/v1/touches",
            json={
                "customer_external_id": "talker",
                "external_id": "touch-1",
                "occurred_at": "2026-03-13T10:00:00Z",
                "channel": "call",
                "direction": "inbound",
            },
            headers=tenant.admin,
        ),
        201,
    )
    score = expect(
        await client.get(
            f"/v1/customers/{found['id']}/health",
            params={"as_of": "2026-03-31"},
            headers=tenant.viewer,
        ),
        200,
    )
    nps, touch, goals = score["indicators"]
    # 2 promoters, 1 detractor of 3: NPS 33.33..; points (33.33.. + 100) / 2 = 66.67
    assert (Decimal(nps["value"]), nps["points"]) == (Decimal("33.3333"), "66.67")
    # 18 days since 2026-03-13: 0 at 30, 100 at 7 -> 52.17 (the worked example)
    assert (touch["value"], touch["points"]) == ("18", "52.17")
    assert goals["missing_reason"] == "no_goal"
    assert score["score"] == "59.42"  # (66.6666.. + 52.1739..) / 2 = 59.420.. -> 59.42
    assert [i["contribution"] for i in score["indicators"]] == ["33.33", "26.09", None]
    book = expect(
        await client.get(
            "/v1/book",
            params={"as_of": "2026-03-31", "sort": "days_since_touch"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert book["items"][0]["days_since_last_touch"] == {
        "value": "18",
        "as_of_date": "2026-03-13",
        "missing_reason": None,
    }
