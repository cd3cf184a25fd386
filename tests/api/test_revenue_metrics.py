"""SPEC 4's worked examples R1 and R2 exactly, through HTTP, and the read forms."""

from __future__ import annotations

import httpx

from tests.api.conftest import Tenant
from tests.api.revenue_builders import bulk, customer, movement
from tests.api.value_tracking_builders import expect


async def _r2_book(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for name, segment in (("A", "smb"), ("B", "smb"), ("C", "ent"), ("D", "ent"), ("E", "smb")):
        await customer(client, tenant.admin, name, segment=segment, owner=f"owner-{segment}")
    rows = [
        movement("a0", "A", "2025-03-01", "new", "100"),
        movement("b0", "B", "2025-04-01", "new", "200"),
        movement("c0", "C", "2025-05-01", "new", "50"),
        movement("d0", "D", "2025-06-01", "new", "150"),
        movement("a1", "A", "2026-02-10", "upsell", "20"),
        movement("b1", "B", "2026-03-10", "downsell", "50"),
        movement("c1", "C", "2026-04-10", "churn", "50"),
        movement("d1", "D", "2026-05-10", "cross_sell", "30"),
        movement("e0", "E", "2026-06-10", "new", "80"),
    ]
    expect(await bulk(client, tenant.editor, "movements", rows), 200)


async def test_r2_through_http(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await _r2_book(client, tenant)
    body = expect(
        await client.get(
            "/v1/revenue/metrics",
            params={"start": "2026-01", "end": "2026-12"},
            headers=tenant.viewer,
        ),
        200,
    )
    total = body["total"]
    assert (total["grr"]["value"], total["grr"]["numerator"], total["grr"]["denominator"]) == (
        "0.8000",
        "400",
        "500",
    )
    assert (total["nrr"]["value"], total["nrr"]["numerator"]) == ("0.9000", "450")
    assert total["logo_retention"]["value"] == "0.7500"
    assert (total["logo_retention"]["numerator"], total["logo_retention"]["denominator"]) == (
        "3",
        "4",
    )
    assert total["quick_ratio"]["ratio"]["value"] == "1.3000"
    assert total["quick_ratio"]["band"] == "bad"
    assert "GRR" in total["grr"]["definition"]
    assert total["movements"] == {
        "new": "80.00",
        "expansion": "50.00",
        "reactivation": "0.00",
        "contraction": "-50.00",
        "churn": "-50.00",
        "net": "30.00",
    }


async def test_r2_split_by_segment_adds_up_to_the_total(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _r2_book(client, tenant)
    body = expect(
        await client.get(
            "/v1/revenue/metrics",
            params={"start": "2026-01", "end": "2026-12", "split_by": "segment"},
            headers=tenant.viewer,
        ),
        200,
    )
    splits = {s["key"]: s["metrics"] for s in body["splits"]}
    assert splits["smb"]["grr"]["numerator"] == "250"  # A 100 + B 150
    assert splits["ent"]["nrr"]["numerator"] == "180"  # C 0 + D 180
    assert body["total"]["grr"]["value"] == "0.8000"


async def test_r2_monthly_series_and_bridge(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await _r2_book(client, tenant)
    series = expect(
        await client.get(
            "/v1/revenue/metrics/series",
            params={"start": "2026-01", "end": "2026-06", "granularity": "month"},
            headers=tenant.viewer,
        ),
        200,
    )
    april = series["points"][3]
    assert april["period"] == {"start": "2026-04-01", "end": "2026-04-30"}
    assert april["grr"]["numerator"] == "420"  # 570 at the start of April, C's 50 churned
    assert april["grr"]["denominator"] == "470"
    assert april["quick_ratio"]["band"] == "bad"
    assert series["points"][0]["quick_ratio"]["band"] == "undefined"
    assert series["points"][0]["quick_ratio"]["ratio"]["value"] is None
    bridge = expect(
        await client.get(
            "/v1/revenue/arr-bridge",
            params={"start": "2026-01", "end": "2026-12"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert bridge["opening_arr"] == "500.00"
    assert bridge["closing_arr"] == "530.00"
    assert (bridge["new"], bridge["expansion"], bridge["churn"]) == ("80.00", "50.00", "-50.00")
    assert bridge["fx_effect"] == "0.00"
    csv = await client.get(
        "/v1/revenue/metrics/series.csv",
        params={"start": "2026-01", "end": "2026-03"},
        headers=tenant.viewer,
    )
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == 4
    alias = await client.get(
        "/v1/revenue/metrics",
        params={"start": "2026-01", "end": "2026-12", "format": "csv"},
        headers=tenant.viewer,
    )
    assert alias.text.splitlines()[1].split(",")[4] == "0.8000"
    accepted = await client.get(
        "/v1/revenue/renewal-rates",
        params={"start": "2026-01", "end": "2026-12"},
        headers={**tenant.viewer, "Accept": "text/csv"},
    )
    assert accepted.headers["content-type"].startswith("text/csv")
    assert accepted.text.startswith("step,amount,level,currency")


async def test_r1_renewal_waterfall_through_http(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for name in ("ra", "rb", "rc", "rd"):
        await customer(client, tenant.admin, name)
    expect(
        await bulk(
            client,
            tenant.editor,
            "movements",
            [
                movement("ra0", "ra", "2025-01-01", "new", "200000"),
                movement("rb0", "rb", "2025-01-01", "new", "109300"),
                movement("rc0", "rc", "2025-01-01", "new", "40000"),
                movement("rd0", "rd", "2025-01-01", "new", "10000"),
            ],
        ),
        200,
    )
    renewals = [
        {"external_id": "rn-a", "customer_external_id": "ra", "due_date": "2026-01-31",
         "renewable_arr": "200000", "outcome": "renewed", "closed_date": "2026-01-20"},
        {"external_id": "rn-b", "customer_external_id": "rb", "due_date": "2026-02-28",
         "renewable_arr": "109300", "outcome": "renewed", "closed_date": "2026-02-20"},
        {"external_id": "rn-c", "customer_external_id": "rc", "due_date": "2026-03-31",
         "renewable_arr": "40000", "outcome": "churned", "closed_date": "2026-03-20"},
        {"external_id": "rn-d", "customer_external_id": "rd", "due_date": "2026-03-31",
         "renewable_arr": "10000"},
    ]  # fmt: skip
    expect(await bulk(client, tenant.editor, "renewals", renewals), 200)
    tagged = [
        movement("ra1", "ra", "2026-01-20", "upsell", "63200", renewal_external_id="rn-a"),
        movement("rb1", "rb", "2026-02-20", "downsell", "25300", renewal_external_id="rn-b"),
        movement("rc1", "rc", "2026-03-20", "churn", "40000", renewal_external_id="rn-c"),
    ]
    expect(await bulk(client, tenant.editor, "movements", tagged), 200)
    body = expect(
        await client.get(
            "/v1/revenue/renewal-rates",
            params={"start": "2026-01", "end": "2026-03"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert body["renewable_arr"] == "349300.00"
    assert body["gross_renewed"] == "284000.00"
    assert body["net_renewed"] == "347200.00"
    assert body["gross_renewal_rate"]["value"] == "0.8131"
    assert body["net_renewal_rate"]["value"] == "0.9940"
    assert (body["open_renewals"], body["open_renewable_arr"]) == (1, "10000.00")
    assert body["logo_renewal_rate"]["value"] == "0.6667"
    steps = [(s["step"], s["amount"], s["level"]) for s in body["waterfall"]]
    assert steps == [
        ("renewable", "349300.00", "349300.00"),
        ("churn", "-40000.00", "309300.00"),
        ("downsell", "-25300.00", "284000.00"),
        ("gross_renewed", "284000.00", "284000.00"),
        ("upsell", "63200.00", "347200.00"),
        ("cross_sell", "0.00", "347200.00"),
        ("net_renewed", "347200.00", "347200.00"),
    ]
    # Decided after as_of: counted as open, its tagged movements left out.
    early = expect(
        await client.get(
            "/v1/revenue/renewal-rates",
            params={"start": "2026-01", "end": "2026-03", "as_of": "2026-02-01"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert early["renewals_decided"] == 1
    assert early["open_renewals"] == 3


async def test_missing_fx_rate_names_currency_and_month(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await customer(client, tenant.admin, "us")
    await customer(client, tenant.admin, "eu", currency="EUR")
    rows = [
        movement("u0", "us", "2025-01-01", "new", "100"),
        movement("e0", "eu", "2025-01-01", "new", "100"),
    ]
    expect(await bulk(client, tenant.editor, "movements", rows), 200)
    params = {"start": "2026-01", "end": "2026-02"}
    mixed = expect(
        await client.get("/v1/revenue/metrics", params=params, headers=tenant.viewer), 422
    )
    assert mixed["errors"][0]["code"] == "mixed_currencies"
    expect(
        await client.put(
            "/v1/revenue/settings", json={"reporting_currency": "USD"}, headers=tenant.editor
        ),
        200,
    )
    fx = [{"currency": "EUR", "month": "2026-01", "units_of_reporting_currency_per_unit": "1.10"}]
    expect(await bulk(client, tenant.editor, "fx-rates", fx), 200)
    missing = expect(
        await client.get("/v1/revenue/arr-bridge", params=params, headers=tenant.viewer), 422
    )
    assert missing["errors"][0]["code"] == "missing_fx_rate"
    assert (missing["errors"][0]["currency"], missing["errors"][0]["month"]) == ("EUR", "2026-02")
    fx.append(
        {"currency": "EUR", "month": "2026-02", "units_of_reporting_currency_per_unit": "1.20"}
    )
    expect(await bulk(client, tenant.editor, "fx-rates", fx), 200)
    bridge = expect(
        await client.get("/v1/revenue/arr-bridge", params=params, headers=tenant.viewer), 200
    )
    # EUR 100 at 1.10 in January, 1.20 at the end of February: FX effect 10 on its own line.
    assert bridge["opening_arr"] == "210.00"
    assert bridge["fx_effect"] == "10.00"
    assert bridge["closing_arr"] == "220.00"
    assert bridge["expansion"] == "0.00"
    metrics = expect(
        await client.get("/v1/revenue/metrics", params=params, headers=tenant.viewer), 200
    )
    assert metrics["total"]["nrr"]["value"] == "1.0000"
