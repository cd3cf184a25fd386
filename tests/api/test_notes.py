"""Notes on a calculation-month: write, list, edit, delete; limits, locks, tenancy, audit."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.conftest import Tenant
from tests.api.value_rows import TrackerRows, count, make_tracker
from valuecalc_api.models import AuditEvent, Note


@pytest.fixture
async def rows(tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]) -> TrackerRows:
    return await make_tracker(sessionmaker, tenant.organization_id)


def _notes_url(rows: TrackerRows, month: str = "2026-03") -> str:
    return f"/v1/calculations/{rows.calculation_id}/months/{month}/notes"


async def test_write_list_edit_and_delete_a_note(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows, session: AsyncSession
) -> None:
    text = "Estimated based on previous trend—awaiting Q2 report."
    created = await client.post(_notes_url(rows), json={"text": text}, headers=tenant.editor)
    assert created.status_code == 201, created.text
    note = created.json()
    assert (note["text"], note["month"], note["updated_by_key_id"]) == (text, "2026-03", None)
    assert note["calculation_id"] == str(rows.calculation_id)

    listed = await client.get(_notes_url(rows), headers=tenant.viewer)
    assert [item["id"] for item in listed.json()["items"]] == [note["id"]]
    assert (await client.get(_notes_url(rows, "2026-04"), headers=tenant.viewer)).json()[
        "items"
    ] == []

    edited = await client.patch(
        f"/v1/notes/{note['id']}",
        json={"text": "Confirmed by the Q2 report."},
        headers=tenant.admin,
    )
    assert edited.status_code == 200
    assert edited.json()["text"] == "Confirmed by the Q2 report."
    assert edited.json()["author_key_id"] == note["author_key_id"]
    assert edited.json()["updated_by_key_id"] not in (None, note["author_key_id"])
    assert (await client.get(f"/v1/notes/{note['id']}", headers=tenant.viewer)).json()[
        "text"
    ] == "Confirmed by the Q2 report."

    assert (
        await client.delete(f"/v1/notes/{note['id']}", headers=tenant.editor)
    ).status_code == 204
    assert (await client.get(f"/v1/notes/{note['id']}", headers=tenant.viewer)).status_code == 404
    assert await count(session, Note) == 0
    assert await count(session, AuditEvent) == 3


async def test_an_unchanged_edit_records_nothing(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows, session: AsyncSession
) -> None:
    created = await client.post(_notes_url(rows), json={"text": "same"}, headers=tenant.editor)
    again = await client.patch(
        f"/v1/notes/{created.json()['id']}", json={"text": "same"}, headers=tenant.editor
    )
    assert again.status_code == 200
    assert await count(session, AuditEvent) == 1


@pytest.mark.parametrize(
    ("text", "status"),
    [("", 422), ("   \n", 422), ("x" * 10_001, 422), ("x" * 10_000, 201), ("x", 201)],
)
async def test_note_length_is_1_to_10000_characters(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows, text: str, status: int
) -> None:
    response = await client.post(_notes_url(rows), json={"text": text}, headers=tenant.editor)
    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"][0]["field"] == "text"


async def test_notes_are_scoped_by_role_and_organization(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    rows: TrackerRows,
) -> None:
    assert (
        await client.post(_notes_url(rows), json={"text": "x"}, headers=tenant.viewer)
    ).status_code == 403
    assert (
        await client.post(_notes_url(rows), json={"text": "x"}, headers=other_tenant.admin)
    ).status_code == 404
    assert (await client.get(_notes_url(rows), headers=other_tenant.admin)).status_code == 404
    created = await client.post(_notes_url(rows), json={"text": "mine"}, headers=tenant.editor)
    note_url = f"/v1/notes/{created.json()['id']}"
    assert (await client.get(note_url, headers=other_tenant.admin)).status_code == 404
    patched = await client.patch(note_url, json={"text": "theirs"}, headers=other_tenant.admin)
    assert patched.status_code == 404
    assert (await client.delete(note_url, headers=other_tenant.admin)).status_code == 404
    assert (
        await client.patch(note_url, json={"text": "v"}, headers=tenant.viewer)
    ).status_code == 403
    assert (await client.get(note_url, headers=tenant.viewer)).json()["text"] == "mine"


async def test_note_writes_into_a_locked_month_are_refused_and_leave_no_trace(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows, session: AsyncSession
) -> None:
    created = await client.post(_notes_url(rows), json={"text": "before"}, headers=tenant.editor)
    note_url = f"/v1/notes/{created.json()['id']}"
    await client.put(
        f"/v1/trackers/{rows.tracker_id}/lock", json={"through": "2026-06"}, headers=tenant.admin
    )
    events = await count(session, AuditEvent)
    attempts = [
        await client.post(_notes_url(rows), json={"text": "new"}, headers=tenant.editor),
        await client.patch(note_url, json={"text": "changed"}, headers=tenant.editor),
        await client.delete(note_url, headers=tenant.editor),
    ]
    assert [attempt.status_code for attempt in attempts] == [423, 423, 423]
    assert attempts[1].json()["locked_months"] == ["2026-03"]
    assert (await client.get(note_url, headers=tenant.viewer)).json()["text"] == "before"
    assert await count(session, Note) == 1
    assert await count(session, AuditEvent) == events
