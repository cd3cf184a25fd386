"""The audit trail: what `record` / `record_many` store, and the history endpoints."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.conftest import Tenant
from tests.api.value_rows import count, make_tracker, principal_of
from tests.api.value_tracking_builders import create_graph, put_measurement
from valuecalc_api.audit import service as audit
from valuecalc_api.audit.json_values import jsonable
from valuecalc_api.audit.service import AuditChange
from valuecalc_api.models import AuditEvent, Role
from valuecalc_core.months import Month


def test_audit_values_are_exact_strings() -> None:
    key = uuid.UUID(int=7)
    assert jsonable(
        {"value": Decimal("121.50"), "month": Month.parse("2026-03"), "id": key, "n": [1, None]}
    ) == {"value": "121.50", "month": "2026-03", "id": str(key), "n": [1, None]}
    with pytest.raises(TypeError):
        jsonable({"value": 1.5})


async def test_record_stores_who_what_when_before_and_after(
    tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    editor = await principal_of(sessionmaker, tenant.organization_id, Role.editor)
    measurement_id = uuid.uuid4()
    async with sessionmaker() as writer:
        await audit.record(
            writer,
            editor,
            entity_type="measurement",
            entity_id=measurement_id,
            tracker_id=rows.tracker_id,
            calculation_id=rows.calculation_id,
            month=Month.parse("2026-03"),
            action="update",
            before={"value": Decimal("130"), "estimate": False},
            after={"value": Decimal("158.0"), "estimate": True},
        )
        await writer.commit()
    stored = await session.scalar(select(AuditEvent))
    assert stored is not None
    assert stored.actor_key_id == editor.key_id
    assert stored.organization_id == tenant.organization_id
    assert stored.month == Month.parse("2026-03")
    assert stored.before == {"value": "130", "estimate": False}
    assert stored.after == {"value": "158.0", "estimate": True}
    assert abs(stored.occurred_at - datetime.now(UTC)) < timedelta(minutes=5)


async def test_record_refuses_an_unknown_entity_type_or_action(
    tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    editor = await principal_of(sessionmaker, tenant.organization_id, Role.editor)
    async with sessionmaker() as writer:
        with pytest.raises(ValueError, match="customer"):
            await audit.record(
                writer,
                editor,
                entity_type="customer",
                entity_id=uuid.uuid4(),
                tracker_id=None,
                action="create",
                before=None,
                after={},
            )
        with pytest.raises(ValueError, match="rename"):
            await audit.record(
                writer,
                editor,
                entity_type="tracker",
                entity_id=uuid.uuid4(),
                tracker_id=None,
                action="rename",
                before=None,
                after={},
            )


async def test_record_many_writes_ten_thousand_events_in_one_statement(
    tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    editor = await principal_of(sessionmaker, tenant.organization_id, Role.editor)
    changes = [
        AuditChange(
            entity_type="measurement",
            entity_id=uuid.uuid4(),
            tracker_id=rows.tracker_id,
            calculation_id=rows.calculation_id,
            month=Month.parse("2026-01") + (index % 12),
            action="create",
            before=None,
            after={"value": Decimal(index) / 4},
        )
        for index in range(10_000)
    ]
    statements: list[str] = []
    async with sessionmaker() as writer:
        engine = writer.bind.sync_engine  # type: ignore[union-attr]

        def on_execute(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            written = await audit.record_many(writer, editor, changes)
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)
        await writer.commit()
    assert written == 10_000
    assert len([s for s in statements if "INSERT INTO audit_events" in s]) == 1
    assert await count(session, AuditEvent) == 10_000
    last = await session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert last is not None
    assert last.after == {"value": "2499.75"}
    assert last.month == Month.parse("2026-04")  # 9999 % 12 = 3 months after January


async def test_record_many_of_nothing_writes_nothing(
    tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    editor = await principal_of(sessionmaker, tenant.organization_id, Role.editor)
    async with sessionmaker() as writer:
        assert await audit.record_many(writer, editor, []) == 0
        await writer.commit()
    assert await count(session, AuditEvent) == 0


async def _note_lifecycle(
    client: httpx.AsyncClient, tenant: Tenant, calculation_id: uuid.UUID, month: str
) -> str:
    created = await client.post(
        f"/v1/calculations/{calculation_id}/months/{month}/notes",
        json={"text": "first"},
        headers=tenant.editor,
    )
    note_id = created.json()["id"]
    await client.patch(f"/v1/notes/{note_id}", json={"text": "second"}, headers=tenant.editor)
    await client.delete(f"/v1/notes/{note_id}", headers=tenant.editor)
    return str(note_id)


async def test_tracker_history_is_newest_first_with_before_and_after(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    note_id = await _note_lifecycle(client, tenant, rows.calculation_id, "2026-02")
    editor = await principal_of(sessionmaker, tenant.organization_id, Role.editor)

    history = await client.get(f"/v1/trackers/{rows.tracker_id}/history", headers=tenant.viewer)
    assert history.status_code == 200
    items = history.json()["items"]
    assert [(item["action"], item["entity_type"]) for item in items] == [
        ("delete", "note"),
        ("update", "note"),
        ("create", "note"),
    ]
    delete, update, create = items
    assert {item["entity_id"] for item in items} == {note_id}
    assert {item["actor_key_id"] for item in items} == {str(editor.key_id)}
    assert {item["month"] for item in items} == {"2026-02"}
    assert {item["calculation_id"] for item in items} == {str(rows.calculation_id)}
    assert create["before"] is None
    assert create["after"]["text"] == "first"
    assert (update["before"]["text"], update["after"]["text"]) == ("first", "second")
    assert (delete["before"]["text"], delete["after"]) == ("second", None)
    assert history.json()["next_cursor"] is None


async def test_tracker_history_filters(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    first = await _note_lifecycle(client, tenant, rows.calculation_id, "2026-02")
    await _note_lifecycle(client, tenant, rows.calculation_id, "2026-05")
    await client.put(
        f"/v1/trackers/{rows.tracker_id}/lock", json={"through": "2026-01"}, headers=tenant.admin
    )
    url = f"/v1/trackers/{rows.tracker_id}/history"

    async def actions(**params: str) -> list[tuple[str, str]]:
        response = await client.get(url, params=params, headers=tenant.viewer)
        assert response.status_code == 200, response.text
        return [(item["entity_type"], item["action"]) for item in response.json()["items"]]

    assert await actions(entity_type="lock") == [("lock", "lock")]
    assert await actions(action="update") == [("note", "update"), ("note", "update")]
    assert len(await actions(month="2026-05")) == 3
    assert len(await actions(entity_id=first)) == 3
    assert len(await actions(calculation_id=str(rows.calculation_id))) == 6
    assert len(await actions(since="2000-01-01T00:00:00Z")) == 7
    assert await actions(until="2000-01-01T00:00:00Z") == []
    assert await actions(since=(datetime.now(UTC) + timedelta(hours=1)).isoformat()) == []

    bad = await client.get(url, params={"month": "2026-13"}, headers=tenant.viewer)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "month"
    naive = await client.get(url, params={"since": "2026-01-01T00:00:00"}, headers=tenant.viewer)
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "since"
    unknown = await client.get(url, params={"entity_type": "customer"}, headers=tenant.viewer)
    assert unknown.status_code == 422


async def test_tracker_history_pages_without_gaps_or_repeats(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    editor = await principal_of(sessionmaker, tenant.organization_id, Role.editor)
    ids = [uuid.uuid4() for _ in range(7)]
    async with sessionmaker() as writer:  # one transaction: every event has the same time
        await audit.record_many(
            writer,
            editor,
            [
                AuditChange("note", entity_id, rows.tracker_id, "create", None, {"n": n})
                for n, entity_id in enumerate(ids)
            ],
        )
        await writer.commit()
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        params = {"limit": "3"} | ({"cursor": cursor} if cursor else {})
        page = await client.get(
            f"/v1/trackers/{rows.tracker_id}/history", params=params, headers=tenant.viewer
        )
        seen += [item["entity_id"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(entity_id) for entity_id in reversed(ids)]
    bad = await client.get(
        f"/v1/trackers/{rows.tracker_id}/history",
        params={"cursor": "not-ours"},
        headers=tenant.viewer,
    )
    assert bad.status_code == 422


async def test_history_is_scoped_to_the_organization_and_the_keys_trackers(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    other_rows = await make_tracker(sessionmaker, tenant.organization_id)
    await _note_lifecycle(client, tenant, rows.calculation_id, "2026-02")
    url = f"/v1/trackers/{rows.tracker_id}/history"
    assert (await client.get(url, headers=other_tenant.admin)).status_code == 404
    limited = await tenant.key(Role.viewer, tracker_ids=[other_rows.tracker_id])
    assert (await client.get(url, headers=limited)).status_code == 404
    measurement_url = f"/v1/calculations/{rows.calculation_id}/measurements/2026-02/history"
    assert (await client.get(measurement_url, headers=limited)).status_code == 404
    assert (await client.get(measurement_url, headers=other_tenant.admin)).status_code == 404
    unknown = await client.get(f"/v1/trackers/{uuid.uuid4()}/history", headers=tenant.admin)
    assert unknown.status_code == 404


async def test_audit_rows_cannot_be_changed_through_the_api(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    url = f"/v1/trackers/{rows.tracker_id}/history"
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = await client.request(method, url, headers=tenant.admin)
        assert response.status_code == 405


async def test_measurement_history_lists_only_that_months_measurement_changes(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    rows = await make_tracker(sessionmaker, tenant.organization_id)
    editor = await principal_of(sessionmaker, tenant.organization_id, Role.editor)
    march, april = Month.parse("2026-03"), Month.parse("2026-04")
    measurement_id = uuid.uuid4()

    def change(action: str, month: Month, before: str | None, after: str | None) -> AuditChange:
        return AuditChange(
            entity_type="measurement",
            entity_id=measurement_id if month == march else uuid.uuid4(),
            tracker_id=rows.tracker_id,
            calculation_id=rows.calculation_id,
            month=month,
            action=action,
            before=None if before is None else {"value": Decimal(before)},
            after=None if after is None else {"value": Decimal(after)},
        )

    async with sessionmaker() as writer:
        await audit.record_many(
            writer,
            editor,
            [change("create", march, None, "150"), change("create", april, None, "1")],
        )
        await writer.commit()
    async with sessionmaker() as writer:
        await audit.record(
            writer,
            editor,
            entity_type="note",
            entity_id=uuid.uuid4(),
            tracker_id=rows.tracker_id,
            calculation_id=rows.calculation_id,
            month=march,
            action="create",
            before=None,
            after={"text": "a note, not a measurement"},
        )
        await audit.record_many(writer, editor, [change("update", march, "150", "158")])
        await writer.commit()

    response = await client.get(
        f"/v1/calculations/{rows.calculation_id}/measurements/2026-03/history",
        headers=tenant.viewer,
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(item["action"], item["before"], item["after"]) for item in items] == [
        ("update", {"value": "150"}, {"value": "158"}),
        ("create", None, {"value": "150"}),
    ]
    bad_month = await client.get(
        f"/v1/calculations/{rows.calculation_id}/measurements/March/history",
        headers=tenant.viewer,
    )
    assert bad_month.status_code == 422


async def test_every_resource_write_leaves_exactly_one_record_with_before_and_after(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    headers = tenant.editor
    graph = await create_graph(client, headers)
    tracker_id = graph.tracker["id"]
    calculation = f"/v1/calculations/{graph.calculation_id}"
    events = await count(session, AuditEvent)
    assert events == 3  # the tracker, the use case and the calculation were created

    async def newest(expected: int = 1) -> dict[str, Any]:
        """The newest event, after checking the write added exactly `expected` events."""
        nonlocal events
        assert await count(session, AuditEvent) == events + expected
        events += expected
        page = await client.get(
            f"/v1/trackers/{tracker_id}/history", params={"limit": 1}, headers=tenant.viewer
        )
        item: dict[str, Any] = page.json()["items"][0]
        return item

    creation = await client.get(
        f"/v1/trackers/{tracker_id}/history", params={"action": "create"}, headers=tenant.viewer
    )
    assert [(e["entity_type"], e["before"]) for e in creation.json()["items"]] == [
        ("calculation", None),
        ("use_case", None),
        ("tracker", None),
    ]
    created_calculation = creation.json()["items"][0]["after"]
    assert created_calculation["formula"] == "improvement * reps * cost_per_rep_month"
    assert created_calculation["inputs"][0] == {
        "key": "reps",
        "name": "# of reps",
        "unit": "reps",
        "initial_value": "10",
    }

    await client.patch(f"/v1/trackers/{tracker_id}", json={"name": "Renewal 2026"}, headers=headers)
    event = await newest()
    assert (event["entity_type"], event["action"]) == ("tracker", "update")
    assert (event["before"]["name"], event["after"]["name"]) == (
        "Support automation 2026",
        "Renewal 2026",
    )
    assert (event["before"]["version"], event["after"]["version"]) == (1, 2)

    await client.patch(
        f"/v1/use-cases/{graph.use_case['id']}", json={"status": "inactive"}, headers=headers
    )
    event = await newest()
    assert (event["entity_type"], event["before"]["status"], event["after"]["status"]) == (
        "use_case",
        "active",
        "inactive",
    )

    await client.patch(calculation, json={"metric": {"target": "160"}}, headers=headers)
    event = await newest()
    assert (event["entity_type"], event["before"]["target"], event["after"]["target"]) == (
        "calculation",
        "150",
        "160",
    )

    await put_measurement(client, headers, graph.calculation_id, "2026-03", "158")
    event = await newest()
    assert (event["entity_type"], event["action"], event["month"]) == (
        "measurement",
        "create",
        "2026-03",
    )
    assert (event["before"], event["after"]["value"], event["after"]["estimate"]) == (
        None,
        "158",
        False,
    )
    await put_measurement(client, headers, graph.calculation_id, "2026-03", "160.5", estimate=True)
    event = await newest()
    assert (event["action"], event["before"]["value"], event["after"]["value"]) == (
        "update",
        "158",
        "160.5",
    )
    assert event["after"]["estimate"] is True
    await put_measurement(client, headers, graph.calculation_id, "2026-03", "160.5", estimate=True)
    await newest(expected=0)  # the same value again changes nothing and records nothing
    await client.delete(f"{calculation}/measurements/2026-03", headers=headers)
    event = await newest()
    assert (event["action"], event["before"]["value"], event["after"]) == (
        "delete",
        "160.5",
        None,
    )
    history = await client.get(f"{calculation}/measurements/2026-03/history", headers=tenant.viewer)
    assert [e["action"] for e in history.json()["items"]] == ["delete", "update", "create"]

    changes = f"{calculation}/inputs/reps/changes/2026-06"
    await client.put(changes, json={"value": "15"}, headers=headers)
    event = await newest()
    assert (event["entity_type"], event["action"], event["after"]["value"]) == (
        "input_change",
        "create",
        "15",
    )
    assert event["after"]["input_key"] == "reps"
    await client.put(changes, json={"value": "16"}, headers=headers)
    event = await newest()
    assert (event["before"]["value"], event["after"]["value"]) == ("15", "16")
    await client.delete(changes, headers=headers)
    event = await newest()
    assert (event["action"], event["before"]["value"]) == ("delete", "16")

    etag = (await client.get(calculation, headers=headers)).headers["ETag"]
    await client.delete(calculation, headers=headers | {"If-Match": etag})
    event = await newest()
    assert (event["entity_type"], event["action"], event["after"]) == (
        "calculation",
        "delete",
        None,
    )
    assert event["before"]["target"] == "160"
    await client.delete(f"/v1/use-cases/{graph.use_case['id']}", headers=headers)
    event = await newest()
    assert (event["entity_type"], event["action"]) == ("use_case", "delete")
    etag = (await client.get(f"/v1/trackers/{tracker_id}", headers=headers)).headers["ETag"]
    await client.delete(f"/v1/trackers/{tracker_id}", headers=headers | {"If-Match": etag})
    event = await newest()  # a deleted tracker's history stays readable
    assert (event["entity_type"], event["action"], event["before"]["name"]) == (
        "tracker",
        "delete",
        "Renewal 2026",
    )
