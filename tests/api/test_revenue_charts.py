"""Revenue charts (issue 16): the renewal waterfall, the movement bars with the quick
ratio, the retention series; their data are the revenue reports' figures digit for digit."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.chart_checks import PNG_SIGNATURE, png_size, rows, schema_errors
from tests.api.conftest import Tenant
from tests.api.revenue_builders import bulk, customer, movement
from tests.api.test_revenue_metrics import _r2_book
from tests.api.value_tracking_builders import expect, problem
from valuecalc_api.charts.vega import data_urls

SPAN = {"start": "2026-01", "end": "2026-06"}


async def _r1_renewals(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """SPEC 4 R1: renewable 349.3k, churn 40.0k, downsell 25.3k, upsell 63.2k."""
    for name, arr in (("ra", "200000"), ("rb", "109300"), ("rc", "40000")):
        await customer(client, tenant.admin, name)
        expect(
            await bulk(
                client,
                tenant.editor,
                "movements",
                [movement(f"{name}0", name, "2025-01-01", "new", arr)],
            ),
            200,
        )
    renewals = [
        {"external_id": f"rn-{name}", "customer_external_id": name, "due_date": due,
         "renewable_arr": arr, "outcome": outcome, "closed_date": closed}
        for name, due, arr, outcome, closed in (
            ("ra", "2026-01-31", "200000", "renewed", "2026-01-20"),
            ("rb", "2026-02-28", "109300", "renewed", "2026-02-20"),
            ("rc", "2026-03-31", "40000", "churned", "2026-03-20"),
        )
    ]  # fmt: skip
    expect(await bulk(client, tenant.editor, "renewals", renewals), 200)
    tagged = [
        movement("ra1", "ra", "2026-01-20", "upsell", "63200", renewal_external_id="rn-ra"),
        movement("rb1", "rb", "2026-02-20", "downsell", "25300", renewal_external_id="rn-rb"),
        movement("rc1", "rc", "2026-03-20", "churn", "40000", renewal_external_id="rn-rc"),
    ]
    expect(await bulk(client, tenant.editor, "movements", tagged), 200)


async def _chart(
    client: httpx.AsyncClient, headers: dict[str, str], name: str, **params: Any
) -> dict[str, Any]:
    response = await client.get(
        f"/v1/revenue/charts/{name}.vl.json", params=params, headers=headers
    )
    spec: dict[str, Any] = expect(response, 200)
    assert schema_errors(spec) == []
    assert data_urls(spec) == []
    for form in ("svg", "png"):
        rendered = await client.get(
            f"/v1/revenue/charts/{name}.{form}", params={**params, "width": 640}, headers=headers
        )
        assert rendered.status_code == 200, rendered.text
        if form == "png":
            assert rendered.content.startswith(PNG_SIGNATURE)
            assert png_size(rendered.content) == (640, 360)
    return spec


async def test_the_renewal_waterfall_is_the_reports_steps(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _r1_renewals(client, tenant)
    period = {"start": "2026-01", "end": "2026-03"}
    report = expect(
        await client.get("/v1/revenue/renewal-rates", params=period, headers=tenant.viewer), 200
    )
    spec = await _chart(client, tenant.viewer, "renewal-waterfall", **period)
    drawn = [(r["step"], r["amount"], r["end"]) for r in rows(spec)]
    assert drawn == [
        ("Renewable", "349300.00", "349300.00"),
        ("Churn", "-40000.00", "309300.00"),
        ("Downsell", "-25300.00", "284000.00"),
        ("Gross renewed", "284000.00", "284000.00"),
        ("Upsell", "63200.00", "347200.00"),
        ("Cross-sell", "0.00", "347200.00"),
        ("Net renewed", "347200.00", "347200.00"),
    ]
    assert [r["amount"] for r in rows(spec)] == [s["amount"] for s in report["waterfall"]]
    assert "gross renewal rate 0.8131, net 0.9940" in spec["title"]["subtitle"]


async def test_movements_and_retention_are_the_series_figures(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _r2_book(client, tenant)
    series = expect(
        await client.get("/v1/revenue/metrics/series", params=SPAN, headers=tenant.viewer), 200
    )
    points = series["points"]
    bars = await _chart(client, tenant.viewer, "movements", **SPAN)
    drawn = {(r["month"], r["series"]): r["amount"] for r in rows(bars)}
    for point in points:
        month = point["period"]["start"][:7]
        for key in ("new", "expansion", "reactivation", "contraction", "churn"):
            assert drawn[(month, key.capitalize())] == point["movements"][key]
    assert drawn[("2026-04", "Churn")] == "-50.00"
    ratios = bars["layer"][-1]["data"]["values"]
    assert {r["month"]: r["ratio_label"] for r in ratios} == {
        p["period"]["start"][:7]: f"QR {p['quick_ratio']['ratio']['value']}"
        for p in points
        if p["quick_ratio"]["ratio"]["value"] is not None
    }

    lines = await _chart(client, tenant.viewer, "retention", **SPAN)
    by_series = {(r["series"], r["month"]): r["ratio"] for r in rows(lines)}
    for point in points:
        month = point["period"]["start"][:7]
        for name, key in (("GRR", "grr"), ("NRR", "nrr"), ("Logo retention", "logo_retention")):
            assert by_series.get((name, month)) == point[key]["value"]


async def test_revenue_charts_need_a_key_and_refuse_unknown_parameters(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _r2_book(client, tenant)
    for name in ("renewal-waterfall", "movements", "retention"):
        path = f"/v1/revenue/charts/{name}.svg"
        problem(await client.get(path, params=SPAN), 401, "unauthorized")
        problem(
            await client.get(
                path, params={**SPAN, "url": "https://evil.example"}, headers=tenant.viewer
            ),
            422,
            "validation-error",
        )
        problem(await client.get(path, params={"start": "2026-01"}, headers=tenant.viewer), 422)
        tagged = await client.get(path, params=SPAN, headers=tenant.viewer)
        same = await client.get(
            path, params=SPAN, headers=tenant.viewer | {"If-None-Match": tagged.headers["ETag"]}
        )
        assert same.status_code == 304
