"""SPEC 3's worked examples V1, V2 and V3 end to end over HTTP, to the cent.

Objects are created through the API, values PUT month by month, and the figures read
back from the tracker report and the measurement tables.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    create_calculation,
    create_graph,
    create_use_case,
    expect,
    put_measurement,
)
from valuecalc_api.reports.schemas import (
    TrackerReportOut,
    TrackerTableOut,
    UseCaseTableResponse,
)

V1_MEASUREMENTS = {"2026-01": "121", "2026-02": "130", "2026-03": "158"}

V3_CALCULATION: dict[str, Any] = {
    "key": "task-minutes",
    "name": "Time saved on tasks",
    "kind": "cost_savings",
    "metric": {
        "name": "Minutes per task",
        "unit": "minutes",
        "baseline": "40",
        "direction": "lower_is_better",
    },
    "inputs": [
        {
            "key": "tasks_per_month",
            "name": "Tasks per month",
            "unit": "tasks",
            "initial_value": "2000",
        },
        {"key": "hourly_cost", "name": "Hourly cost", "unit": "USD/hour", "initial_value": "50"},
    ],
    "formula": "delta / 60 * tasks_per_month * hourly_cost",
    "ramp": [],
}


async def v1_graph(client: httpx.AsyncClient, headers: dict[str, str], **tracker: Any) -> Any:
    """The seed's support tracker with V1's three measurements."""
    graph = await create_graph(client, headers, **tracker)
    for month, value in V1_MEASUREMENTS.items():
        expect(await put_measurement(client, headers, graph.calculation_id, month, value), 201)
    return graph


async def get_report(
    client: httpx.AsyncClient, headers: dict[str, str], tracker_id: str, as_of: str
) -> dict[str, Any]:
    body: dict[str, Any] = expect(
        await client.get(f"/v1/trackers/{tracker_id}/report?as_of={as_of}", headers=headers), 200
    )
    TrackerReportOut.model_validate(body)  # the body matches the documented contract
    return body


def only_calculation(report: dict[str, Any]) -> dict[str, Any]:
    [use_case] = report["use_cases"]
    [calculation] = use_case["calculations"]
    return calculation  # type: ignore[no-any-return]


async def test_v1_benefits_total_and_improvement(client: httpx.AsyncClient, tenant: Tenant) -> None:
    graph = await v1_graph(client, tenant.editor)
    report = await get_report(client, tenant.viewer, graph.tracker["id"], "2026-03")

    assert report["months"] == ["2026-01", "2026-02", "2026-03"]
    calculation = only_calculation(report)
    assert calculation["benefit"] == ["21000.00", "30000.00", "58000.00"]
    assert calculation["metric_values"] == ["121", "130", "158"]
    assert calculation["provenance"] == ["measured", "measured", "measured"]
    assert calculation["totals"]["realized"] == "109000.00"
    assert calculation["summary"]["latest_improvement"] == "0.5800"
    assert report["totals"]["realized"] == "109000.00"
    assert report["monthly"]["cumulative_realized"] == ["21000.00", "51000.00", "109000.00"]

    tables = expect(
        await client.get(
            f"/v1/trackers/{graph.tracker['id']}/table?as_of=2026-03", headers=tenant.viewer
        ),
        200,
    )
    TrackerTableOut.model_validate(tables)
    assert tables["total_benefit"] == "109000.00"
    assert tables["use_cases"][0]["calculations"][0]["improvement"][2] == "0.5800"


async def test_v2_carry_forward_and_a_corrected_past_month(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    calculation_id = graph.calculation_id
    expect(
        await client.put(
            f"/v1/calculations/{calculation_id}/inputs/reps/changes/2026-06",
            json={"value": "15"},
            headers=tenant.editor,
        ),
        201,
    )
    expect(await put_measurement(client, tenant.editor, calculation_id, "2026-06", "150"), 201)

    report = await get_report(client, tenant.viewer, graph.tracker["id"], "2026-08")
    table = only_calculation(report)
    assert table["benefit"] == [
        "21000.00",
        "30000.00",
        "58000.00",
        "58000.00",
        "58000.00",
        "75000.00",
        "75000.00",
        "75000.00",
    ]
    assert table["provenance"][3:] == ["carried", "carried", "measured", "carried", "carried"]
    assert table["metric_values"][3:5] == ["158", "158"]
    reps = next(row for row in table["inputs"] if row["key"] == "reps")
    assert reps["values"] == ["10"] * 5 + ["15"] * 3
    assert table["totals"]["realized"] == "450000.00"
    assert report["totals"]["realized"] == "450000.00"

    # Correct April: April and the carried May follow, the total is recomputed.
    expect(await put_measurement(client, tenant.editor, calculation_id, "2026-04", "160"), 201)
    after = only_calculation(
        await get_report(client, tenant.viewer, graph.tracker["id"], "2026-08")
    )
    assert after["benefit"] == [
        "21000.00",
        "30000.00",
        "58000.00",
        "60000.00",
        "60000.00",
        "75000.00",
        "75000.00",
        "75000.00",
    ]
    assert after["provenance"][3:5] == ["measured", "carried"]
    assert after["totals"]["realized"] == "454000.00"
    assert after["cumulative_benefit"][2] == "109000.00"


async def test_v3_lower_is_better_rounds_half_even(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.editor)
    use_case = await create_use_case(client, tenant.editor, graph.tracker["id"], name="Tasks")
    calculation = await create_calculation(client, tenant.editor, use_case["id"], **V3_CALCULATION)
    expect(await put_measurement(client, tenant.editor, calculation["id"], "2026-01", "30"), 201)

    body = expect(
        await client.get(
            f"/v1/use-cases/{use_case['id']}/table?as_of=2026-01", headers=tenant.viewer
        ),
        200,
    )
    UseCaseTableResponse.model_validate(body)
    [row] = body["use_case"]["calculations"]
    assert row["delta"] == ["10"]
    assert row["improvement"] == ["0.2500"]
    assert row["benefit"] == ["16666.67"]
    assert body["use_case"]["total_benefit"] == "16666.67"
