"""The renewal pack (issue 16): what it says, that it is self-contained and escaped, and
its cache; `test_renewal_pack_browser.py` opens it in a real headless browser."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.api.conftest import Tenant
from tests.api.health_builders import create_profile, indicator, record_pulse
from tests.api.revenue_builders import bulk, movement
from tests.api.test_value_examples_http import v1_graph
from tests.api.value_tracking_builders import (
    create_calculation,
    create_use_case,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.models import Role

HEADLINE = (
    "Your team&#x27;s Avg. tickets handled per day reached 158 tickets/day by March 2026: "
    "a 58 % improvement and $109,000 in realized benefit."
)


async def pack_tracker(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    """V1 (the seed's sentence) with a projection, a note, a link, and a second use case
    whose metric is flat; fees so that ROI and payback are defined."""
    graph = await v1_graph(
        client, headers, recurring_fee_amount="20000.00", recurring_fee_interval="month"
    )
    calculation = graph.calculation_id
    expect(
        await client.post(
            f"/v1/calculations/{calculation}/months/2026-03/notes",
            json={"text": "Confirmed with <b>Dana</b> & the support lead."},
            headers=headers,
        ),
        201,
    )
    expect(
        await client.post(
            f"/v1/calculations/{calculation}/months/2026-02/evidence",
            json={"kind": "link", "url": "https://bi.example/d/42?a=1&b=<2>", "caption": "BI"},
            headers=headers,
        ),
        201,
    )
    flat_case = await create_use_case(client, headers, graph.tracker["id"], name="Self-service")
    flat = await create_calculation(
        client,
        headers,
        flat_case["id"],
        key="deflection",
        name="Deflected tickets",
        metric={
            "name": "Tickets deflected per day",
            "unit": "tickets/day",
            "baseline": "40",
            "direction": "higher_is_better",
            "target": "60",
        },
    )
    for month in ("2026-01", "2026-02", "2026-03"):
        expect(await put_measurement(client, headers, flat["id"], month, "40.5"), 201)
    return {"graph": graph, "flat_use_case": flat_case, "flat": flat}


def pack_path(tracker_id: str, as_of: str = "2026-03") -> str:
    return f"/v1/trackers/{tracker_id}/renewal-pack?as_of={as_of}"


async def test_the_pack_tells_the_story_in_the_seeds_words(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    made = await pack_tracker(client, tenant.editor)
    tracker = made["graph"].tracker["id"]
    response = await client.get(pack_path(tracker), headers=tenant.viewer)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert f'<h1 class="headline">{HEADLINE}</h1>' in html
    report = expect(
        await client.get(f"/v1/trackers/{tracker}/report?as_of=2026-03", headers=tenant.viewer),
        200,
    )
    # The flat metric adds 0.5 / 40 x 10 reps x 10000 = 1250.00 a month to V1's 109000.00.
    assert report["totals"]["realized"] == "112750.00"
    assert "<dt>Total realized benefit</dt><dd>$112,750.00<small>" in html
    for label in ("Net ROI", "Value multiple", "Payback", "Realized vs projected"):
        assert f"<dt>{label}</dt>" in html
    # Each use case has its page with its trend chart, wins and challenges.
    assert html.count('<section class="use-case"') == 2
    assert html.count("<svg") == 4
    assert "Above the projection in Feb 2026 (+$5,000.00), Mar 2026 (+$33,000.00)." in html
    assert "Tickets deflected per day: flat" in html
    # The evidence and notes, escaped, and a link shown as text only.
    assert "Confirmed with &lt;b&gt;Dana&lt;/b&gt; &amp; the support lead." in html
    assert "Link: https://bi.example/d/42?a=1&amp;b=&lt;2&gt;" in html


async def test_a_use_case_without_a_calculation_has_its_page_without_a_chart(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    await create_use_case(client, tenant.editor, graph.tracker["id"], name="Onboarding")
    html = expect_html(await client.get(pack_path(graph.tracker["id"]), headers=tenant.viewer))
    assert html.count('<section class="use-case"') == 2
    assert html.count("<svg") == 3
    assert "<h2>Onboarding</h2>" in html
    assert "No benefit calculation yet." in html


def expect_html(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


async def test_the_pack_is_self_contained(client: httpx.AsyncClient, tenant: Tenant) -> None:
    made = await pack_tracker(client, tenant.editor)
    response = await client.get(pack_path(made["graph"].tracker["id"]), headers=tenant.viewer)
    html = response.text
    assert "<script" not in html.lower()
    assert not re.search(r"\s(src|href|srcset|action)\s*=", html, re.IGNORECASE)
    assert "url(" not in html
    assert "@import" not in html
    assert "default-src 'none'" in html
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_pack_is_cached_by_data_version(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = pack_path(graph.tracker["id"])
    first = await client.get(path, headers=tenant.viewer)
    etag = first.headers["ETag"]
    again = await client.get(path, headers=tenant.viewer | {"If-None-Match": etag})
    assert again.status_code == 304
    expect(
        await client.post(
            f"/v1/calculations/{graph.calculation_id}/months/2026-01/notes",
            json={"text": "Week 2 export attached."},
            headers=tenant.editor,
        ),
        201,
    )
    changed = await client.get(path, headers=tenant.viewer | {"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Week 2 export attached." in changed.text

    problem(await client.get(path), 401, "unauthorized")
    problem(await client.get(path, headers=other_tenant.admin), 404, "not-found")
    other = await v1_graph(client, tenant.editor)
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(other.tracker["id"])])
    problem(await client.get(path, headers=limited), 404, "not-found")
    problem(await client.get(f"{path}&url=https://x.example", headers=tenant.viewer), 422)
    problem(await client.get(pack_path(graph.tracker["id"], "2025-12"), headers=tenant.viewer), 422)


async def with_revenue_and_health(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    """The pack tracker, its customer with ARR (180,000 new, 24,500.50 upsell), a renewal
    due 2026-06-30, a health profile (pulse, NPS, CSAT) and a red then a green pulse."""
    made = await pack_tracker(client, tenant.editor)
    graph = made["graph"]
    customer_id = graph.customer["id"]
    expect(
        await client.patch(
            f"/v1/customers/{customer_id}",
            json={"external_id": "nw-1", "currency": "USD"},
            headers=tenant.admin,
        ),
        200,
    )
    ledger = [
        movement("nw-new", "nw-1", "2025-04-01", "new", "180000"),
        movement("nw-up", "nw-1", "2026-02-10", "upsell", "24500.50"),
    ]
    expect(await bulk(client, tenant.editor, "movements", ledger), 200)
    renewal = {"external_id": "nw-r1", "customer_external_id": "nw-1",
               "due_date": "2026-06-30", "renewable_arr": "204500.50"}  # fmt: skip
    expect(await bulk(client, tenant.editor, "renewals", [renewal]), 200)
    await create_profile(
        client,
        tenant.admin,
        indicators=[
            indicator("pulse", "50", "0", "125"),
            indicator("nps", "20"),
            indicator("csat", "20"),
        ],
    )
    await record_pulse(client, tenant.editor, customer_id, "red", "2026-01-20")
    await record_pulse(client, tenant.editor, customer_id, "green", "2026-03-10")
    return made


async def test_the_pack_shows_the_customers_revenue_and_health_as_the_api_does(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    made = await with_revenue_and_health(client, tenant)
    graph = made["graph"]
    customer_id = graph.customer["id"]
    path = pack_path(graph.tracker["id"])
    first = await client.get(path, headers=tenant.viewer)
    html = expect_html(first)
    day = {"as_of": "2026-03-31"}
    summary = expect(
        await client.get(f"/v1/customers/{customer_id}/summary", params=day, headers=tenant.viewer),
        200,
    )
    health = expect(
        await client.get(f"/v1/customers/{customer_id}/health", params=day, headers=tenant.viewer),
        200,
    )
    history = expect(
        await client.get(
            f"/v1/customers/{customer_id}/health/history",
            params={"from": "2026-01-01", "to": "2026-03-31"},
            headers=tenant.viewer,
        ),
        200,
    )
    # Revenue: ARR, the next renewal, the latest movements, each as the API states it.
    assert summary["arr"]["amount"] == "204500.50"
    assert "<dt>ARR</dt><dd>$204,500.50<small>" in html
    assert summary["renewal_date"] == "2026-06-30"
    assert f"<dt>Next renewal</dt><dd>{summary['renewal_date']}<small>" in html
    for moved in summary["arr_movements"]:
        assert f"<td>{moved['date']}</td><td>{moved['kind']}</td>" in html
    assert "<td>2026-02-10</td><td>upsell</td><td>$24,500.50</td>" in html
    # Health: the score and band, each indicator's part, the trend over the month ends.
    assert (health["score"], health["band"]) == ("80.00", "green")
    assert f"<dt>Health score</dt><dd>{health['score']} ({health['band']})<small>" in html
    (pulse,) = [i for i in health["indicators"] if i["kind"] == "pulse"]
    assert (
        f"<td>Pulse</td><td>{pulse['value']}</td><td>{pulse['points']}</td><td>100 %</td>"
        f"<td>{pulse['contribution']}</td>"
    ) in html
    for skipped in ("NPS", "CSAT"):
        assert f'<td>{skipped}</td><td colspan="4">No value (no_survey_answer)' in html
    trend = history["trend"]
    assert (trend["change"], trend["direction"]) == ("80.00", "up")
    assert f"<dt>Trend</dt><dd>up 80.00 points since {trend['previous_on']}<small>" in html
    for point in history["points"]:
        assert f"<li>{point['as_of_date']}: {point['score']} ({point['band']})</li>" in html
    assert html.count('<section class="customer"') == 1

    # A change of the customer's figures alone (no tracker data) makes a new pack.
    await record_pulse(client, tenant.editor, customer_id, "yellow", "2026-03-20")
    changed = await client.get(
        path, headers=tenant.viewer | {"If-None-Match": first.headers["ETag"]}
    )
    assert changed.status_code == 200
    assert "<dt>Health score</dt><dd>40.00 (yellow)<small>" in changed.text
    same = await client.get(
        path, headers=tenant.viewer | {"If-None-Match": changed.headers["ETag"]}
    )
    assert same.status_code == 304


async def test_without_revenue_or_health_the_pack_has_no_customer_page(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    made = await pack_tracker(client, tenant.editor)
    html = expect_html(
        await client.get(pack_path(made["graph"].tracker["id"]), headers=tenant.viewer)
    )
    assert '<section class="customer"' not in html
