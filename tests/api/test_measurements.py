"""Input changes (`/inputs/{key}/changes/{month}`) and measurements (`/measurements/{month}`):
set, replace, blank out, months inside the contract, exact decimals, access."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    create_graph,
    error_fields,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.models import InputChange, Measurement, Role


async def _count(session: AsyncSession, model: type[Any]) -> int:
    return (await session.scalar(select(func.count()).select_from(model))) or 0


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("created_at", "updated_at")}


async def test_put_creates_then_replaces_a_measurement(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    calculation = graph.calculation_id
    created = expect(
        await put_measurement(client, tenant.editor, calculation, "2026-03", "158"), 201
    )
    assert _fields(created) == {
        "calculation_id": calculation,
        "month": "2026-03",
        "value": "158",
        "estimate": False,
        "source": "manual",
        "version": 1,
    }
    replaced = expect(
        await put_measurement(
            client, tenant.editor, calculation, "2026-03", "157.50", estimate=True, source="hubspot"
        ),
        200,
    )
    assert _fields(replaced) == {
        **_fields(created),
        "value": "157.50",
        "estimate": True,
        "source": "hubspot",
        "version": 2,
    }
    # The same value again changes nothing: no new version.
    same = expect(
        await put_measurement(
            client, tenant.editor, calculation, "2026-03", "157.50", estimate=True, source="hubspot"
        ),
        200,
    )
    assert same == replaced
    assert await _count(session, Measurement) == 1


async def test_list_is_ordered_by_month_and_pages(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    calculation = graph.calculation_id
    for month, value in (("2026-03", "158"), ("2026-01", "121"), ("2026-02", "130")):
        await put_measurement(client, tenant.admin, calculation, month, value)
    path = f"/v1/calculations/{calculation}/measurements"
    everything = expect(await client.get(path, headers=tenant.viewer), 200)
    assert [(m["month"], m["value"]) for m in everything["items"]] == [
        ("2026-01", "121"),
        ("2026-02", "130"),
        ("2026-03", "158"),
    ]
    assert everything["next_cursor"] is None
    page = expect(await client.get(f"{path}?limit=2", headers=tenant.viewer), 200)
    assert [m["month"] for m in page["items"]] == ["2026-01", "2026-02"]
    rest = expect(
        await client.get(path, params={"cursor": page["next_cursor"]}, headers=tenant.viewer), 200
    )
    assert ([m["month"] for m in rest["items"]], rest["next_cursor"]) == (["2026-03"], None)


async def test_bad_values_and_months_are_422(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    calculation = graph.calculation_id
    path = f"/v1/calculations/{calculation}/measurements"
    for body, fields in [
        ({"value": 158.0}, ["value"]),
        ({"value": "NaN"}, ["value"]),
        ({"value": "Infinity"}, ["value"]),
        ({"value": "1" * 16}, ["value"]),
        ({"value": "158", "estimate": "yes"}, ["estimate"]),
        ({"value": "158", "source": ""}, ["source"]),
        ({"value": "158", "note": "x"}, ["note"]),
        ({}, ["value"]),
    ]:
        assert (
            error_fields(await client.put(f"{path}/2026-03", json=body, headers=tenant.admin))
            == fields
        ), body
    float_error = problem(
        await client.put(f"{path}/2026-03", json={"value": 158.5}, headers=tenant.admin), 422
    )["errors"][0]
    assert float_error["message"] == (
        'value must be a decimal string such as "109000.00", not a floating-point number.'
    )
    for month in ("2026-13", "March", "2026-3"):
        assert error_fields(
            await client.put(f"{path}/{month}", json={"value": "1"}, headers=tenant.admin)
        ) == ["month"]
    outside = problem(
        await client.put(f"{path}/2027-01", json={"value": "1"}, headers=tenant.admin), 422
    )["errors"]
    assert outside == [
        {
            "field": "month",
            "code": "month_outside_period",
            "message": "2027-01 is outside the contract period 2026-01..2026-12.",
        }
    ]
    assert await _count(session, Measurement) == 0


async def test_delete_blanks_out_the_month(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    calculation = graph.calculation_id
    await put_measurement(client, tenant.admin, calculation, "2026-01", "121")
    await put_measurement(client, tenant.admin, calculation, "2026-02", "130")
    path = f"/v1/calculations/{calculation}/measurements/2026-01"
    assert (await client.delete(path, headers=tenant.editor)).status_code == 204
    problem(await client.delete(path, headers=tenant.editor), 404)
    listed = expect(
        await client.get(f"/v1/calculations/{calculation}/measurements", headers=tenant.admin), 200
    )
    assert [m["month"] for m in listed["items"]] == ["2026-02"]
    assert await _count(session, Measurement) == 1
    # Re-recording a blanked month starts a new row at version 1.
    again = expect(await put_measurement(client, tenant.admin, calculation, "2026-01", "120"), 201)
    assert again["version"] == 1


async def test_input_changes_carry_forward_from_their_month(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    base = f"/v1/calculations/{graph.calculation_id}/inputs"
    created = expect(
        await client.put(
            f"{base}/reps/changes/2026-06", json={"value": "15"}, headers=tenant.editor
        ),
        201,
    )
    assert _fields(created) == {"month": "2026-06", "value": "15", "version": 1}
    replaced = expect(
        await client.put(
            f"{base}/reps/changes/2026-06", json={"value": "16"}, headers=tenant.editor
        ),
        200,
    )
    assert (replaced["value"], replaced["version"]) == ("16", 2)
    initial = expect(
        await client.put(
            f"{base}/reps/changes/2026-01", json={"value": "11"}, headers=tenant.editor
        ),
        200,
    )
    assert (initial["value"], initial["version"]) == ("11", 2)
    listed = expect(await client.get(base, headers=tenant.viewer), 200)
    assert [
        (i["key"], i["name"], i["unit"], [(c["month"], c["value"]) for c in i["changes"]])
        for i in listed["items"]
    ] == [
        ("reps", "# of reps", "reps", [("2026-01", "11"), ("2026-06", "16")]),
        ("cost_per_rep_month", "Cost per rep per month", "USD/month", [("2026-01", "10000")]),
    ]
    assert listed["next_cursor"] is None
    calculation = expect(
        await client.get(f"/v1/calculations/{graph.calculation_id}", headers=tenant.admin), 200
    )
    assert calculation["inputs"][0]["initial_value"] == "11"

    # The initial value can be changed, never removed.
    body = problem(
        await client.delete(f"{base}/reps/changes/2026-01", headers=tenant.admin),
        409,
        "initial-value-required",
    )
    assert "2026-01" in body["detail"]
    assert (
        await client.delete(f"{base}/reps/changes/2026-06", headers=tenant.admin)
    ).status_code == 204
    problem(await client.delete(f"{base}/reps/changes/2026-06", headers=tenant.admin), 404)
    assert await _count(session, InputChange) == 2


async def test_input_change_validation(client: httpx.AsyncClient, tenant: Tenant) -> None:
    graph = await create_graph(client, tenant.admin)
    base = f"/v1/calculations/{graph.calculation_id}/inputs"
    assert error_fields(
        await client.put(f"{base}/reps/changes/2026-06", json={"value": 15.0}, headers=tenant.admin)
    ) == ["value"]
    assert error_fields(
        await client.put(f"{base}/reps/changes/2026-6", json={"value": "15"}, headers=tenant.admin)
    ) == ["month"]
    outside = await client.put(
        f"{base}/reps/changes/2025-12", json={"value": "15"}, headers=tenant.admin
    )
    assert problem(outside, 422)["errors"][0]["code"] == "month_outside_period"
    missing = await client.put(
        f"{base}/headcount/changes/2026-06", json={"value": "15"}, headers=tenant.admin
    )
    assert problem(missing, 404)["detail"] == "This calculation has no input 'headcount'."
    problem(await client.delete(f"{base}/headcount/changes/2026-06", headers=tenant.admin), 404)


async def test_auth_roles_tenants_and_limited_keys(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    hidden = await create_graph(client, tenant.admin)
    for target in (graph, hidden):
        await put_measurement(client, tenant.admin, target.calculation_id, "2026-02", "130")
        await client.put(
            f"/v1/calculations/{target.calculation_id}/inputs/reps/changes/2026-05",
            json={"value": "12"},
            headers=tenant.admin,
        )

    def routes(calculation_id: str) -> list[tuple[str, str]]:
        base = f"/v1/calculations/{calculation_id}"
        return [
            ("GET", f"{base}/measurements"),
            ("PUT", f"{base}/measurements/2026-02"),
            ("DELETE", f"{base}/measurements/2026-02"),
            ("GET", f"{base}/inputs"),
            ("PUT", f"{base}/inputs/reps/changes/2026-05"),
            ("DELETE", f"{base}/inputs/reps/changes/2026-05"),
        ]

    for method, path in routes(graph.calculation_id):
        problem(await client.request(method, path, json={"value": "1"}), 401)
        if method != "GET":
            problem(
                await client.request(method, path, json={"value": "1"}, headers=tenant.viewer), 403
            )
        else:
            expect(await client.get(path, headers=tenant.viewer), 200)
    limited = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(graph.tracker["id"])])
    expect(await put_measurement(client, limited, graph.calculation_id, "2026-04", "140"), 201)
    for headers, calculation_id in [
        (other_tenant.admin, graph.calculation_id),
        (limited, hidden.calculation_id),
        (tenant.admin, str(uuid.uuid4())),
    ]:
        for method, path in routes(calculation_id):
            response = await client.request(method, path, json={"value": "1"}, headers=headers)
            assert problem(response, 404)["detail"] == (
                "No calculation with that id exists in your organization."
            ), (method, path)
    # Nothing of the hidden or foreign data changed.
    for target in (graph, hidden):
        listed = expect(
            await client.get(
                f"/v1/calculations/{target.calculation_id}/measurements", headers=tenant.admin
            ),
            200,
        )
        months = [(m["month"], m["value"], m["version"]) for m in listed["items"]]
        expected = [("2026-02", "130", 1)] + ([("2026-04", "140", 1)] if target is graph else [])
        assert months == expected
    assert await _count(session, InputChange) == 6


async def test_concurrent_puts_of_a_new_month_never_fail(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    """Integrations retry: simultaneous writes of the same month give one row, no 500."""
    graph = await create_graph(client, tenant.admin)
    calculation = graph.calculation_id
    responses = await asyncio.gather(
        *(put_measurement(client, tenant.admin, calculation, "2026-05", "140") for _ in range(5)),
        *(
            client.put(
                f"/v1/calculations/{calculation}/inputs/reps/changes/2026-05",
                json={"value": "12"},
                headers=tenant.admin,
            )
            for _ in range(5)
        ),
    )
    statuses = [r.status_code for r in responses]
    assert sorted(statuses[:5]) == [200, 200, 200, 200, 201], statuses
    assert sorted(statuses[5:]) == [200, 200, 200, 200, 201], statuses
    assert {r.json()["version"] for r in responses} == {1}
    assert await _count(session, Measurement) == 1
    assert await _count(session, InputChange) == 3
