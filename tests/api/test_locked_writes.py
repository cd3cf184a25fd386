"""Every kind of write that would change a locked month's numbers is refused with 423 and
leaves no trace (no row changes, no audit event); label-only changes and later months
stay writable (SPEC 3 "Month lock")."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import SUPPORT_CALCULATION, Graph, create_graph, expect

TABLES = (
    "trackers",
    "tracker_one_time_fees",
    "use_cases",
    "calculations",
    "calculation_inputs",
    "calculation_ramp_steps",
    "input_changes",
    "measurements",
    "evidence",
    "notes",
    "audit_events",
)


async def _fingerprint(session: AsyncSession) -> dict[str, str | None]:
    """A hash of every row of every value-tracking table (any change shows)."""
    await session.rollback()
    return {
        table: await session.scalar(
            text(f"SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {table} t")  # noqa: S608
        )
        for table in TABLES
    }


@pytest.fixture
async def locked(client: httpx.AsyncClient, tenant: Tenant) -> Graph:
    """V1 with a measurement and a `reps` change in February, locked through March."""
    graph = await create_graph(client, tenant.admin)
    calculation = f"/v1/calculations/{graph.calculation_id}"
    headers = tenant.admin
    expect(
        await client.put(
            f"{calculation}/measurements/2026-02", json={"value": "130"}, headers=headers
        ),
        201,
    )
    expect(
        await client.put(
            f"{calculation}/inputs/reps/changes/2026-02", json={"value": "12"}, headers=headers
        ),
        201,
    )
    expect(
        await client.put(
            f"/v1/trackers/{graph.tracker['id']}/lock", json={"through": "2026-03"}, headers=headers
        ),
        200,
    )
    return graph


def _writes(graph: Graph) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    calculation = f"/v1/calculations/{graph.calculation_id}"
    tracker = f"/v1/trackers/{graph.tracker['id']}"
    use_case = f"/v1/use-cases/{graph.use_case['id']}"
    inputs = [
        {"key": i["key"], "name": i["name"], "unit": i["unit"]}
        for i in SUPPORT_CALCULATION["inputs"]
    ]
    return {
        "new measurement": ("PUT", f"{calculation}/measurements/2026-03", {"value": "158"}),
        "changed measurement": ("PUT", f"{calculation}/measurements/2026-02", {"value": "131"}),
        "blanked measurement": ("DELETE", f"{calculation}/measurements/2026-02", None),
        "new input change": ("PUT", f"{calculation}/inputs/reps/changes/2026-03", {"value": "15"}),
        "initial input value": (
            "PUT",
            f"{calculation}/inputs/reps/changes/2026-01",
            {"value": "9"},
        ),
        "removed input change": ("DELETE", f"{calculation}/inputs/reps/changes/2026-02", None),
        "formula": ("PATCH", calculation, {"formula": "improvement * reps * 9000"}),
        "baseline": ("PATCH", calculation, {"metric": {"baseline": "90"}}),
        "input initial value in patch": (
            "PATCH",
            calculation,
            {"inputs": [inputs[0] | {"initial_value": "11"}, inputs[1]]},
        ),
        "added input": (
            "PATCH",
            calculation,
            {"inputs": [*inputs, {"key": "sites", "name": "Sites", "initial_value": "2"}]},
        ),
        "ramp": ("PATCH", calculation, {"ramp": [{"from_month": 1, "share": "1"}]}),
        "calculation deleted": ("DELETE", calculation, None),
        "calculation created": (
            "POST",
            f"{use_case}/calculations",
            SUPPORT_CALCULATION | {"key": "second"},
        ),
        "recurring fee": ("PATCH", tracker, {"recurring_fee_amount": "1000"}),
        "missing-months policy": ("PATCH", tracker, {"missing_months": "no_benefit"}),
        "one-time fee in a locked month": (
            "PATCH",
            tracker,
            {"one_time_fees": [{"month": "2026-02", "amount": "500"}]},
        ),
        "contract start": ("PATCH", tracker, {"start_month": "2025-12"}),
        "tracker deleted": ("DELETE", tracker, None),
        "use case status": ("PATCH", use_case, {"status": "inactive"}),
        "use case deleted": ("DELETE", use_case, None),
        "evidence": (
            "POST",
            f"{calculation}/months/2026-03/evidence",
            {"kind": "pasted", "text": "158/day"},
        ),
        "note": ("POST", f"{calculation}/months/2026-01/notes", {"text": "estimated"}),
    }


# The names of the writes, from a stand-in graph (the parameters need them up front).
WRITES = list(_writes(Graph({}, {"id": "t"}, {"id": "u"}, {"id": "c"})))


@pytest.mark.parametrize("write", WRITES)
async def test_a_write_into_a_locked_month_is_refused_and_leaves_no_trace(
    client: httpx.AsyncClient, tenant: Tenant, locked: Graph, session: AsyncSession, write: str
) -> None:
    method, path, body = _writes(locked)[write]
    headers = dict(tenant.admin)
    if method == "DELETE" and path.rstrip("/").rsplit("/", 2)[-2] in {"trackers", "calculations"}:
        headers["If-Match"] = (await client.get(path, headers=headers)).headers["ETag"]
    before = await _fingerprint(session)
    response = await client.request(method, path, json=body, headers=headers)
    assert response.status_code == 423, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["locked_through"] == "2026-03"
    assert response.json()["type"].endswith("/month-locked")
    assert await _fingerprint(session) == before


async def test_label_changes_and_later_months_stay_writable(
    client: httpx.AsyncClient, tenant: Tenant, locked: Graph
) -> None:
    calculation = f"/v1/calculations/{locked.calculation_id}"
    headers = tenant.editor
    writes = [
        await client.put(
            f"{calculation}/measurements/2026-04", json={"value": "158"}, headers=headers
        ),
        await client.put(
            f"{calculation}/inputs/reps/changes/2026-04", json={"value": "15"}, headers=headers
        ),
        await client.patch(
            calculation, json={"name": "Support savings (renamed)"}, headers=headers
        ),
        await client.patch(
            calculation, json={"metric": {"name": "Tickets/day", "unit": "t/d"}}, headers=headers
        ),
        await client.patch(
            f"/v1/trackers/{locked.tracker['id']}", json={"name": "Renamed"}, headers=headers
        ),
        await client.patch(
            f"/v1/trackers/{locked.tracker['id']}",
            json={"one_time_fees": [{"month": "2026-05", "amount": "500"}]},
            headers=headers,
        ),
        await client.patch(
            f"/v1/use-cases/{locked.use_case['id']}", json={"name": "Renamed"}, headers=headers
        ),
    ]
    assert [w.status_code for w in writes] == [201, 201, 200, 200, 200, 200, 200]


async def test_the_423_names_the_locked_months_the_change_would_alter(
    client: httpx.AsyncClient, tenant: Tenant, locked: Graph
) -> None:
    calculation = f"/v1/calculations/{locked.calculation_id}"
    formula = await client.patch(
        calculation, json={"formula": "improvement * reps * 9000"}, headers=tenant.editor
    )
    assert formula.json()["locked_months"] == ["2026-01", "2026-02", "2026-03"]
    assert "locked through 2026-03" in formula.json()["detail"]
    measurement = await client.put(
        f"{calculation}/measurements/2026-02", json={"value": "1"}, headers=tenant.editor
    )
    assert measurement.json()["locked_months"] == ["2026-02"]
    fee = await client.patch(
        f"/v1/trackers/{locked.tracker['id']}",
        json={"one_time_fees": [{"month": "2026-03", "amount": "1"}]},
        headers=tenant.editor,
    )
    assert fee.json()["locked_months"] == ["2026-03"]
