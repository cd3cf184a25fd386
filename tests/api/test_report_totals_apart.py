"""Report totals that never pretend (issue 12): a calculation without a target has no
projected benefit and no variance (null, with the reason), every sum says which
calculations its projection covers, and draft and inactive use cases' benefit is shown
apart (`not_counted`) with their measurements flagged in the review."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    SUPPORT_CALCULATION,
    create_calculation,
    create_tracker,
    create_use_case,
    expect,
    put_measurement,
)
from valuecalc_api.reports.schemas import PortfolioOut, TrackerReportOut

V1_MEASUREMENTS = {"2026-01": "121", "2026-02": "130", "2026-03": "158"}


async def _measure(client: httpx.AsyncClient, tenant: Tenant, calculation_id: str) -> None:
    for month, value in V1_MEASUREMENTS.items():
        expect(await put_measurement(client, tenant.editor, calculation_id, month, value), 201)


async def test_a_calculation_without_a_target_has_no_projection_and_sums_say_so(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.editor)
    use_case = await create_use_case(client, tenant.editor, tracker["id"])
    # The seed's calculation with a target of 150 and no ramp: 50,000.00 a month projected.
    planned = await create_calculation(
        client, tenant.editor, use_case["id"], key="planned", ramp=[]
    )
    unplanned = await create_calculation(
        client,
        tenant.editor,
        use_case["id"],
        key="unplanned",
        metric={**SUPPORT_CALCULATION["metric"], "target": None},
    )
    await _measure(client, tenant, planned["id"])
    await _measure(client, tenant, unplanned["id"])

    report: dict[str, Any] = expect(
        await client.get(
            f"/v1/trackers/{tracker['id']}/report?as_of=2026-03", headers=tenant.viewer
        ),
        200,
    )
    TrackerReportOut.model_validate(report)
    [use_case_report] = report["use_cases"]
    by_key = {c["key"]: c for c in use_case_report["calculations"]}

    alone = by_key["unplanned"]
    assert alone["projection"] is None
    assert alone["totals"]["realized"] == "109000.00"
    assert alone["totals"]["projected"] is None
    assert alone["totals"]["variance"] is None  # not "beat the plan by 109,000.00"
    assert alone["variance"] == [None, None, None]
    assert alone["cumulative_projected"] == [None, None, None]
    assert alone["cumulative_variance"] == [None, None, None]
    assert alone["totals"]["projection_covers"]["missing"] == [
        {"calculation_id": unplanned["id"], "reason": "no_target"}
    ]

    planned_report = by_key["planned"]
    assert planned_report["totals"]["projected"] == "150000.00"
    assert planned_report["totals"]["variance"] == "-41000.00"

    for totals in (report["totals"], use_case_report["totals"]):
        assert totals["realized"] == "218000.00"
        assert totals["projected"] == "150000.00"
        # Compared with the planned calculation's realized benefit only.
        assert totals["variance"] == "-41000.00"
        covers = totals["projection_covers"]
        assert covers["calculation_ids"] == [planned["id"]]
        assert (covers["count"], covers["calculation_count"], covers["complete"]) == (1, 2, False)
    assert report["monthly"]["variance"] == ["-29000.00", "-20000.00", "8000.00"]

    portfolio: dict[str, Any] = expect(
        await client.get("/v1/reports/portfolio?as_of=2026-03", headers=tenant.viewer), 200
    )
    PortfolioOut.model_validate(portfolio)
    [summary] = portfolio["trackers"]
    assert summary["projected"] == "150000.00"
    assert summary["projection_covers"]["count"] == 1
    assert summary["projection_covers"]["complete"] is False
    [currency] = portfolio["currencies"]
    assert currency["projection_covers"]["calculation_count"] == 2


async def test_a_tracker_without_any_target_projects_nothing(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.editor)
    use_case = await create_use_case(client, tenant.editor, tracker["id"])
    calculation = await create_calculation(
        client,
        tenant.editor,
        use_case["id"],
        metric={**SUPPORT_CALCULATION["metric"], "target": None},
    )
    await _measure(client, tenant, calculation["id"])
    report = expect(
        await client.get(
            f"/v1/trackers/{tracker['id']}/report?as_of=2026-03", headers=tenant.viewer
        ),
        200,
    )
    assert report["totals"]["realized"] == "109000.00"
    assert (report["totals"]["projected"], report["totals"]["variance"]) == (None, None)
    assert report["monthly"]["cumulative_variance"] == [None, None, None]
    assert report["totals"]["projection_covers"]["count"] == 0
    portfolio = expect(
        await client.get("/v1/reports/portfolio?as_of=2026-03", headers=tenant.viewer), 200
    )
    assert portfolio["trackers"][0]["projected"] is None
    assert portfolio["currencies"][0]["projected"] is None


async def test_draft_and_inactive_use_cases_benefit_is_shown_apart_and_flagged(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.editor)
    created = expect(
        await client.post(
            f"/v1/trackers/{tracker['id']}/use-cases",
            json={"name": "Measured before it was activated"},
            headers=tenant.editor,
        ),
        201,
    )
    assert created["status"] == "draft"
    draft_calculation = await create_calculation(client, tenant.editor, created["id"])
    await _measure(client, tenant, draft_calculation["id"])
    inactive = await create_use_case(client, tenant.editor, tracker["id"], status="inactive")
    inactive_calculation = await create_calculation(
        client, tenant.editor, inactive["id"], key="old"
    )
    expect(
        await put_measurement(client, tenant.editor, inactive_calculation["id"], "2026-02", "110"),
        201,
    )

    report = expect(
        await client.get(
            f"/v1/trackers/{tracker['id']}/report?as_of=2026-03", headers=tenant.viewer
        ),
        200,
    )
    TrackerReportOut.model_validate(report)
    assert report["totals"]["realized"] == "0.00"
    assert report["not_counted"] == {
        "draft": {"use_case_ids": [created["id"]], "use_case_count": 1, "realized": "109000.00"},
        "inactive": {
            "use_case_ids": [inactive["id"]],
            "use_case_count": 1,
            "realized": "20000.00",
        },
    }
    flagged = [
        (f["calculation_id"], f["month"])
        for f in report["findings"]
        if f["kind"] == "measured_not_counted"
    ]
    assert flagged == [
        (draft_calculation["id"], "2026-01"),
        (inactive_calculation["id"], "2026-02"),
    ]
    detail = next(f["detail"] for f in report["findings"] if f["kind"] == "measured_not_counted")
    assert "draft" in detail
    assert "count in no total" in detail
