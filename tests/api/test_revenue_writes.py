"""Ledger writes through HTTP: bulk all-or-nothing with the core's validation, single CRUD as
one-row bulk writes, If-Match, idempotency, audit, roles and tenant isolation."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.revenue_builders import bulk, customer, movement
from tests.api.value_tracking_builders import expect
from valuecalc_api.models import ArrMovement, AuditEvent


async def test_bulk_movements_are_stored_and_replanned(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await customer(client, tenant.admin, "c1")
    rows = [
        movement("m1", "c1", "2026-01-01", "new", "100"),
        movement("m2", "c1", "2026-03-01", "upsell", "20"),
    ]
    body = expect(await bulk(client, tenant.editor, "movements", rows), 200)
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "deleted": 0}
    again = expect(await bulk(client, tenant.editor, "movements", rows), 200)
    assert again["counts"]["unchanged"] == 2
    rows[1]["amount"] = "30.00"
    changed = expect(await bulk(client, tenant.editor, "movements", rows), 200)
    assert [r["status"] for r in changed["rows"]] == ["unchanged", "updated"]
    assert changed["rows"][1]["version"] == 2
    events = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "arr_movement")
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert [e.action for e in events] == ["create", "create", "update"]
    assert events[2].before is not None
    assert events[2].after is not None
    assert (events[2].before["amount"], events[2].after["amount"]) == ("20", "30.00")
    assert events[2].after["external_id"] == "m2"
    history = expect(
        await client.get("/v1/revenue/movements/m2/history", headers=tenant.viewer), 200
    )
    assert [e["action"] for e in history["items"]] == ["update", "create"]
    assert history["items"][0]["after"]["amount"] == "30.00"
    stored = expect(await client.get("/v1/revenue/movements/m2", headers=tenant.viewer), 200)
    assert stored["amount"] == "30.00"
    assert stored["currency"] == "USD"
    assert stored["customer_external_id"] == "c1"


async def test_an_invalid_ledger_is_refused_whole_with_every_problem(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await customer(client, tenant.admin, "c1")
    await customer(client, tenant.admin, "c2")
    expect(
        await bulk(
            client, tenant.editor, "movements", [movement("m1", "c1", "2026-01-01", "new", "100")]
        ),
        200,
    )
    events_before = await session.scalar(select(func.count()).select_from(AuditEvent))
    rows = [
        movement("ok", "c2", "2026-01-01", "new", "50"),
        movement("bad-churn", "c1", "2026-02-01", "churn", "90"),
        movement("bad-down", "c2", "2026-03-01", "downsell", "60"),
        movement("no-customer", "nobody", "2026-03-01", "new", "60"),
        movement("neg", "c1", "2026-01-15", "upsell", "-5"),
    ]
    response = await bulk(client, tenant.editor, "movements", rows)
    problem = expect(response, 422)
    found = {(e["row"], e["code"]) for e in problem["errors"]}
    assert (1, "churn_amount_mismatch") in found
    assert (2, "downsell_exceeds_arr") in found
    assert (3, "unknown_customer") in found
    assert (4, "non_positive_amount") in found
    assert 0 not in {e["row"] for e in problem["errors"]}
    count = await session.scalar(select(func.count()).select_from(ArrMovement))
    assert count == 1
    assert await session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


async def test_single_put_get_delete_with_if_match(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await customer(client, tenant.admin, "c1")
    body = {"customer_external_id": "c1", "date": "2026-01-01", "kind": "new", "amount": "100"}
    missing = await client.put("/v1/revenue/movements/m1", json=body, headers=tenant.editor)
    assert missing.status_code == 404
    created = await client.post(
        "/v1/revenue/movements", json={"external_id": "m1", **body}, headers=tenant.editor
    )
    assert created.status_code == 201, created.text
    taken = await client.post(
        "/v1/revenue/movements", json={"external_id": "m1", **body}, headers=tenant.editor
    )
    assert taken.status_code == 409
    etag = created.headers["ETag"]
    body["amount"] = "120"
    updated = await client.put(
        "/v1/revenue/movements/m1", json=body, headers={**tenant.editor, "If-Match": etag}
    )
    assert updated.status_code == 200
    assert updated.json()["amount"] == "120"
    stale = await client.put(
        "/v1/revenue/movements/m1", json=body, headers={**tenant.editor, "If-Match": etag}
    )
    assert stale.status_code == 412
    viewer = await client.put("/v1/revenue/movements/m1", json=body, headers=tenant.viewer)
    assert viewer.status_code == 403
    gone = await client.delete("/v1/revenue/movements/m1", headers=tenant.editor)
    assert gone.status_code == 204
    assert (await client.get("/v1/revenue/movements/m1", headers=tenant.editor)).status_code == 404


async def test_other_organization_sees_nothing(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    await customer(client, tenant.admin, "c1")
    expect(
        await bulk(
            client, tenant.editor, "movements", [movement("m1", "c1", "2026-01-01", "new", "100")]
        ),
        200,
    )
    assert (
        await client.get("/v1/revenue/movements/m1", headers=other_tenant.admin)
    ).status_code == 404
    # The other organization's customer c1 does not exist: the row is refused.
    response = await bulk(
        client, other_tenant.editor, "movements", [movement("m1", "c1", "2026-01-01", "new", "1")]
    )
    assert expect(response, 422)["errors"][0]["code"] == "unknown_customer"
    assert (await client.get("/v1/revenue/movements", headers=tenant.viewer)).json()["items"][0][
        "external_id"
    ] == "m1"
    listed = expect(await client.get("/v1/revenue/movements", headers=other_tenant.admin), 200)
    assert listed["items"] == []
    assert (await client.get("/v1/revenue/movements")).status_code == 401
    _ = text


async def test_moving_a_movement_to_another_customer_checks_both_ledgers(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await customer(client, tenant.admin, "c1")
    await customer(client, tenant.admin, "c2")
    rows = [
        movement("m1", "c1", "2026-01-01", "new", "100"),
        movement("m2", "c1", "2026-02-01", "upsell", "10"),
    ]
    expect(await bulk(client, tenant.editor, "movements", rows), 200)
    moved = [movement("m1", "c2", "2026-01-01", "new", "100")]
    problem = expect(await bulk(client, tenant.editor, "movements", moved), 422)
    assert [e["code"] for e in problem["errors"]] == ["expansion_without_arr"]
    stored = expect(await client.get("/v1/revenue/movements/m1", headers=tenant.viewer), 200)
    assert stored["customer_external_id"] == "c1"


async def test_a_customer_with_revenue_keeps_its_currency_and_is_not_deleted(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    created = await customer(client, tenant.admin, "c1")
    expect(
        await bulk(
            client, tenant.editor, "movements", [movement("m1", "c1", "2026-01-01", "new", "100")]
        ),
        200,
    )
    path = f"/v1/customers/{created['id']}"
    patched = await client.patch(path, json={"currency": "EUR"}, headers=tenant.admin)
    assert patched.status_code == 409
    assert patched.json()["type"].endswith("/customer-has-revenue")
    assert (await client.delete(path, headers=tenant.admin)).status_code == 409
    expect(await client.delete("/v1/revenue/movements/m1", headers=tenant.editor), 204)
    assert (await client.delete(path, headers=tenant.admin)).status_code == 204
