"""Request ids: answered in X-Request-ID and recorded on every audit event a request writes."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_graph, put_measurement
from valuecalc_api.models import AuditEvent

_GENERATED = re.compile(r"[0-9a-f]{32}")


async def _request_ids_of_measurement_events(session: AsyncSession) -> list[str | None]:
    events = await session.scalars(
        select(AuditEvent.request_id)
        .where(AuditEvent.entity_type == "measurement")
        .order_by(AuditEvent.seq)
    )
    ids = list(events.all())
    await session.rollback()
    return ids


async def test_every_event_of_a_bulk_write_names_the_callers_request_id(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    rows = [
        {"calculation_id": graph.calculation_id, "month": month, "value": "120"}
        for month in ("2026-01", "2026-02", "2026-03")
    ]
    response = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
        json={"rows": rows},
        headers={**tenant.editor, "X-Request-ID": "crm-sync-2026-12-05T10:00Z"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == "crm-sync-2026-12-05T10:00Z"
    assert await _request_ids_of_measurement_events(session) == ["crm-sync-2026-12-05T10:00Z"] * 3


async def test_without_an_id_each_request_gets_its_own_and_its_events_carry_it(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    first = await put_measurement(client, tenant.editor, graph.calculation_id, "2026-01", "120")
    second = await put_measurement(client, tenant.editor, graph.calculation_id, "2026-02", "121")
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(_GENERATED.fullmatch(value) for value in ids)
    assert ids[0] != ids[1]
    assert await _request_ids_of_measurement_events(session) == ids


@pytest.mark.parametrize(
    "given",
    ["", "has spaces", "x" * 129, "semi;colon", 'quote"', "new\\nline"],
)
async def test_an_unsafe_id_is_replaced_not_stored(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant, given: str
) -> None:
    graph = await create_graph(client, tenant.admin)
    response = await put_measurement(
        client, {**tenant.editor, "X-Request-ID": given}, graph.calculation_id, "2026-01", "1"
    )
    assert response.status_code == 201, response.text
    answered = response.headers["x-request-id"]
    assert _GENERATED.fullmatch(answered)
    assert await _request_ids_of_measurement_events(session) == [answered]


async def test_errors_carry_the_request_id_too(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.get(
        "/v1/trackers/00000000-0000-4000-8000-000000000000",
        headers={**tenant.viewer, "X-Request-ID": "trace-42"},
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"] == "trace-42"
