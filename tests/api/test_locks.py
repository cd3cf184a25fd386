"""Month locks: admin-only changes, the 423 a write into a locked month gets, the audit
trail of lock changes, and that a lock change and a write cannot interleave."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.conftest import Tenant
from tests.api.value_rows import count, make_tracker, principal_of
from valuecalc_api.locks import repository as lock_repository
from valuecalc_api.locks.service import ensure_unlocked
from valuecalc_api.models import AuditEvent, Note, Role, TrackerLock
from valuecalc_api.problems import Problem
from valuecalc_core.months import Month


async def test_admin_locks_a_tracker_and_anyone_reads_the_lock(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    unlocked = await client.get(f"/v1/trackers/{rows.tracker_id}/lock", headers=tenant.viewer)
    assert unlocked.status_code == 200
    assert unlocked.json()["locked_through"] is None

    put = await client.put(
        f"/v1/trackers/{rows.tracker_id}/lock", json={"through": "2026-03"}, headers=tenant.admin
    )
    assert put.status_code == 200, put.text
    assert put.json()["locked_through"] == "2026-03"

    read = await client.get(f"/v1/trackers/{rows.tracker_id}/lock", headers=tenant.viewer)
    assert read.json()["locked_through"] == "2026-03"
    assert read.json()["locked_by_key_id"] == put.json()["locked_by_key_id"]


@pytest.mark.parametrize("role", ["editor", "viewer"])
async def test_only_an_admin_changes_a_lock(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    role: str,
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    headers = getattr(tenant, role)
    put = await client.put(
        f"/v1/trackers/{rows.tracker_id}/lock", json={"through": "2026-03"}, headers=headers
    )
    delete = await client.delete(f"/v1/trackers/{rows.tracker_id}/lock", headers=headers)
    assert (put.status_code, delete.status_code) == (403, 403)
    assert await count(session, TrackerLock) == 0


async def test_another_organizations_tracker_has_no_lock_to_see_or_change(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    url = f"/v1/trackers/{rows.tracker_id}/lock"
    assert (await client.get(url, headers=other_tenant.admin)).status_code == 404
    put = await client.put(url, json={"through": "2026-03"}, headers=other_tenant.admin)
    assert put.status_code == 404
    assert put.headers["content-type"] == "application/problem+json"


async def test_a_lock_before_the_contract_start_is_refused(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id, start="2026-01")
    put = await client.put(
        f"/v1/trackers/{rows.tracker_id}/lock", json={"through": "2025-12"}, headers=tenant.admin
    )
    assert put.status_code == 422
    assert put.json()["errors"][0]["field"] == "through"
    assert put.json()["errors"][0]["code"] == "before_contract_start"
    bad = await client.put(
        f"/v1/trackers/{rows.tracker_id}/lock", json={"through": "2026-13"}, headers=tenant.admin
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "through"


async def test_lock_changes_are_audited_as_lock_and_unlock(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    url = f"/v1/trackers/{rows.tracker_id}/lock"
    for through in ("2026-03", "2026-03", "2026-05", "2026-02"):
        response = await client.put(url, json={"through": through}, headers=tenant.admin)
        assert response.status_code == 200
    assert (await client.delete(url, headers=tenant.admin)).status_code == 204
    assert (await client.get(url, headers=tenant.admin)).json()["locked_through"] is None
    assert (await client.delete(url, headers=tenant.admin)).status_code == 404

    history = await client.get(
        f"/v1/trackers/{rows.tracker_id}/history",
        params={"entity_type": "lock"},
        headers=tenant.viewer,
    )
    events = list(reversed(history.json()["items"]))  # oldest first
    # Setting the same month twice records nothing the second time.
    assert [event["action"] for event in events] == ["lock", "lock", "unlock", "unlock"]
    throughs = [
        (
            (event["before"] or {}).get("locked_through"),
            (event["after"] or {}).get("locked_through"),
        )
        for event in events
    ]
    assert throughs == [
        (None, "2026-03"),
        ("2026-03", "2026-05"),
        ("2026-05", "2026-02"),
        ("2026-02", None),
    ]
    assert all(event["entity_id"] == str(rows.tracker_id) for event in events)
    assert await count(session, AuditEvent) == 4


async def test_ensure_unlocked_refuses_locked_months_and_names_them(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    await client.put(
        f"/v1/trackers/{rows.tracker_id}/lock", json={"through": "2026-03"}, headers=tenant.admin
    )
    async with sessionmaker() as session:
        months = [Month.parse(m) for m in ("2026-04", "2026-02", "2026-03", "2026-02")]
        with pytest.raises(Problem) as refused:
            await ensure_unlocked(session, tenant.organization_id, rows.tracker_id, months)
        body = refused.value.body()
        assert refused.value.status == 423
        assert body["type"].endswith("/month-locked")
        assert body["locked_through"] == "2026-03"
        assert body["locked_months"] == ["2026-02", "2026-03"]
        assert "locked through 2026-03" in body["detail"]
        assert "2026-02, 2026-03" in body["detail"]
        # Months after the lock are writable; reads of other trackers are unaffected.
        await ensure_unlocked(
            session, tenant.organization_id, rows.tracker_id, [Month.parse("2026-04")]
        )
        await ensure_unlocked(session, tenant.organization_id, rows.tracker_id, [])


async def test_a_note_in_a_locked_month_gets_423_and_leaves_no_trace(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    await client.put(
        f"/v1/trackers/{rows.tracker_id}/lock", json={"through": "2026-03"}, headers=tenant.admin
    )
    events_before = await count(session, AuditEvent)
    refused = await client.post(
        f"/v1/calculations/{rows.calculation_id}/months/2026-03/notes",
        json={"text": "Black Friday caused the spike"},
        headers=tenant.editor,
    )
    assert refused.status_code == 423
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["locked_through"] == "2026-03"
    assert refused.json()["locked_months"] == ["2026-03"]
    assert await count(session, Note) == 0
    assert await count(session, AuditEvent) == events_before

    # The month after the lock is open; after an admin moves the lock earlier, so is March.
    after = await client.post(
        f"/v1/calculations/{rows.calculation_id}/months/2026-04/notes",
        json={"text": "ok"},
        headers=tenant.editor,
    )
    assert after.status_code == 201
    await client.put(
        f"/v1/trackers/{rows.tracker_id}/lock", json={"through": "2026-02"}, headers=tenant.admin
    )
    march = await client.post(
        f"/v1/calculations/{rows.calculation_id}/months/2026-03/notes",
        json={"text": "ok now"},
        headers=tenant.editor,
    )
    assert march.status_code == 201


async def _wait_for_advisory_lock_waiter(session: AsyncSession) -> None:
    """Poll until some backend waits on an advisory lock (bounded; fails if none ever does)."""
    for _ in range(500):
        await session.rollback()  # pg_stat_activity is a snapshot per transaction
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
            )
        )
        if waiting:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no request ever waited for the tracker's lock state")


async def test_a_lock_change_waits_for_a_write_in_flight(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    async with sessionmaker() as writer:
        await ensure_unlocked(
            writer, tenant.organization_id, rows.tracker_id, [Month.parse("2026-02")]
        )
        lock_request = asyncio.create_task(
            client.put(
                f"/v1/trackers/{rows.tracker_id}/lock",
                json={"through": "2026-03"},
                headers=tenant.admin,
            )
        )
        await _wait_for_advisory_lock_waiter(session)
        assert not lock_request.done()
        await writer.commit()
    assert (await lock_request).status_code == 200


async def test_a_write_waits_for_a_lock_change_in_flight_and_then_sees_it(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    admin = await principal_of(sessionmaker, tenant.organization_id, Role.admin)
    async with sessionmaker() as locker:
        # What PUT /lock does, held open: the exclusive lock state and the new lock row.
        await lock_repository.hold_lock_state_exclusive(locker, rows.tracker_id)
        locker.add(
            TrackerLock(
                tracker_id=rows.tracker_id,
                organization_id=tenant.organization_id,
                locked_through=Month.parse("2026-03"),
                locked_by_key_id=admin.key_id,
            )
        )
        await locker.flush()
        write = asyncio.create_task(
            client.post(
                f"/v1/calculations/{rows.calculation_id}/months/2026-02/notes",
                json={"text": "written while the lock was being set"},
                headers=tenant.editor,
            )
        )
        await _wait_for_advisory_lock_waiter(session)
        assert not write.done()
        await locker.commit()
    response = await write
    assert response.status_code == 423
    assert await count(session, Note) == 0
    lock = await session.scalar(select(TrackerLock))
    assert lock is not None
    assert lock.locked_through == Month.parse("2026-03")
