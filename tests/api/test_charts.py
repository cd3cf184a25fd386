"""Charts of the value-tracking reports (issue 16): the three forms of each chart, its
figures digit for digit against the report, inline data only, limits, ETag and 304."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
import vl_convert
from fastapi import FastAPI

from tests.api.chart_checks import PNG_SIGNATURE, png_size, rows, schema_errors
from tests.api.conftest import Tenant
from tests.api.test_value_examples_http import get_report, only_calculation, v1_graph
from tests.api.value_tracking_builders import (
    create_calculation,
    create_graph,
    create_tracker,
    create_use_case,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.charts import render
from valuecalc_api.charts.vega import data_urls
from valuecalc_api.models import Role
from valuecalc_api.reports.cache import report_cache

TRACKER_CHARTS = ("realized-vs-projected", "cumulative-realized-vs-projected", "benefit-vs-cost")


def chart_paths(graph: Any) -> list[str]:
    tracker = graph.tracker["id"]
    return [
        *(f"/v1/trackers/{tracker}/charts/{name}" for name in TRACKER_CHARTS),
        f"/v1/calculations/{graph.calculation_id}/charts/metric-trend",
        "/v1/reports/portfolio/charts/realized-by-customer",
    ]


async def spec_of(client: httpx.AsyncClient, headers: dict[str, str], path: str) -> Any:
    response = await client.get(f"{path}.vl.json", headers=headers)
    assert response.headers["content-type"] == "application/vnd.vegalite.v5+json"
    return expect(response, 200)


async def test_every_chart_comes_in_three_forms(client: httpx.AsyncClient, tenant: Tenant) -> None:
    graph = await v1_graph(client, tenant.editor)
    size = "width=640&height=300"
    for path in chart_paths(graph):
        spec = await spec_of(client, tenant.viewer, f"{path}")
        assert schema_errors(spec) == [], path
        assert data_urls(spec) == [], path
        assert spec["title"]["text"], path
        assert spec["description"], path

        svg = await client.get(f"{path}.svg?{size}", headers=tenant.viewer)
        assert svg.status_code == 200, svg.text
        assert svg.headers["content-type"].startswith("image/svg+xml")
        assert svg.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert svg.text.startswith("<svg")
        assert 'width="640" height="300"' in svg.text
        assert f"<title>{spec['title']['text']}</title>" in svg.text  # its accessible name

        png = await client.get(f"{path}.png?{size}&scale=2", headers=tenant.viewer)
        assert png.status_code == 200, png.text
        assert png.headers["content-type"] == "image/png"
        assert png.content.startswith(PNG_SIGNATURE)
        assert png_size(png.content) == (1280, 600)
        one = await client.get(f"{path}.png", headers=tenant.viewer)
        assert png_size(one.content) == (720, 360)  # the defaults

        # The alias answers the same bytes, by format or by Accept.
        for accept, form in (
            ("image/svg+xml", svg),
            ("image/png", png),
        ):
            suffix = "&scale=2" if accept == "image/png" else ""
            negotiated = await client.get(
                f"{path}?{size}{suffix}", headers=tenant.viewer | {"Accept": accept}
            )
            assert negotiated.status_code == 200
            assert negotiated.content == form.content
        by_format = await client.get(f"{path}?format=vl.json", headers=tenant.viewer)
        assert by_format.json() == spec
        assert (await client.get(path, headers=tenant.viewer)).json() == spec  # default
        problem(
            await client.get(path, headers=tenant.viewer | {"Accept": "text/html"}),
            406,
            "not-acceptable",
        )


def _amounts(spec: dict[str, Any], series: str) -> dict[str, str]:
    return {row["month"]: row["amount"] for row in rows(spec) if row["series"] == series}


async def test_chart_data_are_the_reports_figures_digit_for_digit(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(
        client, tenant.editor, recurring_fee_amount="10000.00", recurring_fee_interval="month"
    )
    expect(
        await put_measurement(client, tenant.editor, graph.calculation_id, "2026-05", "161.5"),
        201,
    )
    tracker = graph.tracker["id"]
    report = await get_report(client, tenant.viewer, tracker, "2026-06")
    months = report["months"]
    monthly = report["monthly"]
    base = f"/v1/trackers/{tracker}/charts"

    def column(name: str) -> dict[str, str]:
        return {m: v for m, v in zip(months, monthly[name], strict=True) if v is not None}

    as_of = f"{base}/realized-vs-projected.vl.json?as_of=2026-06"
    bars = expect(await client.get(as_of, headers=tenant.viewer), 200)
    assert _amounts(bars, "Realized") == column("realized")
    assert _amounts(bars, "Projected") == column("projected")
    assert {r["amount_label"] for r in rows(bars)} >= {"$58,000.00", "$21,000.00"}

    cumulative_path = f"{base}/cumulative-realized-vs-projected.vl.json?as_of=2026-06"
    cumulative = expect(await client.get(cumulative_path, headers=tenant.viewer), 200)
    assert _amounts(cumulative, "Realized") == column("cumulative_realized")
    assert _amounts(cumulative, "Projected") == column("cumulative_projected")
    assert _amounts(cumulative, "Realized")["2026-06"] == report["totals"]["realized"]

    cost_path = f"{base}/benefit-vs-cost.vl.json?as_of=2026-06"
    payback = expect(await client.get(cost_path, headers=tenant.viewer), 200)
    assert _amounts(payback, "Cumulative benefit") == column("cumulative_realized")
    assert _amounts(payback, "Cumulative cost") == column("cumulative_cost")
    assert report["totals"]["payback_month"] == "2026-01"
    rules = [layer for layer in payback["layer"] if layer["mark"]["type"] == "rule"]
    assert [rule["data"]["values"][0]["at"] for rule in rules] == ["2026-01"]
    assert "Payback in Jan 2026" in payback["description"]

    trend_path = f"/v1/calculations/{graph.calculation_id}/charts/metric-trend.vl.json"
    trend = expect(await client.get(f"{trend_path}?as_of=2026-06", headers=tenant.viewer), 200)
    calculation = only_calculation(report)
    assert [r["value"] for r in rows(trend)] == calculation["metric_values"]
    assert [r["month"] for r in rows(trend)] == months
    assert [r["value_label"] for r in rows(trend)][2:5] == [
        "158 tickets/day",
        "158 tickets/day",
        "161.5 tickets/day",
    ]


async def test_the_metric_trend_marks_how_each_month_is_known(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    calculation = graph.calculation_id
    expect(
        await put_measurement(client, tenant.editor, calculation, "2026-05", "140", estimate=True),
        201,
    )
    expect(
        await client.post(
            f"/v1/calculations/{calculation}/months/2026-02/notes",
            json={"text": "Two reps on leave."},
            headers=tenant.editor,
        ),
        201,
    )
    expect(
        await client.post(
            f"/v1/calculations/{calculation}/months/2026-03/evidence",
            json={"kind": "link", "url": "https://bi.example/d/42"},
            headers=tenant.editor,
        ),
        201,
    )
    path = f"/v1/calculations/{calculation}/charts/metric-trend.vl.json?as_of=2026-06"
    spec = expect(await client.get(path, headers=tenant.viewer), 200)
    assert [(r["month"], r["provenance"], r["marked"]) for r in rows(spec)] == [
        ("2026-01", "measured", None),
        ("2026-02", "measured", "note"),
        ("2026-03", "measured", "evidence"),
        ("2026-04", "carried forward", None),
        ("2026-05", "estimated", None),
        ("2026-06", "carried forward", None),
    ]
    assert "bi.example" not in str(spec)  # evidence links are never part of a chart
    references = {
        layer["data"]["values"][0]["label"]: layer["data"]["values"][0]["at"]
        for layer in spec["layer"]
        if layer["mark"]["type"] == "rule"
    }
    assert references == {"Baseline 100 tickets/day": "100", "Target 150 tickets/day": "150"}
    assert schema_errors(spec) == []


async def test_the_portfolio_chart_sums_each_customer_in_decimal_per_currency(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    second = await create_tracker(client, tenant.editor, graph.customer["id"], name="Year two")
    use_case = await create_use_case(client, tenant.editor, second["id"])
    calculation = await create_calculation(client, tenant.editor, use_case["id"])
    expect(
        await put_measurement(client, tenant.editor, calculation["id"], "2026-01", "100.5"),
        201,
    )
    portfolio = expect(
        await client.get("/v1/reports/portfolio?as_of=2026-03", headers=tenant.viewer), 200
    )
    chart_path = "/v1/reports/portfolio/charts/realized-by-customer.vl.json?as_of=2026-03"
    spec = expect(await client.get(chart_path, headers=tenant.viewer), 200)
    [row] = rows(spec)
    total = sum(Decimal(t["realized"]) for t in portfolio["trackers"])
    assert Decimal(row["amount"]) == total
    assert row["amount"] == "110500.00"  # 109000.00 + 500.00 in each of Jan..Mar (carried)
    assert row["amount_label"] == "$110,500.00"
    assert row["trackers"] == 2

    await create_graph(client, tenant.editor, currency="EUR")
    body = problem(await client.get(chart_path, headers=tenant.viewer), 422, "currency-required")
    assert body["currencies"] == ["EUR", "USD"] or sorted(body["currencies"]) == ["EUR", "USD"]
    euro = expect(await client.get(f"{chart_path}&currency=EUR", headers=tenant.viewer), 200)
    assert [r["amount"] for r in rows(euro)] == ["0.00"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("width=0", "width"),
        ("width=100000", "width"),
        ("height=-5", "height"),
        ("scale=9", "scale"),
        ("width=2400&scale=4", "width"),
        ("theme=neon", "theme"),
        ("theme=https://evil.example/theme.json", "theme"),
        ("format=gif", "format"),
        ("format=png", "format"),
        ("as_of=https://evil.example/x.csv", "as_of"),
        ("url=https://evil.example/data.csv", "url"),
        ("data=https://evil.example/data.csv", "data"),
    ],
)
async def test_bad_parameters_answer_422(
    client: httpx.AsyncClient, tenant: Tenant, query: str, field: str
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/charts/benefit-vs-cost"
    for url in (f"{path}?{query}", f"{path}.svg?{query}"):
        if query == "format=png" and url.startswith(f"{path}?"):
            continue  # the alias takes it; a form's own operation does not
        body = problem(await client.get(url, headers=tenant.viewer), 422, "validation-error")
        assert field in [error["field"].removeprefix("query.") for error in body["errors"]], body


async def test_unknown_charts_and_forms_answer_422(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    base = f"/v1/trackers/{graph.tracker['id']}/charts"
    for path in (f"{base}/benefit-vs-cost.gif", f"{base}/pie.svg", f"{base}/pie"):
        problem(await client.get(path, headers=tenant.viewer), 422, "validation-error")


async def test_charts_stay_in_the_organization_and_the_keys_trackers(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    other = await create_graph(client, tenant.editor)
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(other.tracker["id"])])
    for path in chart_paths(graph)[:4]:
        problem(await client.get(f"{path}.svg"), 401, "unauthorized")
        problem(await client.get(f"{path}.svg", headers=other_tenant.admin), 404, "not-found")
        problem(await client.get(f"{path}.png", headers=limited), 404, "not-found")
    portfolio = "/v1/reports/portfolio/charts/realized-by-customer.vl.json"
    seen = expect(await client.get(portfolio, headers=limited), 200)
    assert [r["amount"] for r in rows(seen)] == ["0.00"]  # only the tracker it may see


async def test_a_chart_is_rendered_again_only_when_its_data_changed(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/calculations/{graph.calculation_id}/charts/metric-trend.svg?as_of=2026-06"
    first = await client.get(path, headers=tenant.viewer)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    cache = report_cache(app)
    assert cache is not None
    kept = len(cache)
    again = await client.get(path, headers=tenant.viewer)
    assert (again.content, again.headers["ETag"], len(cache)) == (first.content, etag, kept)
    unchanged = await client.get(path, headers=tenant.viewer | {"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content) == (304, b"")

    expect(
        await put_measurement(client, tenant.editor, graph.calculation_id, "2026-04", "170"),
        201,
    )
    changed = await client.get(path, headers=tenant.viewer | {"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "170 tickets/day" in changed.text

    # Another size, theme or form is another entry with its own tag.
    dark = await client.get(f"{path}&theme=dark", headers=tenant.viewer)
    assert dark.headers["ETag"] not in {etag, changed.headers["ETag"]}
    assert dark.content != changed.content


async def test_the_portfolio_chart_is_cached_by_its_trackers_data_versions(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = "/v1/reports/portfolio/charts/realized-by-customer.svg?as_of=2026-06"
    first = await client.get(path, headers=tenant.viewer)
    etag = first.headers["ETag"]
    cache = report_cache(app)
    assert cache is not None
    kept = len(cache)
    again = await client.get(path, headers=tenant.viewer)
    assert (again.content, again.headers["ETag"], len(cache)) == (first.content, etag, kept)
    same = await client.get(path, headers=tenant.viewer | {"If-None-Match": etag})
    assert same.status_code == 304

    expect(
        await put_measurement(client, tenant.editor, graph.calculation_id, "2026-04", "170"),
        201,
    )
    changed = await client.get(path, headers=tenant.viewer | {"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    created = await v1_graph(client, tenant.editor)  # a new tracker changes it too
    grown = await client.get(path, headers=tenant.viewer)
    assert grown.headers["ETag"] != changed.headers["ETag"]
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(created.tracker["id"])])
    alone = await client.get(path, headers=limited)
    assert alone.headers["ETag"] != grown.headers["ETag"]


async def test_user_text_is_text_in_a_rendered_chart(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    customer = expect(
        await client.post(
            "/v1/customers", json={"name": "<script>alert(1)</script> & Co"}, headers=tenant.editor
        ),
        201,
    )
    tracker = await create_tracker(client, tenant.editor, customer["id"], name='T "<b>"')
    use_case = await create_use_case(client, tenant.editor, tracker["id"])
    calculation = await create_calculation(
        client,
        tenant.editor,
        use_case["id"],
        metric={
            "name": "<img src=x onerror=alert(1)>",
            "unit": "&amp;",
            "baseline": "100",
            "direction": "higher_is_better",
        },
    )
    expect(await put_measurement(client, tenant.editor, calculation["id"], "2026-01", "120"), 201)
    for path in (
        f"/v1/calculations/{calculation['id']}/charts/metric-trend.svg",
        f"/v1/trackers/{tracker['id']}/charts/benefit-vs-cost.svg",
        "/v1/reports/portfolio/charts/realized-by-customer.svg",
    ):
        svg = expect_text(await client.get(path, headers=tenant.viewer))
        for markup in ("<script", "<img", "<b>"):
            assert markup not in svg, path


def expect_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.text


def test_the_renderer_never_fetches_a_url() -> None:
    spec = {
        "data": {"url": "https://evil.example/data.csv"},
        "mark": "point",
        "encoding": {"x": {"field": "a", "type": "quantitative"}},
    }
    with pytest.raises(RuntimeError, match="URL"):
        render.svg_text(spec)
    # And vl-convert itself, as we call it, refuses one too (relative ones included).
    for url in ("https://evil.example/data.csv", "data/cars.json"):
        with pytest.raises(ValueError, match="not allowed"):
            vl_convert.vegalite_to_svg({**spec, "data": {"url": url}}, allowed_base_urls=[])
