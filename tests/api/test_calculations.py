"""`/v1/use-cases/{id}/calculations` and `/v1/calculations/{id}`: the formula checked on
save with its position, inputs and their initial values, ramp, keys, access."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    SUPPORT_CALCULATION,
    create_calculation,
    create_graph,
    create_tracker,
    create_use_case,
    error_fields,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.models import Calculation, CalculationInput, InputChange, RampStep, Role


async def _count(session: AsyncSession, model: type[Any]) -> int:
    return (await session.scalar(select(func.count()).select_from(model))) or 0


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")}


async def test_create_the_seed_calculation(client: httpx.AsyncClient, tenant: Tenant) -> None:
    tracker = await create_tracker(client, tenant.admin)
    use_case = await create_use_case(client, tenant.admin, tracker["id"])
    created = expect(
        await client.post(
            f"/v1/use-cases/{use_case['id']}/calculations",
            json=SUPPORT_CALCULATION,
            headers=tenant.editor,
        ),
        201,
    )
    assert _fields(created) == {
        **SUPPORT_CALCULATION,
        "tracker_id": tracker["id"],
        "use_case_id": use_case["id"],
        "warnings": [],
        "version": 1,
    }
    assert created["inputs"][1]["initial_value"] == "10000"  # never "1E+4"
    fetched = expect(
        await client.get(f"/v1/calculations/{created['id']}", headers=tenant.viewer), 200
    )
    assert fetched == created
    listed = expect(
        await client.get(f"/v1/use-cases/{use_case['id']}/calculations", headers=tenant.viewer), 200
    )
    assert listed == {"items": [created], "next_cursor": None}
    inputs = expect(
        await client.get(f"/v1/calculations/{created['id']}/inputs", headers=tenant.viewer), 200
    )
    assert [
        (i["key"], [(c["month"], c["value"]) for c in i["changes"]]) for i in inputs["items"]
    ] == [
        ("reps", [("2026-01", "10")]),
        ("cost_per_rep_month", [("2026-01", "10000")]),
    ]


async def test_invalid_formula_is_422_with_its_position(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    tracker = await create_tracker(client, tenant.admin)
    use_case = await create_use_case(client, tenant.admin, tracker["id"])
    path = f"/v1/use-cases/{use_case['id']}/calculations"
    unfinished = await client.post(
        path, json={**SUPPORT_CALCULATION, "formula": "improvement * reps *"}, headers=tenant.admin
    )
    assert problem(unfinished, 422, "validation-error")["errors"] == [
        {
            "field": "formula",
            "code": "formula_invalid",
            "message": "The formula ends too early (position 20): a value is missing.",
            "position": 20,
        }
    ]
    unknown = await client.post(
        path,
        json={**SUPPORT_CALCULATION, "formula": "improvement * headcount * cost_per_rep_month"},
        headers=tenant.admin,
    )
    [error] = problem(unknown, 422)["errors"]
    assert (error["field"], error["code"], error["position"]) == ("formula", "formula_invalid", 14)
    assert "headcount" in error["message"]
    # Leading spaces are not stripped: the position points into the text as sent.
    spaced = await client.post(
        path, json={**SUPPORT_CALCULATION, "formula": "  reps +"}, headers=tenant.admin
    )
    assert problem(spaced, 422)["errors"][0]["position"] == 8
    evil = await client.post(
        path, json={**SUPPORT_CALCULATION, "formula": "__import__('os')"}, headers=tenant.admin
    )
    assert problem(evil, 422)["errors"][0]["field"] == "formula"
    assert await _count(session, Calculation) == 0


async def test_invalid_parts_name_their_fields(client: httpx.AsyncClient, tenant: Tenant) -> None:
    tracker = await create_tracker(client, tenant.admin, end_month="2026-06")
    use_case = await create_use_case(client, tenant.admin, tracker["id"])
    path = f"/v1/use-cases/{use_case['id']}/calculations"
    reps = SUPPORT_CALCULATION["inputs"][0]
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"key": "Ticket Handling"}, ["key"]),
        ({"kind": "savings"}, ["kind"]),
        ({"metric": {**SUPPORT_CALCULATION["metric"], "baseline": 100.0}}, ["metric.baseline"]),
        ({"metric": {**SUPPORT_CALCULATION["metric"], "target": "Infinity"}}, ["metric.target"]),
        ({"metric": {**SUPPORT_CALCULATION["metric"], "direction": "up"}}, ["metric.direction"]),
        ({"inputs": [{**reps, "key": "metric"}]}, ["inputs.0.key"]),
        ({"inputs": [{**reps, "key": "Reps"}]}, ["inputs.0.key"]),
        ({"inputs": [{**reps, "initial_value": 10.5}]}, ["inputs.0.initial_value"]),
        (
            {"inputs": [reps, reps], "formula": "improvement * reps"},
            ["inputs.1.key"],
        ),
        ({"ramp": [{"from_month": 1, "share": "1.5"}]}, ["ramp.0.share"]),
        ({"ramp": [{"from_month": 0, "share": "0.5"}]}, ["ramp.0.from_month"]),
        ({"ramp": [{"from_month": 7, "share": "0.5"}]}, ["ramp.0.from_month"]),
        (
            {"ramp": [{"from_month": 2, "share": "0.5"}, {"from_month": 2, "share": "1"}]},
            ["ramp.1.from_month"],
        ),
        ({"formula": ""}, ["formula"]),
        ({"multiplier": "2"}, ["multiplier"]),
    ]
    for change, fields in cases:
        response = await client.post(
            path, json={**SUPPORT_CALCULATION, **change}, headers=tenant.admin
        )
        assert error_fields(response) == fields, change


async def test_key_is_unique_per_tracker(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    second_use_case = await create_use_case(client, tenant.admin, graph.tracker["id"], name="Two")
    response = await client.post(
        f"/v1/use-cases/{second_use_case['id']}/calculations",
        json=SUPPORT_CALCULATION,
        headers=tenant.admin,
    )
    assert "ticket-handling" in problem(response, 409, "calculation-key-taken")["detail"]
    other = await create_graph(client, tenant.admin)  # same key, another tracker: fine
    assert other.calculation["key"] == "ticket-handling"
    renamed = await create_calculation(client, tenant.admin, second_use_case["id"], key="other")
    problem(
        await client.patch(
            f"/v1/calculations/{renamed['id']}",
            json={"key": "ticket-handling"},
            headers=tenant.admin,
        ),
        409,
        "calculation-key-taken",
    )
    assert await _count(session, Calculation) == 3


async def test_patch_rechecks_the_formula_against_the_new_inputs(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    path = f"/v1/calculations/{graph.calculation_id}"
    reps, cost = SUPPORT_CALCULATION["inputs"]
    # Removing an input the formula uses is refused, pointing at the name.
    response = await client.patch(path, json={"inputs": [reps]}, headers=tenant.admin)
    [error] = problem(response, 422)["errors"]
    assert (error["field"], error["code"], error["position"]) == ("formula", "formula_invalid", 21)
    assert "cost_per_rep_month" in error["message"]
    # A new input needs its initial value.
    response = await client.patch(
        path,
        json={"inputs": [reps, cost, {"key": "share", "name": "Share"}]},
        headers=tenant.admin,
    )
    assert error_fields(response) == ["inputs.2.initial_value"]
    assert expect(await client.get(path, headers=tenant.admin), 200) == graph.calculation

    patched = expect(
        await client.patch(
            path,
            json={
                "inputs": [
                    {"key": "share", "name": "Share handled", "unit": "", "initial_value": "0.8"},
                    {**reps, "name": "Support reps", "initial_value": "12"},
                ],
                "formula": "improvement * reps * 9000 * share",
                "metric": {"target": None, "unit": "tickets per day"},
                "ramp": [{"from_month": 2, "share": "1"}],
                "name": "Savings v2",
            },
            headers=tenant.editor,
        ),
        200,
    )
    assert _fields(patched) == {
        **_fields(graph.calculation),
        "name": "Savings v2",
        "metric": {**SUPPORT_CALCULATION["metric"], "target": None, "unit": "tickets per day"},
        "inputs": [
            {"key": "share", "name": "Share handled", "unit": "", "initial_value": "0.8"},
            {"key": "reps", "name": "Support reps", "unit": "reps", "initial_value": "12"},
        ],
        "formula": "improvement * reps * 9000 * share",
        "ramp": [{"from_month": 2, "share": "1"}],
        "version": 2,
    }
    assert expect(await client.get(path, headers=tenant.admin), 200) == patched
    # The removed input went with its changes; the ramp was replaced.
    keys = set((await session.scalars(select(CalculationInput.key))).all())
    assert keys == {"share", "reps"}
    assert await _count(session, InputChange) == 2
    assert await _count(session, RampStep) == 1
    assert error_fields(
        await client.patch(path, json={"metric": {"baseline": None}}, headers=tenant.admin)
    ) == ["metric.baseline"]
    assert error_fields(
        await client.patch(path, json={"formula": "reps ** 2"}, headers=tenant.admin)
    ) == ["formula"]


async def test_delete_refuses_measured_calculations(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    path = f"/v1/calculations/{graph.calculation_id}"
    expect(await put_measurement(client, tenant.admin, graph.calculation_id, "2026-03", "158"), 201)
    problem(await client.delete(path, headers=tenant.admin), 428, "precondition-required")
    if_match = {"If-Match": (await client.get(path, headers=tenant.admin)).headers["ETag"]}
    problem(await client.delete(path, headers=tenant.admin | if_match), 409, "has-measurements")
    await client.delete(f"{path}/measurements/2026-03", headers=tenant.admin)
    assert (await client.delete(path, headers=tenant.editor | if_match)).status_code == 204
    problem(await client.get(path, headers=tenant.admin), 404)
    for model in (Calculation, CalculationInput, InputChange, RampStep):
        assert await _count(session, model) == 0, model


async def test_list_pages(client: httpx.AsyncClient, tenant: Tenant) -> None:
    graph = await create_graph(client, tenant.admin)
    use_case_id = graph.use_case["id"]
    for key in ("second", "third"):
        await create_calculation(client, tenant.admin, use_case_id, key=key)
    path = f"/v1/use-cases/{use_case_id}/calculations"
    page = expect(await client.get(f"{path}?limit=2", headers=tenant.viewer), 200)
    assert [c["key"] for c in page["items"]] == ["ticket-handling", "second"]
    rest = expect(
        await client.get(path, params={"cursor": page["next_cursor"]}, headers=tenant.viewer), 200
    )
    assert ([c["key"] for c in rest["items"]], rest["next_cursor"]) == (["third"], None)


async def test_auth_roles_tenants_and_limited_keys(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    hidden = await create_graph(client, tenant.admin)
    path = f"/v1/calculations/{graph.calculation_id}"
    create_path = f"/v1/use-cases/{graph.use_case['id']}/calculations"
    problem(await client.get(path), 401)
    problem(await client.post(create_path, json=SUPPORT_CALCULATION), 401)
    problem(await client.patch(path, json={"name": "x"}, headers=tenant.viewer), 403)
    problem(await client.delete(path, headers=tenant.viewer), 403)
    problem(await client.post(create_path, json=SUPPORT_CALCULATION, headers=tenant.viewer), 403)
    limited = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(graph.tracker["id"])])
    expect(await client.get(path, headers=limited), 200)
    cases = [
        (other_tenant.admin, graph),
        (limited, hidden),
    ]
    for headers, target in cases:
        for method in ("GET", "PATCH", "DELETE"):
            response = await client.request(
                method,
                f"/v1/calculations/{target.calculation_id}",
                json={"name": "x"},
                headers=headers,
            )
            assert problem(response, 404)["detail"] == (
                "No calculation with that id exists in your organization."
            )
        use_case_path = f"/v1/use-cases/{target.use_case['id']}/calculations"
        problem(await client.get(use_case_path, headers=headers), 404)
        problem(
            await client.post(
                use_case_path, json={**SUPPORT_CALCULATION, "key": "new"}, headers=headers
            ),
            404,
        )
    problem(await client.get(f"/v1/calculations/{uuid.uuid4()}", headers=tenant.admin), 404)
    assert expect(await client.get(path, headers=tenant.admin), 200) == graph.calculation
    assert await _count(session, Calculation) == 2
