"""Contract lines derive movements by the core's rules and re-derive them when a line
changes; corrections restate later figures; CSQL summary by owner; ARR per customer."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.revenue_builders import bulk, customer, movement
from tests.api.value_tracking_builders import expect
from valuecalc_api.revenue.arr_lookup import arr_by_customer


def _line(external_id: str, start: str, end: str, arr: str) -> dict[str, str]:
    return {
        "external_id": external_id,
        "customer_external_id": "k1",
        "start_month": start,
        "end_month": end,
        "arr": arr,
    }


async def _derived(client: httpx.AsyncClient, tenant: Tenant) -> list[tuple[str, str, str]]:
    items = expect(
        await client.get(
            "/v1/revenue/movements",
            params={"customer_external_id": "k1", "limit": 200},
            headers=tenant.viewer,
        ),
        200,
    )["items"]
    assert all(m["source"] == "contract_lines" for m in items)
    return sorted((m["date"], m["kind"], m["amount"]) for m in items)


async def test_contract_lines_derive_and_rederive_movements(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await customer(client, tenant.admin, "k1")
    lines = [_line("l1", "2026-01", "2026-06", "1200"), _line("l2", "2026-04", "2026-09", "600")]
    expect(await bulk(client, tenant.editor, "contract-lines", lines), 200)
    assert await _derived(client, tenant) == [
        ("2026-01-01", "new", "1200"),
        ("2026-04-01", "upsell", "600"),
        ("2026-07-01", "downsell", "1200"),
        ("2026-10-01", "churn", "600"),
    ]
    expect(
        await client.put(
            "/v1/revenue/contract-lines/l2",
            json={k: v for k, v in _line("l2", "2026-04", "2026-12", "600").items()
                  if k != "external_id"},
            headers=tenant.editor,
        ),
        200,
    )  # fmt: skip
    assert await _derived(client, tenant) == [
        ("2026-01-01", "new", "1200"),
        ("2026-04-01", "upsell", "600"),
        ("2026-07-01", "downsell", "1200"),
        ("2027-01-01", "churn", "600"),
    ]
    edit = await client.put("/v1/revenue/movements/contract:x", json={}, headers=tenant.editor)
    assert edit.status_code in (404, 422)
    expect(await client.delete("/v1/revenue/contract-lines/l1", headers=tenant.editor), 204)
    expect(await client.delete("/v1/revenue/contract-lines/l2", headers=tenant.editor), 204)
    assert await _derived(client, tenant) == []


async def test_a_correction_restates_later_figures_and_a_bad_delete_is_refused(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await customer(client, tenant.admin, "c1")
    rows = [
        movement("m1", "c1", "2025-06-01", "new", "100"),
        movement("m2", "c1", "2026-03-01", "churn", "100"),
    ]
    expect(await bulk(client, tenant.editor, "movements", rows), 200)
    params = {"start": "2026-01", "end": "2026-12"}
    before = expect(
        await client.get("/v1/revenue/metrics", params=params, headers=tenant.viewer), 200
    )
    assert before["total"]["grr"]["value"] == "0.0000"
    # Removing the new would leave a churn without ARR: refused, nothing changes.
    refused = expect(await client.delete("/v1/revenue/movements/m1", headers=tenant.editor), 422)
    assert refused["errors"][0]["code"] == "churn_without_arr"
    expect(await client.delete("/v1/revenue/movements/m2", headers=tenant.editor), 204)
    after = expect(
        await client.get("/v1/revenue/metrics", params=params, headers=tenant.viewer), 200
    )
    assert after["total"]["grr"]["value"] == "1.0000"
    found = await arr_by_customer(session, tenant.organization_id, datetime.date(2026, 6, 30))
    assert list(found.values()) == [(Decimal("100"), "USD")]
    assert all(isinstance(key, uuid.UUID) for key in found)


async def test_lead_summary_by_owner(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await customer(client, tenant.admin, "c1")
    leads = [
        {"external_id": "l1", "customer_external_id": "c1", "raised_on": "2026-02-01",
         "status": "won", "closed_revenue": "5000", "owner": "ana"},
        {"external_id": "l2", "customer_external_id": "c1", "raised_on": "2026-02-11",
         "status": "lost", "owner": "ana"},
        {"external_id": "l3", "customer_external_id": "c1", "raised_on": "2026-03-01",
         "status": "open", "owner": "ben"},
        {"external_id": "l4", "customer_external_id": "c1", "raised_on": "2025-03-01",
         "status": "won", "closed_revenue": "1", "owner": "ben"},
    ]  # fmt: skip
    expect(await bulk(client, tenant.editor, "leads", leads), 200)
    body = expect(
        await client.get(
            "/v1/revenue/lead-summary",
            params={"start": "2026-01", "end": "2026-12"},
            headers=tenant.viewer,
        ),
        200,
    )
    total = body["total"]
    assert (total["raised"], total["open"], total["won"], total["lost"]) == (3, 1, 1, 1)
    assert total["closed_revenue"] == "5000.00"
    assert total["win_rate"]["value"] == "0.5000"
    owners = {o["owner"]: o for o in body["owners"]}
    assert owners["ben"]["win_rate"]["value"] is None
    assert owners["ana"]["won"] == 1


async def test_csv_import_of_movements_names_line_and_column(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await customer(client, tenant.admin, "crm-0042")
    template = await client.get("/v1/revenue/movements/import/template.csv", headers=tenant.viewer)
    assert template.status_code == 200
    imported = await client.post(
        "/v1/revenue/movements/import",
        content=template.content,
        headers={**tenant.editor, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["counts"]["created"] == 2
    bad = (
        "external_id,customer_external_id,date,kind,amount\r\n"
        "mv-2,crm-0042,2026-08-01,downsell,999999\r\n"
        "mv-3,crm-0042,2026-13-01,upsell,5\r\n"
    )
    refused = await client.post(
        "/v1/revenue/movements/import",
        content=bad.encode(),
        headers={**tenant.editor, "Content-Type": "text/csv"},
    )
    body = expect(refused, 422)
    assert {(e["line"], e["column"], e["code"]) for e in body["errors"]} >= {
        (2, "amount", "downsell_exceeds_arr")
    }
    assert any(e["line"] == 3 and e["column"] == "date" for e in body["errors"])


async def test_csv_import_of_contract_lines(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await customer(client, tenant.admin, "crm-0042")
    template = await client.get(
        "/v1/revenue/contract-lines/import/template.csv", headers=tenant.viewer
    )
    imported = await client.post(
        "/v1/revenue/contract-lines/import",
        files={"file": ("lines.csv", template.content, "text/csv")},
        headers=tenant.editor,
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["counts"]["created"] == 1
