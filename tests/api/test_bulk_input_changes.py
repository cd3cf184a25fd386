"""Bulk input changes: an input's value from a month on (SPEC 3 "Carry-forward
timelines"), validated in full and applied all or nothing with audit events."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_graph, expect, problem
from valuecalc_api.bulk_writes.schemas import BulkResult
from valuecalc_api.models import AuditEvent


async def inputs(client: httpx.AsyncClient, tenant: Tenant, calculation_id: str) -> dict[str, Any]:
    page = expect(
        await client.get(f"/v1/calculations/{calculation_id}/inputs", headers=tenant.viewer), 200
    )
    return {
        item["key"]: {change["month"]: change["value"] for change in item["changes"]}
        for item in page["items"]
    }


async def input_events(session: AsyncSession) -> list[AuditEvent]:
    await session.rollback()
    found = await session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "input_change").order_by(AuditEvent.seq)
    )
    return list(found.all())


async def test_input_changes_are_set_changed_and_removed_with_audit_events(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    url = f"/v1/trackers/{graph.tracker['id']}/input-changes/bulk"
    first = {
        "rows": [
            {"calculation_id": calc, "input_key": "reps", "month": "2026-06", "value": "15"},
            {
                "calculation_key": "ticket-handling",
                "input_key": "reps",
                "month": "2026-09",
                "value": "18",
            },
            {
                "calculation_id": calc,
                "input_key": "cost_per_rep_month",
                "month": "2026-01",
                "value": "10000.00",
            },
        ]
    }
    result = expect(await client.post(url, json=first, headers=tenant.editor), 200)
    BulkResult.model_validate(result)
    assert result["counts"] == {"created": 2, "updated": 0, "unchanged": 1, "deleted": 0}
    assert [r["input_key"] for r in result["rows"]] == ["reps", "reps", "cost_per_rep_month"]

    second = {
        "rows": [
            {"calculation_id": calc, "input_key": "reps", "month": "2026-01", "value": "12"},
            {"calculation_id": calc, "input_key": "reps", "month": "2026-09", "value": None},
        ]
    }
    result = expect(await client.post(url, json=second, headers=tenant.editor), 200)
    assert result["counts"] == {"created": 0, "updated": 1, "unchanged": 0, "deleted": 1}
    assert (await inputs(client, tenant, calc))["reps"] == {"2026-01": "12", "2026-06": "15"}

    events = await input_events(session)
    assert [(e.action, str(e.month)) for e in events] == [
        ("create", "2026-06"),
        ("create", "2026-09"),
        ("update", "2026-01"),
        ("delete", "2026-09"),
    ]
    update = events[2]
    assert update.before is not None
    assert update.after is not None
    assert (update.before["value"], update.before["version"]) == ("10", 1)
    assert (update.after["value"], update.after["version"]) == ("12", 2)
    assert update.after["input_key"] == "reps"
    assert str(update.calculation_id) == calc
    assert str(update.tracker_id) == graph.tracker["id"]
    assert events[3].after is None
    assert events[3].before is not None
    assert events[3].before["value"] == "18"


async def test_bad_input_rows_are_all_reported_and_nothing_is_written(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    url = f"/v1/trackers/{graph.tracker['id']}/input-changes/bulk"
    rows = [
        {"calculation_id": calc, "input_key": "reps", "month": "2026-06", "value": "15"},
        {"calculation_id": calc, "input_key": "headcount", "month": "2026-06", "value": "1"},
        {"calculation_id": calc, "input_key": "reps", "month": "2026-01", "value": None},
        {"calculation_id": calc, "input_key": "reps", "month": "2026-06", "value": "16"},
        {"calculation_id": calc, "input_key": "reps", "month": "2027-01", "value": "16"},
        {"calculation_id": calc, "month": "2026-07", "value": "16"},
    ]

    errors = problem(
        await client.post(url, json={"rows": rows}, headers=tenant.editor), 422, "validation-error"
    )["errors"]

    assert [(e["row"], e["field"], e["code"]) for e in errors] == [
        (1, "input_key", "input_not_found"),
        (2, "value", "initial_value_required"),
        (3, "month", "duplicate_row"),
        (4, "month", "month_outside_period"),
        (5, "input_key", "missing"),
    ]
    assert (await inputs(client, tenant, calc))["reps"] == {"2026-01": "10"}
    assert await input_events(session) == []


async def test_an_input_change_in_a_locked_month_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    tracker_url = f"/v1/trackers/{graph.tracker['id']}"
    expect(
        await client.put(f"{tracker_url}/lock", json={"through": "2026-05"}, headers=tenant.admin),
        200,
    )
    rows = [
        {"calculation_id": graph.calculation_id, "input_key": "reps", "month": m, "value": "15"}
        for m in ("2026-05", "2026-06")
    ]

    body = problem(
        await client.post(
            f"{tracker_url}/input-changes/bulk", json={"rows": rows}, headers=tenant.editor
        ),
        423,
        "month-locked",
    )

    assert [(e["row"], e["code"]) for e in body["errors"]] == [(0, "month_locked")]
    assert (await inputs(client, tenant, graph.calculation_id))["reps"] == {"2026-01": "10"}
    assert await input_events(session) == []
    problem(
        await client.post(
            f"{tracker_url}/input-changes/bulk", json={"rows": rows}, headers=tenant.viewer
        ),
        403,
    )


async def test_an_input_change_row_with_a_stale_if_version_is_refused_with_412(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    url = f"/v1/trackers/{graph.tracker['id']}/input-changes/bulk"
    row = {"calculation_id": calc, "input_key": "reps", "month": "2026-06", "value": "15"}
    expect(
        await client.post(url, json={"rows": [{**row, "if_version": 0}]}, headers=tenant.editor),
        200,
    )
    events = len(await input_events(session))

    stale = await client.post(
        url, json={"rows": [{**row, "value": "16", "if_version": 0}]}, headers=tenant.editor
    )
    body = problem(stale, 412, "precondition-failed")
    assert [(e["row"], e["code"], e["current_version"]) for e in body["errors"]] == [
        (0, "version_mismatch", 1)
    ]
    assert len(await input_events(session)) == events

    current = await client.post(
        url, json={"rows": [{**row, "value": "16", "if_version": 1}]}, headers=tenant.editor
    )
    assert [r["status"] for r in expect(current, 200)["rows"]] == ["updated"]
