"""Retries and races on ledger writes: idempotent replay, 409 while the first is in flight,
and one winner of two updates sent with the same If-Match."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.conftest import Tenant
from tests.api.revenue_builders import bulk, customer, movement
from tests.api.value_tracking_builders import expect
from valuecalc_api.models import ArrMovement, AuditEvent

ROWS = [
    movement("m1", "c1", "2026-01-01", "new", "100"),
    movement("m2", "c1", "2026-02-01", "upsell", "50"),
]


async def _count(session: AsyncSession, model: type) -> int:
    await session.rollback()
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_retried_bulk_write_is_replayed_not_applied_twice(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await customer(client, tenant.admin, "c1")
    headers = {**tenant.editor, "Idempotency-Key": "sync-2026-01"}
    first = await client.post("/v1/revenue/movements/bulk", json={"rows": ROWS}, headers=headers)
    events = await _count(session, AuditEvent)
    again = await client.post("/v1/revenue/movements/bulk", json={"rows": ROWS}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert await _count(session, ArrMovement) == 2
    assert await _count(session, AuditEvent) == events
    changed = [*ROWS[:1], movement("m2", "c1", "2026-02-01", "upsell", "60")]
    reused = await client.post(
        "/v1/revenue/movements/bulk", json={"rows": changed}, headers=headers
    )
    assert reused.status_code == 422


async def test_a_retry_while_the_first_bulk_write_is_in_flight_is_409(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    await customer(client, tenant.admin, "c1")
    headers = {**tenant.editor, "Idempotency-Key": "sync-in-flight"}
    async with sessionmaker() as blocker:
        # Hold the customer's row: the first write waits for it inside its transaction.
        await blocker.execute(text("SELECT 1 FROM customers WHERE external_id = 'c1' FOR UPDATE"))
        first = asyncio.create_task(
            client.post("/v1/revenue/movements/bulk", json={"rows": ROWS}, headers=headers)
        )
        for _ in range(200):
            await asyncio.sleep(0.02)
            waiting = await session.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )
            await session.rollback()
            if waiting:
                break
        busy = await client.post("/v1/revenue/movements/bulk", json={"rows": ROWS}, headers=headers)
        assert busy.status_code == 409
        assert busy.json()["type"].endswith("/idempotency-request-in-progress")
        await blocker.rollback()
    done = await first
    assert done.status_code == 200
    replayed = await client.post("/v1/revenue/movements/bulk", json={"rows": ROWS}, headers=headers)
    assert replayed.content == done.content
    assert await _count(session, ArrMovement) == 2


async def test_two_updates_with_the_same_if_match_have_one_winner(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await customer(client, tenant.admin, "c1")
    expect(await bulk(client, tenant.editor, "movements", ROWS[:1]), 200)
    etag = (await client.get("/v1/revenue/movements/m1", headers=tenant.viewer)).headers["ETag"]
    headers = {**tenant.editor, "If-Match": etag}
    bodies = [
        {"customer_external_id": "c1", "date": "2026-01-01", "kind": "new", "amount": amount}
        for amount in ("110", "120")
    ]
    answers = await asyncio.gather(
        *(client.put("/v1/revenue/movements/m1", json=b, headers=headers) for b in bodies)
    )
    assert sorted(a.status_code for a in answers) == [200, 412]
    winner = next(a for a in answers if a.status_code == 200).json()["amount"]
    stored = expect(await client.get("/v1/revenue/movements/m1", headers=tenant.viewer), 200)
    assert stored["amount"] == winner
    assert stored["version"] == 2


async def test_two_requests_creating_the_same_key_leave_one_record(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await customer(client, tenant.admin, "c1")
    await customer(client, tenant.admin, "c2")
    answers = await asyncio.gather(
        bulk(client, tenant.editor, "movements", [movement("x", "c1", "2026-01-01", "new", "1")]),
        bulk(client, tenant.editor, "movements", [movement("x", "c2", "2026-01-01", "new", "2")]),
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses in ([200, 200], [200, 503])  # the second either waited and updated, or retries
    assert all(a.status_code < 500 or a.headers["retry-after"] == "1" for a in answers)
    assert await _count(session, ArrMovement) == 1
