"""Health and experience charts (issue 16): a customer's score history over its bands, its
indicator contributions, the pulse by customers and by ARR, the NPS answer distribution
with its margin of error and NPS by group; their data are the API's figures digit for
digit, scoped to the organization, bad input refused as problem+json."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.api.chart_checks import PNG_SIGNATURE, png_size, rows, schema_errors
from tests.api.conftest import Tenant
from tests.api.health_builders import create_profile, indicator, record_pulse
from tests.api.revenue_builders import bulk, customer, movement
from tests.api.test_surveys import WINDOW, nps_row
from tests.api.value_tracking_builders import (
    create_customer,
    create_graph,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.charts.vega import data_urls

RANGE = {"from": "2026-01-01", "to": "2026-04-30"}


async def _chart(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, **params: Any
) -> dict[str, Any]:
    """The chart's spec (checked against the schema, inline data only), after checking
    that its SVG and PNG render at the size asked."""
    spec: dict[str, Any] = expect(
        await client.get(f"{path}.vl.json", params=params, headers=headers), 200
    )
    assert schema_errors(spec) == []
    assert data_urls(spec) == []
    svg = await client.get(f"{path}.svg", params={**params, "width": 640}, headers=headers)
    assert svg.status_code == 200, svg.text
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg")
    png = await client.get(
        f"{path}.png", params={**params, "width": 400, "scale": 2}, headers=headers
    )
    assert png.status_code == 200, png.text
    assert png.content.startswith(PNG_SIGNATURE)
    assert png_size(png.content) == (800, 720)
    return spec


async def _history_customer(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    """A customer scored on its pulse alone: red in January, yellow in March, green in
    April (bands: yellow from 35.5, green from 70)."""
    created = await create_customer(client, headers)
    await create_profile(
        client,
        headers,
        indicators=[indicator("pulse", "1"), indicator("nps", "1"), indicator("csat", "1")],
        bands={"yellow_from": "35.5", "green_from": "70"},
    )
    await record_pulse(client, headers, created["id"], "red", "2026-01-10")
    await record_pulse(client, headers, created["id"], "yellow", "2026-03-05")
    await record_pulse(client, headers, created["id"], "green", "2026-04-02")
    customer_id: str = created["id"]
    return customer_id


async def test_the_score_history_is_the_history_reports_scores_over_the_profiles_bands(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    customer_id = await _history_customer(client, tenant.admin)
    history = expect(
        await client.get(
            f"/v1/customers/{customer_id}/health/history", params=RANGE, headers=tenant.viewer
        ),
        200,
    )
    path = f"/v1/customers/{customer_id}/health/charts/history"
    spec = await _chart(client, tenant.viewer, path, **RANGE)
    assert [(r["at"], r["score"]) for r in rows(spec)] == [
        (p["as_of_date"], p["score"]) for p in history["points"]
    ]
    assert [r["score"] for r in rows(spec)] == ["0.00", "0.00", "50.00", "100.00"]
    bands = spec["layer"][0]["data"]["values"]
    assert [(b["band"], b["low"], b["high"]) for b in bands] == [
        ("red", "0", "35.5"),
        ("yellow", "35.5", "70"),
        ("green", "70", "100"),
    ]
    trend = history["trend"]
    assert (trend["change"], trend["direction"]) == ("50.00", "up")
    assert f"up 50.00 points since {trend['previous_on']}" in spec["title"]["subtitle"]
    weekly = await _chart(
        client, tenant.viewer, path, **{"from": "2026-03-01", "to": "2026-03-31", "every": "week"}
    )
    assert [r["at"] for r in rows(weekly)] == [
        "2026-03-03",
        "2026-03-10",
        "2026-03-17",
        "2026-03-24",
        "2026-03-31",
    ]


async def test_the_contributions_are_the_scores_and_add_up_to_it(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    expect(await put_measurement(client, tenant.admin, graph.calculation_id, "2026-01", "158"), 201)
    await record_pulse(client, tenant.admin, graph.customer["id"], "green", "2026-01-15")
    await create_profile(
        client,
        tenant.admin,
        indicators=[
            indicator("pulse", "50", "0", "125"),
            indicator("value_realization", "30", "0", "580"),
            indicator("nps", "20"),
        ],
    )
    customer_id = graph.customer["id"]
    params = {"as_of": "2026-01-31"}
    score = expect(
        await client.get(
            f"/v1/customers/{customer_id}/health", params=params, headers=tenant.viewer
        ),
        200,
    )
    spec = await _chart(
        client, tenant.viewer, f"/v1/customers/{customer_id}/health/charts/contributions", **params
    )
    drawn = {r["category"]: r["value"] for r in rows(spec)}
    assert drawn == {"Pulse": "50.00", "Value realization": "15.00"}
    by_kind = {i["kind"]: i["contribution"] for i in score["indicators"]}
    assert drawn == {"Pulse": by_kind["pulse"], "Value realization": by_kind["value_realization"]}
    assert sum(Decimal(v) for v in drawn.values()) == Decimal(score["score"]) == Decimal("65.00")
    subtitle = spec["title"]["subtitle"]
    assert "Score 65.00 (yellow) on 2026-01-31" in subtitle
    assert "no value: NPS (no_survey_answer)" in subtitle


async def test_health_charts_answer_404_for_another_organizations_customer_and_refuse_bad_input(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    customer_id = await _history_customer(client, tenant.admin)
    for name in ("history", "contributions"):
        path = f"/v1/customers/{customer_id}/health/charts/{name}"
        for form in (".vl.json", ".svg", ".png", ""):
            problem(await client.get(f"{path}{form}", headers=other_tenant.admin), 404)
        problem(await client.get(f"{path}.svg"), 401)
        for params in (
            {"width": "0"},
            {"width": "100000"},
            {"theme": "sepia"},
            {"format": "gif"},
            {"url": "https://evil.example/data.json"},
        ):
            problem(await client.get(path, params=params, headers=tenant.viewer), 422)
    history = f"/v1/customers/{customer_id}/health/charts/history.vl.json"
    reversed_range = await client.get(
        history, params={"from": "2026-03-01", "to": "2026-01-01"}, headers=tenant.viewer
    )
    assert [e["field"] for e in problem(reversed_range, 422)["errors"]] == ["from"]
    problem(await client.get(history, params={"every": "day"}, headers=tenant.viewer), 422)
    tagged = await client.get(history, params=RANGE, headers=tenant.viewer)
    same = await client.get(
        history, params=RANGE, headers=tenant.viewer | {"If-None-Match": tagged.headers["ETag"]}
    )
    assert same.status_code == 304
    await record_pulse(client, tenant.admin, customer_id, "red", "2026-04-20")
    changed = await client.get(
        history, params=RANGE, headers=tenant.viewer | {"If-None-Match": tagged.headers["ETag"]}
    )
    assert changed.status_code == 200
    assert rows(changed.json())[-1]["score"] == "0.00"


async def test_the_pulse_charts_are_the_pulse_books_counts_and_arr(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    for name, arr in (("pa", "120000"), ("pb", "30500.50"), ("pc", "9000")):
        await customer(client, tenant.admin, name)
        expect(
            await bulk(
                client,
                tenant.editor,
                "movements",
                [movement(f"{name}0", name, "2026-01-01", "new", arr)],
            ),
            200,
        )
    listed = expect(await client.get("/v1/customers", headers=tenant.admin), 200)["items"]
    ids = {c["external_id"]: c["id"] for c in listed}
    await record_pulse(client, tenant.admin, ids["pa"], "green", "2026-02-01")
    await record_pulse(client, tenant.admin, ids["pb"], "green", "2026-02-01")
    await record_pulse(client, tenant.admin, ids["pc"], "red", "2026-02-01")
    params = {"as_of": "2026-03-31"}
    book = expect(await client.get("/v1/pulse-book", params=params, headers=tenant.viewer), 200)
    by_count = await _chart(
        client, tenant.viewer, "/v1/pulse-book/charts/customers-by-pulse", **params
    )
    assert [(r["category"], r["value"]) for r in rows(by_count)] == [
        ("Red", "1"),
        ("Yellow", "0"),
        ("Green", "2"),
        ("No pulse", "0"),
    ]
    assert [r["value"] for r in rows(by_count)] == [str(s["customers"]) for s in book["statuses"]]
    by_arr = await _chart(client, tenant.viewer, "/v1/pulse-book/charts/arr-by-pulse", **params)
    drawn = [(r["category"], r["value"], r["value_label"]) for r in rows(by_arr)]
    assert drawn == [
        ("Red", "9000", "$9,000"),
        ("Yellow", "0", "$0"),
        ("Green", "150500.50", "$150,500.50"),
        ("No pulse", "0", "$0"),
    ]
    stated = {s["status"]: [a["amount"] for a in s["arr"]] for s in book["statuses"]}
    assert stated == {"red": ["9000"], "yellow": [], "green": ["150500.50"], None: []}
    await customer(client, tenant.admin, "pe", currency="EUR")
    expect(
        await bulk(
            client, tenant.editor, "movements", [movement("pe0", "pe", "2026-01-01", "new", "10")]
        ),
        200,
    )
    several = await client.get(
        "/v1/pulse-book/charts/arr-by-pulse.svg", params=params, headers=tenant.viewer
    )
    assert problem(several, 422, "currency-required")["currencies"] == ["EUR", "USD"]
    in_euros = expect(
        await client.get(
            "/v1/pulse-book/charts/arr-by-pulse.vl.json",
            params={**params, "currency": "EUR"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert [r["value"] for r in rows(in_euros)] == ["0", "0", "0", "10"]


async def test_the_nps_charts_are_the_survey_scores_with_their_margin_of_error(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    created = await create_customer(client, tenant.admin, external_id="crm-1", segment="smb")
    answers = [10, 9, 9, 10, 9, 8, 7, 7, 3, 6]
    expect(
        await client.post(
            "/v1/survey-responses/bulk",
            json={"rows": [nps_row(i, s) for i, s in enumerate(answers)]},
            headers=tenant.editor,
        ),
        200,
    )
    scores = expect(
        await client.get(
            "/v1/survey-scores", params={"kind": "nps", **WINDOW}, headers=tenant.viewer
        ),
        200,
    )
    (group,) = scores["groups"]
    spec = await _chart(
        client, tenant.viewer, "/v1/survey-scores/charts/nps-distribution", **WINDOW
    )
    assert [(r["category"], r["value"]) for r in rows(spec)] == [
        (str(d["answer"]), str(d["count"])) for d in group["distribution"]
    ]
    assert [r["value"] for r in rows(spec)] == [
        "0",
        "0",
        "0",
        "1",
        "0",
        "0",
        "1",
        "2",
        "1",
        "3",
        "2",
    ]
    assert "NPS 30.00 ± 42.13 (95 % interval" in spec["title"]["subtitle"]
    assert (
        f"NPS {group['score']} ± {group['margin_of_error']} (95 % interval "
        f"{group['interval_low']} to {group['interval_high']}), 10 answers"
    ) in spec["title"]["subtitle"]
    by_segment = expect(
        await client.get(
            "/v1/survey-scores",
            params={"kind": "nps", "group_by": "segment", **WINDOW},
            headers=tenant.viewer,
        ),
        200,
    )
    grouped = await _chart(
        client, tenant.viewer, "/v1/survey-scores/charts/nps-by-group", group_by="segment", **WINDOW
    )
    assert [(r["category"], r["value"], r["low"], r["high"]) for r in rows(grouped)] == [
        (g["label"], g["score"], g["interval_low"], g["interval_high"])
        for g in by_segment["groups"]
    ]
    assert rows(grouped)[0]["value"] == "30.00"
    chart = "/v1/survey-scores/charts/nps-distribution.vl.json"
    only = {**WINDOW, "customer_id": created["id"]}
    problem(await client.get(chart, params=only, headers=other_tenant.admin), 404)
    problem(
        await client.get(chart, params={**WINDOW, "window_days": "7"}, headers=tenant.viewer), 422
    )
    problem(
        await client.get(
            "/v1/survey-scores/charts/nps-by-group.svg",
            params={**WINDOW, "group_by": "planet"},
            headers=tenant.viewer,
        ),
        422,
    )
