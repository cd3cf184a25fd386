"""The renewal pack (issue 16): what it says, that it is self-contained and escaped, and
its cache; `test_renewal_pack_browser.py` opens it in a real headless browser."""

from __future__ import annotations

import re
import tempfile
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.api.conftest import Tenant
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
    (Path(tempfile.gettempdir()) / "i16_pack.html").write_text(html)
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
