"""Issue 20 over HTTP: a metric that climbed and then stalled reads as a stall everywhere a
CSM looks: the tracker report, the Measurements tab and the data-quality review."""

from __future__ import annotations

import httpx

from tests.api.conftest import Tenant
from tests.api.test_value_examples_http import get_report, only_calculation
from tests.api.value_tracking_builders import create_graph, expect, put_measurement
from valuecalc_api.reports.schemas import MeasurementsViewOut

STALL = {
    "2026-01": "120",
    "2026-02": "140",
    "2026-03": "160",
    "2026-04": "160",
    "2026-05": "160",
    "2026-06": "160",
}


async def test_a_stall_after_gains_is_the_headline_with_its_month(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.editor)
    for month, value in STALL.items():
        expect(
            await put_measurement(client, tenant.editor, graph.calculation_id, month, value), 201
        )
    tracker_id = graph.tracker["id"]

    calculation = only_calculation(await get_report(client, tenant.viewer, tracker_id, "2026-06"))
    assert calculation["trend"] == "flat"
    assert calculation["trend_detail"] == {
        "headline": "flat",
        "whole_series": "steady_climb",
        "recent": "flat",
        "recent_months": 4,
        "since": "2026-03",
        "since_months": 4,
        "summary": "climbed steadily, flat for the last 4 measured months (since 2026-03)",
    }
    stalled = [f for f in calculation["findings"] if f["kind"] == "stalled"]
    assert [(f["month"], f["calculation_id"]) for f in stalled] == [
        ("2026-03", graph.calculation_id)
    ]
    assert stalled[0]["detail"].startswith("Stalled since 2026-03")

    view = expect(
        await client.get(
            f"/v1/trackers/{tracker_id}/measurements-view?month=2026-06", headers=tenant.viewer
        ),
        200,
    )
    MeasurementsViewOut.model_validate(view)
    [metric] = view["metrics"]
    assert metric["trend"] == "flat"
    assert metric["trend_detail"]["since"] == "2026-03"

    # As of April the climb is still the story: 120, 140, 160, 160 is a whole-series climb
    # with no window of its own yet.
    april = only_calculation(await get_report(client, tenant.viewer, tracker_id, "2026-04"))
    assert april["trend"] == "steady_climb"
    assert april["trend_detail"]["since"] is None
    assert not [f for f in april["findings"] if f["kind"] == "stalled"]
