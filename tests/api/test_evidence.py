"""Evidence on a calculation-month: files checked by content, links never fetched, pasted
data; downloads as safe attachments; locks, tenancy and the audit trail."""

from __future__ import annotations

import asyncio
import hashlib
import io
import zipfile

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.conftest import Tenant
from tests.api.value_rows import TrackerRows, count, make_tracker
from valuecalc_api.evidence.annotations import annotations_for_tracker
from valuecalc_api.evidence.file_types import PDF, PNG, TEXT, detect_file_type
from valuecalc_api.evidence.filenames import content_disposition, sanitize_filename
from valuecalc_api.models import AuditEvent, Evidence, EvidenceBlob
from valuecalc_core.months import Month

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)
GIF_BYTES = b"GIF89a" + bytes(32)
WEBP_BYTES = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(32)
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + bytes(56)
PE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(54) + b"PE\x00\x00"
CSV_BYTES = b"month,tickets\n2026-01,121\n2026-02,130\n2026-03,158\n"


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


XLSX_BYTES = _zip("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml")
DOCX_BYTES = _zip("[Content_Types].xml", "word/document.xml")


@pytest.fixture
async def rows(tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]) -> TrackerRows:
    return await make_tracker(sessionmaker, tenant.organization_id)


def _evidence_url(rows: TrackerRows, month: str = "2026-03") -> str:
    return f"/v1/calculations/{rows.calculation_id}/months/{month}/evidence"


async def _upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    rows: TrackerRows,
    content: bytes,
    filename: str,
    declared_type: str = "application/octet-stream",
    month: str = "2026-03",
    **data: str,
) -> httpx.Response:
    return await client.post(
        _evidence_url(rows, month),
        files={"file": (filename, content, declared_type)},
        data=data,
        headers=headers,
    )


@pytest.mark.parametrize(
    ("content", "filename", "media_type"),
    [
        (PNG_BYTES, "chart.png", "image/png"),
        (JPEG_BYTES, "photo.jpg", "image/jpeg"),
        (GIF_BYTES, "anim.gif", "image/gif"),
        (WEBP_BYTES, "shot.webp", "image/webp"),
        (PDF_BYTES, "report.pdf", "application/pdf"),
        (
            XLSX_BYTES,
            "export.xlsx",
            XLSX_TYPE := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (CSV_BYTES, "export.csv", "text/csv; charset=utf-8"),
        ("Tickets/day: 158 ✓\n".encode(), "notes.txt", "text/plain; charset=utf-8"),
    ],
)
def test_accepted_types_are_recognised_by_their_bytes(
    content: bytes, filename: str, media_type: str
) -> None:
    detected = detect_file_type(content, filename)
    assert detected is not None
    assert detected.media_type == media_type
    # The name never makes bytes acceptable or changes a binary type.
    renamed = detect_file_type(content, "whatever.exe")
    assert renamed is not None
    assert renamed.media_type == media_type.replace("text/csv", "text/plain")


@pytest.mark.parametrize(
    "content",
    [
        ELF_BYTES,
        PE_BYTES,
        DOCX_BYTES,
        b"text with a NUL\x00byte",
        b"\xff\xfe not utf-8 \xc3",
        b"\x1b[31m",
    ],
)
def test_other_content_is_refused_whatever_its_name(content: bytes) -> None:
    assert detect_file_type(content, "chart.png") is None
    assert detect_file_type(content, "data.csv") is None


def test_filenames_are_cleaned_and_given_the_detected_extension() -> None:
    assert sanitize_filename("../../etc/passwd", TEXT) == "passwd.txt"
    assert sanitize_filename("C:\\Users\\me\\chart.png", PNG) == "chart.png"
    assert sanitize_filename('q1 "final"\r\n.png', PNG) == "q1 final.png"
    # A right-to-left override would show "invoice‮gnp.exe" as "invoiceexe.png".
    assert sanitize_filename("invoice\u202egnp.exe", PDF) == "invoicegnp.exe.pdf"
    assert sanitize_filename("chart.png", PDF) == "chart.png.pdf"
    assert sanitize_filename(None, PDF) == "evidence.pdf"
    assert sanitize_filename("...", PNG) == "evidence.png"
    assert len(sanitize_filename("x" * 500 + ".png", PNG)) == 200
    assert sanitize_filename("x" * 500 + ".png", PNG).endswith(".png")


def test_content_disposition_has_an_ascii_fallback_and_the_exact_name() -> None:
    assert content_disposition("Käse Bericht.pdf") == (
        "attachment; filename=\"K_se Bericht.pdf\"; filename*=UTF-8''K%C3%A4se%20Bericht.pdf"
    )


async def test_a_file_is_stored_and_downloaded_as_an_attachment(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows, session: AsyncSession
) -> None:
    created = await _upload(
        client, tenant.editor, rows, PNG_BYTES, "dashboard.png", "image/png", caption="March"
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["kind"] == "file"
    assert body["month"] == "2026-03"
    assert body["content_type"] == "image/png"
    assert body["filename"] == "dashboard.png"
    assert body["size_bytes"] == len(PNG_BYTES)
    assert body["sha256"] == hashlib.sha256(PNG_BYTES).hexdigest()
    assert body["caption"] == "March"
    assert body["content_url"] == f"/v1/evidence/{body['id']}/content"

    download = await client.get(body["content_url"], headers=tenant.viewer)
    assert download.status_code == 200
    assert download.content == PNG_BYTES
    assert download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"dashboard.png\"; filename*=UTF-8''dashboard.png"
    )
    metadata = await client.get(f"/v1/evidence/{body['id']}", headers=tenant.viewer)
    assert metadata.json() == body

    events = await client.get(
        f"/v1/trackers/{rows.tracker_id}/history",
        params={"entity_type": "evidence"},
        headers=tenant.viewer,
    )
    [event] = events.json()["items"]
    assert (event["action"], event["entity_id"], event["month"]) == (
        "create",
        body["id"],
        "2026-03",
    )
    assert event["after"]["sha256"] == body["sha256"]
    assert "storage_key" not in event["after"]


async def test_a_file_whose_content_is_gone_answers_410_gone(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows, session: AsyncSession
) -> None:
    created = await _upload(client, tenant.editor, rows, PNG_BYTES, "gone.png", "image/png")
    assert created.status_code == 201, created.text
    body = created.json()
    await session.execute(delete(EvidenceBlob).where(EvidenceBlob.evidence_id == body["id"]))
    await session.commit()

    download = await client.get(body["content_url"], headers=tenant.viewer)
    assert download.status_code == 410
    assert download.headers["content-type"] == "application/problem+json"
    problem = download.json()
    assert (problem["title"], problem["type"].rsplit("/", 1)[1]) == (
        "Gone",
        "evidence-content-gone",
    )


async def test_the_declared_type_is_ignored_and_the_detected_one_served(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows
) -> None:
    created = await _upload(client, tenant.editor, rows, PDF_BYTES, "chart.png", "image/png")
    assert created.status_code == 201
    assert created.json()["content_type"] == "application/pdf"
    assert created.json()["filename"] == "chart.png.pdf"
    download = await client.get(created.json()["content_url"], headers=tenant.viewer)
    assert download.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize(("content", "name"), [(ELF_BYTES, "chart.png"), (PE_BYTES, "setup.png")])
async def test_an_executable_renamed_png_is_refused_with_415_and_nothing_stored(
    client: httpx.AsyncClient,
    tenant: Tenant,
    rows: TrackerRows,
    session: AsyncSession,
    content: bytes,
    name: str,
) -> None:
    refused = await _upload(client, tenant.editor, rows, content, name, "image/png")
    assert refused.status_code == 415
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/unsupported-evidence-type")
    assert await count(session, Evidence) == 0
    assert await count(session, EvidenceBlob) == 0
    assert await count(session, AuditEvent) == 0


async def test_a_file_over_the_size_limit_gets_413_and_nothing_is_stored(
    client: httpx.AsyncClient,
    app: FastAPI,
    tenant: Tenant,
    rows: TrackerRows,
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert app.state.settings.evidence_max_bytes == 10 * 1024 * 1024  # the default
    monkeypatch.setattr(app.state.settings, "evidence_max_bytes", 1024)
    too_big = await _upload(client, tenant.editor, rows, b"a" * 1025, "big.txt")
    assert too_big.status_code == 413
    assert too_big.json()["max_bytes"] == 1024
    assert await count(session, Evidence) == 0
    assert await count(session, EvidenceBlob) == 0
    exactly = await _upload(client, tenant.editor, rows, b"a" * 1024, "limit.txt")
    assert exactly.status_code == 201


async def test_an_empty_or_missing_file_is_a_422(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows
) -> None:
    empty = await _upload(client, tenant.editor, rows, b"", "empty.csv")
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["code"] == "empty_file"
    missing = await client.post(
        _evidence_url(rows),
        data={"caption": "no file"},
        files={"other": ("x", b"x")},
        headers=tenant.editor,
    )
    assert missing.status_code == 422
    assert {error["field"] for error in missing.json()["errors"]} == {"other", "file"}


async def _listener() -> tuple[asyncio.Server, list[int]]:
    connections: list[int] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    return server, connections


async def test_a_link_is_stored_and_never_fetched(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows
) -> None:
    server, connections = await _listener()
    port = server.sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}/dashboards/42?month=2026-03"
    try:
        created = await client.post(
            _evidence_url(rows),
            json={"kind": "link", "url": url, "caption": "BI dashboard"},
            headers=tenant.editor,
        )
        assert created.status_code == 201, created.text
        evidence_id = created.json()["id"]
        assert created.json()["url"] == url
        assert created.json()["content_url"] is None
        metadata = await client.get(f"/v1/evidence/{evidence_id}", headers=tenant.viewer)
        content = await client.get(f"/v1/evidence/{evidence_id}/content", headers=tenant.viewer)
        await asyncio.sleep(0.05)  # room for any background fetch to connect
    finally:
        server.close()
        await server.wait_closed()
    assert metadata.json()["url"] == url
    assert content.status_code == 409
    assert content.json()["url"] == url
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example.com/report.csv",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://user:secret@bi.example.com/",
        "https:///no-host",
        "https://bi.example.com/a b",
        "dashboards/42",
    ],
)
async def test_only_plain_http_links_are_accepted(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows, url: str
) -> None:
    refused = await client.post(
        _evidence_url(rows), json={"kind": "link", "url": url}, headers=tenant.editor
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "url"


async def test_pasted_data_is_kept_and_downloadable_as_text(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows
) -> None:
    pasted = "Week 1: 150\nWeek 2: 162\nWeek 3: 161\n"
    created = await client.post(
        _evidence_url(rows), json={"kind": "pasted", "text": pasted}, headers=tenant.editor
    )
    assert created.status_code == 201
    assert created.json()["text"] == pasted
    download = await client.get(created.json()["content_url"], headers=tenant.viewer)
    assert download.text == pasted
    assert download.headers["content-type"] == "text/plain; charset=utf-8"
    assert download.headers["content-disposition"].startswith("attachment;")

    too_long = await client.post(
        _evidence_url(rows), json={"kind": "pasted", "text": "x" * 100_001}, headers=tenant.editor
    )
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "text"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "screenshot", "url": "https://x.example"}, "kind"),
        ({"kind": "link"}, "url"),
        ({"kind": "link", "url": "https://x.example", "extra": 1}, "extra"),
        ({"kind": "pasted", "text": ""}, "text"),
    ],
)
async def test_invalid_json_evidence_names_the_field(
    client: httpx.AsyncClient,
    tenant: Tenant,
    rows: TrackerRows,
    body: dict[str, object],
    field: str,
) -> None:
    refused = await client.post(_evidence_url(rows), json=body, headers=tenant.editor)
    assert refused.status_code == 422
    assert field in {error["field"] for error in refused.json()["errors"]}


async def test_another_body_type_is_415(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows
) -> None:
    refused = await client.post(
        _evidence_url(rows),
        content=b"hello",
        headers={**tenant.editor, "Content-Type": "text/plain"},
    )
    assert refused.status_code == 415


async def test_lists_of_a_month_and_of_every_month(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows
) -> None:
    for month in ("2026-01", "2026-03", "2026-03", "2026-03"):
        response = await client.post(
            _evidence_url(rows, month),
            json={"kind": "pasted", "text": month},
            headers=tenant.editor,
        )
        assert response.status_code == 201
    march = await client.get(_evidence_url(rows), params={"limit": 2}, headers=tenant.viewer)
    assert len(march.json()["items"]) == 2
    rest = await client.get(
        _evidence_url(rows), params={"cursor": march.json()["next_cursor"]}, headers=tenant.viewer
    )
    assert len(rest.json()["items"]) == 1
    assert rest.json()["next_cursor"] is None
    every = await client.get(
        f"/v1/calculations/{rows.calculation_id}/evidence", headers=tenant.viewer
    )
    assert [item["month"] for item in every.json()["items"]] == [
        "2026-01",
        "2026-03",
        "2026-03",
        "2026-03",
    ]


async def test_evidence_is_scoped_by_role_organization_and_contract(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, rows: TrackerRows
) -> None:
    link = {"kind": "link", "url": "https://bi.example.com/d/1"}
    viewer = await client.post(_evidence_url(rows), json=link, headers=tenant.viewer)
    assert viewer.status_code == 403
    other = await client.post(_evidence_url(rows), json=link, headers=other_tenant.admin)
    assert other.status_code == 404
    outside = await client.post(_evidence_url(rows, "2027-01"), json=link, headers=tenant.editor)
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["code"] == "month_outside_contract"
    not_a_month = await client.post(_evidence_url(rows, "March"), json=link, headers=tenant.editor)
    assert not_a_month.status_code == 422

    created = await client.post(_evidence_url(rows), json=link, headers=tenant.editor)
    evidence_id = created.json()["id"]
    for path in (f"/v1/evidence/{evidence_id}", f"/v1/evidence/{evidence_id}/content"):
        assert (await client.get(path, headers=other_tenant.admin)).status_code == 404
    deleted = await client.delete(f"/v1/evidence/{evidence_id}", headers=other_tenant.admin)
    assert deleted.status_code == 404
    listed = await client.get(_evidence_url(rows), headers=other_tenant.admin)
    assert listed.status_code == 404


async def test_delete_removes_the_file_and_is_audited(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows, session: AsyncSession
) -> None:
    created = await _upload(client, tenant.editor, rows, CSV_BYTES, "export.csv")
    evidence_id = created.json()["id"]
    assert (
        await client.delete(f"/v1/evidence/{evidence_id}", headers=tenant.viewer)
    ).status_code == 403
    assert (
        await client.delete(f"/v1/evidence/{evidence_id}", headers=tenant.editor)
    ).status_code == 204
    assert (
        await client.get(f"/v1/evidence/{evidence_id}", headers=tenant.editor)
    ).status_code == 404
    assert await count(session, EvidenceBlob) == 0
    history = await client.get(
        f"/v1/trackers/{rows.tracker_id}/history",
        params={"entity_id": evidence_id},
        headers=tenant.viewer,
    )
    delete, _create = history.json()["items"]
    assert (delete["action"], delete["after"]) == ("delete", None)
    assert delete["before"]["filename"] == "export.csv"


async def test_evidence_writes_into_a_locked_month_are_refused_and_leave_no_trace(
    client: httpx.AsyncClient, tenant: Tenant, rows: TrackerRows, session: AsyncSession
) -> None:
    kept = await client.post(
        _evidence_url(rows, "2026-02"),
        json={"kind": "pasted", "text": "before the lock"},
        headers=tenant.editor,
    )
    lock = await client.put(
        f"/v1/trackers/{rows.tracker_id}/lock", json={"through": "2026-03"}, headers=tenant.admin
    )
    assert lock.status_code == 200
    evidence_rows, blobs, events = (
        await count(session, Evidence),
        await count(session, EvidenceBlob),
        await count(session, AuditEvent),
    )
    attempts = [
        await _upload(client, tenant.editor, rows, PNG_BYTES, "chart.png"),
        await client.post(
            _evidence_url(rows),
            json={"kind": "link", "url": "https://bi.example.com"},
            headers=tenant.editor,
        ),
        await client.post(
            _evidence_url(rows), json={"kind": "pasted", "text": "x"}, headers=tenant.editor
        ),
        await client.delete(f"/v1/evidence/{kept.json()['id']}", headers=tenant.editor),
    ]
    assert [attempt.status_code for attempt in attempts] == [423, 423, 423, 423]
    assert all(attempt.json()["locked_through"] == "2026-03" for attempt in attempts)
    assert (
        await count(session, Evidence),
        await count(session, EvidenceBlob),
        await count(session, AuditEvent),
    ) == (evidence_rows, blobs, events)
    after_lock = await client.post(
        _evidence_url(rows, "2026-04"), json={"kind": "pasted", "text": "x"}, headers=tenant.editor
    )
    assert after_lock.status_code == 201


async def test_annotations_name_the_months_with_notes_and_with_evidence(
    client: httpx.AsyncClient,
    tenant: Tenant,
    rows: TrackerRows,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    other = await make_tracker(sessionmaker, tenant.organization_id)
    for month in ("2026-01", "2026-03"):
        await client.post(
            f"/v1/calculations/{rows.calculation_id}/months/{month}/notes",
            json={"text": "why"},
            headers=tenant.editor,
        )
    for month in ("2026-03", "2026-04", "2026-04"):
        await client.post(
            _evidence_url(rows, month),
            json={"kind": "pasted", "text": "data"},
            headers=tenant.editor,
        )
    await client.post(
        _evidence_url(other, "2026-05"), json={"kind": "pasted", "text": "x"}, headers=tenant.editor
    )
    async with sessionmaker() as session:
        annotations = await annotations_for_tracker(
            session, tenant.organization_id, rows.tracker_id
        )
    months = Month.parse
    assert annotations == {
        rows.calculation_id: (
            frozenset({months("2026-01"), months("2026-03")}),
            frozenset({months("2026-03"), months("2026-04")}),
        )
    }
