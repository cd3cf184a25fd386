"""The tracker report and the measurement tables: access, months, formats, and the rules
a reader checks (inactive use cases shown but not counted, `no_benefit`, formula errors,
ROI figures with their numerator and denominator)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.api.conftest import Tenant
from tests.api.test_value_examples_http import get_report, only_calculation, v1_graph
from tests.api.value_tracking_builders import (
    create_calculation,
    create_graph,
    create_tracker,
    create_use_case,
    error_fields,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.models import Role
from valuecalc_api.reports.schemas import TrackerTableOut

READ_PATHS = (
    "/v1/trackers/{tracker}/report",
    "/v1/trackers/{tracker}/table",
    "/v1/trackers/{tracker}/measurements-view",
    "/v1/use-cases/{use_case}/table",
)


def _path(template: str, tracker: str, use_case: str) -> str:
    return template.format(tracker=tracker, use_case=use_case)


@pytest.mark.parametrize("template", READ_PATHS)
async def test_reads_need_a_key_and_stay_in_the_organization(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, template: str
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = _path(template, graph.tracker["id"], graph.use_case["id"])

    problem(await client.get(path), 401, "unauthorized")
    expect(await client.get(path, headers=tenant.viewer), 200)  # a viewer reads
    body = problem(await client.get(path, headers=other_tenant.admin), 404, "not-found")
    assert graph.tracker["name"] not in str(body)
    missing = _path(template, str(uuid.uuid4()), str(uuid.uuid4()))
    problem(await client.get(missing, headers=tenant.admin), 404, "not-found")

    other_tracker = await create_graph(client, tenant.editor)
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(other_tracker.tracker["id"])])
    problem(await client.get(path, headers=limited), 404, "not-found")


@pytest.mark.parametrize("template", READ_PATHS[:2] + READ_PATHS[3:])
async def test_as_of_is_a_month_not_before_the_contract(
    client: httpx.AsyncClient, tenant: Tenant, template: str
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = _path(template, graph.tracker["id"], graph.use_case["id"])
    assert error_fields(await client.get(f"{path}?as_of=2026-13", headers=tenant.viewer)) == [
        "as_of"
    ]
    before = await client.get(f"{path}?as_of=2025-12", headers=tenant.viewer)
    assert problem(before, 422, "validation-error")["errors"][0]["code"] == "month_before_period"
    # After the contract: clipped to its last month (the final figures).
    late = expect(await client.get(f"{path}?as_of=2030-01", headers=tenant.viewer), 200)
    assert late["as_of"] == "2026-12"
    default = expect(await client.get(path, headers=tenant.viewer), 200)
    assert default["as_of"] == "2026-12"


async def test_measurements_view_month_must_be_in_the_period(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/measurements-view"
    for bad in ("2027-01", "2025-12", "March"):
        assert error_fields(await client.get(f"{path}?month={bad}", headers=tenant.viewer)) == [
            "month"
        ]


async def test_report_totals_roi_and_definitions(client: httpx.AsyncClient, tenant: Tenant) -> None:
    graph = await v1_graph(
        client,
        tenant.editor,
        recurring_fee_amount="60000",
        recurring_fee_interval="year",
        one_time_fees=[{"month": "2026-01", "amount": "10000", "description": "Onboarding"}],
    )
    report = await get_report(client, tenant.viewer, graph.tracker["id"], "2026-03")
    totals = report["totals"]
    # cost: 5000.00 a month (60000 / 12) + 10000.00 onboarding in January.
    assert report["monthly"]["cost"] == ["15000.00", "5000.00", "5000.00"]
    assert totals["cost"] == "25000.00"
    assert totals["net_roi"]["value"] == "3.3600"  # (109000 - 25000) / 25000
    assert totals["net_roi"]["numerator"] == "84000.00"
    assert totals["net_roi"]["denominator"] == "25000.00"
    assert totals["value_multiple"]["value"] == "4.3600"  # 109000 / 25000
    assert totals["value_multiple"]["numerator"] == "109000.00"
    assert totals["payback_month"] == "2026-01"  # 21000 >= 15000
    assert report["definitions"]["net_roi"] == "(realized benefit - cost) / cost."
    # The projection: target 150 reached at 50 % in months 1-3 -> metric 125, 25 % x 100000.
    calculation = only_calculation(report)
    assert calculation["projection"]["benefit"] == ["25000.00", "25000.00", "25000.00"]
    assert calculation["projection"]["metric_values"][0] == "125.0"
    assert calculation["variance"] == ["-4000.00", "5000.00", "33000.00"]
    assert calculation["cumulative_variance"] == ["-4000.00", "1000.00", "34000.00"]
    assert totals["projected"] == "75000.00"
    assert totals["variance"] == "34000.00"
    assert calculation["trend"] == "accelerating"  # +9 then +28 tickets a month
    assert calculation["inputs"][0] == {
        "key": "reps",
        "name": "# of reps",
        "unit": "reps",
        "values": ["10", "10", "10"],
    }
    assert calculation["ramp"] == [
        {"from_month": 1, "share": "0.5000"},
        {"from_month": 4, "share": "1.0000"},
    ]


async def test_no_cost_leaves_roi_undefined_not_infinite(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    totals = (await get_report(client, tenant.viewer, graph.tracker["id"], "2026-03"))["totals"]
    assert totals["net_roi"]["value"] is None
    assert totals["net_roi"]["reason"] == "no_cost"
    assert totals["payback_month"] is None


async def test_inactive_use_case_is_shown_but_not_counted(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    parked = await create_use_case(
        client, tenant.editor, graph.tracker["id"], name="Parked", status="inactive"
    )
    calculation = await create_calculation(client, tenant.editor, parked["id"], key="parked")
    expect(await put_measurement(client, tenant.editor, calculation["id"], "2026-01", "200"), 201)

    table = expect(
        await client.get(
            f"/v1/trackers/{graph.tracker['id']}/table?as_of=2026-03", headers=tenant.viewer
        ),
        200,
    )
    TrackerTableOut.model_validate(table)
    counted = {u["name"]: (u["counted"], u["total_benefit"]) for u in table["use_cases"]}
    assert counted == {
        "Faster ticket handling": (True, "109000.00"),
        "Parked": (False, "300000.00"),  # 100 % x 100000, three months
    }
    assert table["total_benefit"] == "109000.00"
    report = await get_report(client, tenant.viewer, graph.tracker["id"], "2026-03")
    assert report["totals"]["realized"] == "109000.00"
    assert [u["counted"] for u in report["use_cases"]] == [True, False]
    view = expect(
        await client.get(
            f"/v1/trackers/{graph.tracker['id']}/measurements-view", headers=tenant.viewer
        ),
        200,
    )
    assert [m["use_case_name"] for m in view["metrics"]] == ["Faster ticket handling"]


async def test_no_benefit_policy_realizes_nothing_in_carried_months(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.editor, missing_months="no_benefit")
    for month, value in (("2026-01", "121"), ("2026-03", "158")):
        expect(
            await put_measurement(client, tenant.editor, graph.calculation_id, month, value), 201
        )
    body = expect(
        await client.get(
            f"/v1/use-cases/{graph.use_case['id']}/table?as_of=2026-04", headers=tenant.viewer
        ),
        200,
    )
    [row] = body["use_case"]["calculations"]
    assert body["missing_months"] == "no_benefit"
    assert row["provenance"] == ["measured", "carried", "measured", "carried"]
    assert row["benefit"] == ["21000.00", None, "58000.00", None]
    assert row["no_benefit_reason"] == [
        None,
        "carried_month_no_benefit",
        None,
        "carried_month_no_benefit",
    ]
    assert row["total_benefit"] == "79000.00"


async def test_a_failing_month_shows_its_error_and_the_others_compute(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.editor)
    use_case = await create_use_case(client, tenant.editor, graph.tracker["id"], name="Fragile")
    calculation = await create_calculation(
        client,
        tenant.editor,
        use_case["id"],
        key="fragile",
        formula="reps * cost_per_rep_month / (metric - 120)",
    )
    for month, value in (("2026-01", "121"), ("2026-02", "120"), ("2026-03", "158")):
        expect(await put_measurement(client, tenant.editor, calculation["id"], month, value), 201)
    body = expect(
        await client.get(
            f"/v1/use-cases/{use_case['id']}/table?as_of=2026-03", headers=tenant.viewer
        ),
        200,
    )
    [row] = body["use_case"]["calculations"]
    assert row["benefit"] == ["100000.00", None, "2631.58"]
    assert row["error"] == [None, "division_by_zero", None]
    assert row["total_benefit"] == "102631.58"


async def test_use_case_table_as_csv_for_a_spreadsheet(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.editor, end_month="2026-03")
    use_case = await create_use_case(client, tenant.editor, tracker["id"])
    # A name a spreadsheet would run as a formula.
    calculation = await create_calculation(
        client, tenant.editor, use_case["id"], name="=1+2", ramp=[]
    )
    for month, value in (("2026-01", "121"), ("2026-03", "158")):
        expect(await put_measurement(client, tenant.editor, calculation["id"], month, value), 201)
    path = f"/v1/use-cases/{use_case['id']}/table"

    response = await client.get(path, headers={**tenant.viewer, "Accept": "text/csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    label = "Faster ticket handling,active,yes,'=1+2"
    assert response.text == (
        "use_case,status,counted,calculation,row,unit,2026-01,2026-02,2026-03,total\r\n"
        f"{label},Avg. tickets handled per day,tickets/day,121,121,158,\r\n"
        f"{label},provenance,,measured,carried,measured,\r\n"
        f"{label},note / evidence,,,,,\r\n"
        f"{label},# of reps,reps,10,10,10,\r\n"
        f"{label},Cost per rep per month,USD/month,10000,10000,10000,\r\n"
        f"{label},delta,tickets/day,21,21,58,\r\n"
        f"{label},improvement,ratio,0.2100,0.2100,0.5800,\r\n"
        f"{label},monthly benefit,USD,21000.00,21000.00,58000.00,100000.00\r\n"
        f"{label},benefit note,,,,,\r\n"
        "Faster ticket handling,active,yes,,use case benefit,USD,21000.00,21000.00,58000.00,"
        "100000.00\r\n"
    )
    by_query = await client.get(f"{path}?format=csv", headers=tenant.viewer)
    assert by_query.text == response.text
    # ?format wins over Accept.
    as_json = await client.get(
        f"{path}?format=json", headers={**tenant.viewer, "Accept": "text/csv"}
    )
    assert as_json.headers["content-type"] == "application/json"


async def test_tracker_table_and_report_csv(client: httpx.AsyncClient, tenant: Tenant) -> None:
    graph = await v1_graph(client, tenant.editor, recurring_fee_amount="1000")
    tracker_id = graph.tracker["id"]
    table = await client.get(
        f"/v1/trackers/{tracker_id}/table?as_of=2026-03&format=csv", headers=tenant.viewer
    )
    lines = table.text.split("\r\n")
    assert lines[0] == "use_case,status,counted,calculation,row,unit,2026-01,2026-02,2026-03,total"
    assert (
        lines[-2]
        == ",,,,tracker benefit (active use cases),USD,21000.00,30000.00,58000.00,109000.00"
    )
    report = await client.get(
        f"/v1/trackers/{tracker_id}/report?as_of=2026-03",
        headers={**tenant.viewer, "Accept": "text/csv"},
    )
    assert report.headers["content-type"] == "text/csv; charset=utf-8"
    rows = report.text.split("\r\n")
    assert rows[0] == "row,unit,2026-01,2026-02,2026-03,total"
    assert rows[1] == "realized benefit,USD,21000.00,30000.00,58000.00,109000.00"
    assert rows[4] == "cost,USD,1000.00,1000.00,1000.00,3000.00"


async def test_unknown_format_and_unacceptable_accept(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    assert error_fields(await client.get(f"{path}?format=xlsx", headers=tenant.viewer)) == [
        "query.format"
    ]
    problem(
        await client.get(path, headers={**tenant.viewer, "Accept": "image/png"}),
        406,
        "not-acceptable",
    )
    weighted = await client.get(
        path, headers={**tenant.viewer, "Accept": "application/json;q=0.5, text/csv"}
    )
    assert weighted.headers["content-type"].startswith("text/csv")


async def test_findings_name_what_to_review_and_notes_clear_them(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    calculation_id = graph.calculation_id
    expect(
        await put_measurement(
            client, tenant.editor, calculation_id, "2026-05", "160", estimate=True
        ),
        201,
    )
    report = await get_report(client, tenant.viewer, graph.tracker["id"], "2026-05")
    kinds = [(f["kind"], f["month"], f["calculation_name"]) for f in report["findings"]]
    assert kinds == [
        ("missing_month", "2026-04", "Support cost savings"),
        ("estimate_without_note", "2026-05", "Support cost savings"),
    ]
    assert report["findings"][0]["use_case_id"] == graph.use_case["id"]
    expect(
        await client.post(
            f"/v1/calculations/{calculation_id}/months/2026-05/notes",
            json={"text": "Estimated from the first three weeks."},
            headers=tenant.editor,
        ),
        201,
    )
    again = await get_report(client, tenant.viewer, graph.tracker["id"], "2026-05")
    assert [f["kind"] for f in again["findings"]] == ["missing_month"]
    summary = only_calculation(again)["summary"]
    assert (summary["measured"], summary["estimated"], summary["carried"]) == (3, 1, 1)
