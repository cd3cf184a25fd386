"""The Measurements tab (`GET /v1/trackers/{id}/measurements-view`): one month of every
active metric, with its trend line, notes/evidence flags, and the period's timeline."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import Tenant
from tests.api.test_value_examples_http import V3_CALCULATION, v1_graph
from tests.api.value_tracking_builders import create_calculation, expect, put_measurement
from valuecalc_api.reports.schemas import MeasurementsViewOut


async def _view(
    client: httpx.AsyncClient, headers: dict[str, str], tracker_id: str, query: str = ""
) -> dict[str, Any]:
    body: dict[str, Any] = expect(
        await client.get(f"/v1/trackers/{tracker_id}/measurements-view{query}", headers=headers),
        200,
    )
    MeasurementsViewOut.model_validate(body)
    return body


async def test_default_month_is_the_latest_measured_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    view = await _view(client, tenant.viewer, graph.tracker["id"])
    assert view["month"] == "2026-03"
    [metric] = view["metrics"]
    assert metric["metric"] == {
        "name": "Avg. tickets handled per day",
        "unit": "tickets/day",
        "baseline": "100",
        "direction": "higher_is_better",
        "target": "150",
    }
    assert (metric["value"], metric["provenance"], metric["source"]) == (
        "158",
        "measured",
        "manual",
    )
    assert (metric["improvement"], metric["benefit"]) == ("0.5800", "58000.00")
    assert view["benefit"] == "58000.00"
    assert metric["series"] == [
        {"month": "2026-01", "value": "121", "provenance": "measured"},
        {"month": "2026-02", "value": "130", "provenance": "measured"},
        {"month": "2026-03", "value": "158", "provenance": "measured"},
    ]
    assert metric["trend"] == "accelerating"


async def test_empty_tracker_starts_at_the_contract_start(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    from tests.api.value_tracking_builders import create_graph

    graph = await create_graph(client, tenant.editor)
    view = await _view(client, tenant.viewer, graph.tracker["id"])
    assert view["month"] == "2026-01"
    [metric] = view["metrics"]
    assert (metric["value"], metric["provenance"], metric["benefit"]) == (None, "none", None)
    assert metric["no_benefit_reason"] == "no_measurement"
    assert view["benefit"] == "0.00"


async def test_a_carried_month_names_the_measurement_it_carries(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    view = await _view(client, tenant.viewer, graph.tracker["id"], "?month=2026-05")
    [metric] = view["metrics"]
    assert (metric["value"], metric["provenance"], metric["measured_in"]) == (
        "158",
        "carried",
        "2026-03",
    )
    assert [p["provenance"] for p in metric["series"]][-2:] == ["carried", "carried"]
    assert len(metric["series"]) == 5


async def test_timeline_marks_the_months_with_every_metric_measured(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)  # ticket metric: Jan, Feb, Mar
    minutes = await create_calculation(
        client, tenant.editor, graph.use_case["id"], **V3_CALCULATION
    )
    for month in ("2026-01", "2026-03"):
        expect(await put_measurement(client, tenant.editor, minutes["id"], month, "30"), 201)

    view = await _view(client, tenant.viewer, graph.tracker["id"], "?month=2026-02")
    timeline = {m["month"]: (m["measured"], m["metrics"], m["complete"]) for m in view["timeline"]}
    assert len(timeline) == 12
    assert timeline["2026-01"] == (2, 2, True)
    assert timeline["2026-02"] == (1, 2, False)
    assert timeline["2026-03"] == (2, 2, True)
    assert timeline["2026-04"] == (0, 2, False)
    assert [m["month"] for m in view["timeline"] if m["selected"]] == ["2026-02"]
    assert [m["calculation_key"] for m in view["metrics"]] == ["ticket-handling", "task-minutes"]
    assert view["metrics"][1]["provenance"] == "carried"
    # Both metrics' benefit in February: 30000.00 + 16666.67.
    assert view["benefit"] == "46666.67"


async def test_notes_and_evidence_flag_their_month(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    calculation_id = graph.calculation_id
    expect(
        await client.post(
            f"/v1/calculations/{calculation_id}/months/2026-03/notes",
            json={"text": "Confirmed with the champion on the monthly call."},
            headers=tenant.editor,
        ),
        201,
    )
    expect(
        await client.post(
            f"/v1/calculations/{calculation_id}/months/2026-02/evidence",
            json={"kind": "link", "url": "https://bi.example.com/tickets"},
            headers=tenant.editor,
        ),
        201,
    )
    flags = {}
    for month in ("2026-01", "2026-02", "2026-03"):
        view = await _view(client, tenant.viewer, graph.tracker["id"], f"?month={month}")
        [metric] = view["metrics"]
        flags[month] = (metric["has_note"], metric["has_evidence"])
    assert flags == {
        "2026-01": (False, False),
        "2026-02": (False, True),
        "2026-03": (True, False),
    }
    # The measurement table marks the same months, in JSON and in its CSV.
    table = await client.get(
        f"/v1/trackers/{graph.tracker['id']}/table?as_of=2026-03", headers=tenant.viewer
    )
    [row] = table.json()["use_cases"][0]["calculations"]
    assert row["has_note"] == [False, False, True]
    assert row["has_evidence"] == [False, True, False]
    as_csv = await client.get(
        f"/v1/trackers/{graph.tracker['id']}/table?as_of=2026-03&format=csv",
        headers=tenant.viewer,
    )
    [marks] = [line for line in as_csv.text.split("\r\n") if ",note / evidence," in line]
    assert marks.endswith(",note / evidence,,,evidence,note,")


async def test_estimates_show_as_such(client: httpx.AsyncClient, tenant: Tenant) -> None:
    graph = await v1_graph(client, tenant.editor)
    expect(
        await put_measurement(
            client,
            tenant.editor,
            graph.calculation_id,
            "2026-04",
            "160",
            estimate=True,
            source="crm",
        ),
        201,
    )
    view = await _view(client, tenant.viewer, graph.tracker["id"])
    assert view["month"] == "2026-04"
    [metric] = view["metrics"]
    assert (metric["provenance"], metric["source"], metric["benefit"]) == (
        "estimate",
        "crm",
        "60000.00",
    )
