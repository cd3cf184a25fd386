"""One name for one thing, one format for one kind of value (issue 12): the report's
calculation rows use the measurement table's names, the report's tracker uses the
tracker resource's fee names, and money is always written at the currency's minor unit."""

from __future__ import annotations

import httpx

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    create_calculation,
    create_tracker,
    create_use_case,
    expect,
    put_measurement,
)
from valuecalc_api.reports.schemas import TrackerReportOut

ROWS = ("benefit", "error", "no_benefit_reason", "cumulative_benefit")


async def test_tracker_money_is_written_at_the_minor_unit(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    usd = await create_tracker(
        client,
        tenant.editor,
        recurring_fee_amount="120000",
        one_time_fees=[{"month": "2026-01", "amount": "5000", "description": "Setup"}],
    )
    assert usd["recurring_fee_amount"] == "120000.00"
    assert usd["one_time_fees"][0]["amount"] == "5000.00"
    fetched = expect(await client.get(f"/v1/trackers/{usd['id']}", headers=tenant.viewer), 200)
    assert fetched["recurring_fee_amount"] == "120000.00"
    jpy = await create_tracker(client, tenant.editor, currency="JPY", recurring_fee_amount="5000")
    assert jpy["recurring_fee_amount"] == "5000"  # JPY has no minor unit


async def test_report_and_table_use_the_same_names_for_the_same_things(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(
        client,
        tenant.editor,
        recurring_fee_amount="4000",
        recurring_fee_interval="month",
        one_time_fees=[{"month": "2026-01", "amount": "5000", "description": "Setup"}],
    )
    use_case = await create_use_case(client, tenant.editor, tracker["id"])
    calculation = await create_calculation(
        client, tenant.editor, use_case["id"], formula="reps * cost_per_rep_month / delta"
    )
    for month, value in {"2026-01": "121", "2026-02": "100"}.items():
        expect(await put_measurement(client, tenant.editor, calculation["id"], month, value), 201)

    report = expect(
        await client.get(
            f"/v1/trackers/{tracker['id']}/report?as_of=2026-03", headers=tenant.viewer
        ),
        200,
    )
    TrackerReportOut.model_validate(report)
    header = report["tracker"]
    assert "fees" not in header
    assert header["recurring_fee_amount"] == "4000.00"
    assert header["recurring_fee_interval"] == "month"
    assert header["one_time_fees"] == [
        {"month": "2026-01", "amount": "5000.00", "description": "Setup"}
    ]

    table = expect(
        await client.get(
            f"/v1/use-cases/{use_case['id']}/table?as_of=2026-03", headers=tenant.viewer
        ),
        200,
    )
    [in_table] = table["use_case"]["calculations"]
    [in_report] = report["use_cases"][0]["calculations"]
    assert {name: in_report[name] for name in ROWS} == {name: in_table[name] for name in ROWS}
    assert in_report["benefit"] == ["4761.90", None, None]
    assert in_report["error"] == [None, "division_by_zero", "division_by_zero"]
    assert "realized" not in in_report
    assert "benefit_note" not in in_report
