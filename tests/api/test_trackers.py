"""`/v1/trackers`: contract terms, validation, safe period/currency changes, deletion,
tenant and tracker-limited isolation, and the whole-tracker loaders used by reports."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.conftest import Tenant
from tests.api.test_isolation import routes_of
from tests.api.value_tracking_builders import (
    create_calculation,
    create_customer,
    create_graph,
    create_tracker,
    create_use_case,
    error_fields,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.models import Calculation, InputChange, OneTimeFee, Role, Tracker, UseCase
from valuecalc_api.trackers.repository import load_tracker_graph, load_trackers_graph
from valuecalc_core.months import Month


async def _count(session: AsyncSession, model: type[Any]) -> int:
    return (await session.scalar(select(func.count()).select_from(model))) or 0


async def test_create_returns_the_terms_exactly(client: httpx.AsyncClient, tenant: Tenant) -> None:
    customer = await create_customer(client, tenant.admin)
    body = {
        "customer_id": customer["id"],
        "name": "Northwind support automation 2026",
        "currency": "USD",
        "start_month": "2026-01",
        "end_month": "2026-12",
        "recurring_fee_amount": "4000.00",
        "recurring_fee_interval": "month",
        "one_time_fees": [
            {"month": "2026-03", "amount": "1500", "description": "Training"},
            {"month": "2026-01", "amount": "5000.00", "description": "Onboarding"},
        ],
    }
    created = expect(await client.post("/v1/trackers", json=body, headers=tenant.editor), 201)
    assert {k: v for k, v in created.items() if k not in ("id", "created_at", "updated_at")} == {
        **body,
        # Money out is at the currency's minor unit, whatever digits were sent.
        "one_time_fees": [
            {"month": "2026-01", "amount": "5000.00", "description": "Onboarding"},
            {"month": "2026-03", "amount": "1500.00", "description": "Training"},
        ],
        "missing_months": "carry_forward",
        "version": 1,
    }
    fetched = expect(await client.get(f"/v1/trackers/{created['id']}", headers=tenant.viewer), 200)
    assert fetched == created


async def test_invalid_terms_are_422_naming_each_field(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    customer = await create_customer(client, tenant.admin)
    theirs = await create_customer(client, other_tenant.admin)
    base = {
        "customer_id": customer["id"],
        "name": "T",
        "currency": "USD",
        "start_month": "2026-01",
        "end_month": "2026-12",
    }
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"end_month": "2025-12"}, ["end_month"]),
        ({"currency": "XYZ"}, ["currency"]),
        ({"currency": "usd"}, ["currency"]),
        ({"start_month": "2026-13"}, ["start_month"]),
        ({"recurring_fee_amount": 4000.5}, ["recurring_fee_amount"]),
        ({"recurring_fee_amount": "NaN"}, ["recurring_fee_amount"]),
        ({"recurring_fee_amount": "-1"}, ["recurring_fee_amount"]),
        ({"recurring_fee_interval": "week"}, ["recurring_fee_interval"]),
        ({"missing_months": "zero"}, ["missing_months"]),
        ({"currency": "JPY", "recurring_fee_amount": "100.5"}, ["recurring_fee_amount"]),
        (
            {"one_time_fees": [{"month": "2027-01", "amount": "10"}]},
            ["one_time_fees.0.month"],
        ),
        ({"one_time_fees": [{"month": "2026-02", "amount": 10.0}]}, ["one_time_fees.0.amount"]),
        ({"one_time_fees": [{"month": "2026-02", "amount": "-5"}]}, ["one_time_fees.0.amount"]),
        ({"customer_id": theirs["id"]}, ["customer_id"]),
        ({"color": "red"}, ["color"]),
    ]
    for change, fields in cases:
        response = await client.post("/v1/trackers", json={**base, **change}, headers=tenant.admin)
        assert error_fields(response) == fields, change
    period = await client.post(
        "/v1/trackers", json={**base, "end_month": "2025-06"}, headers=tenant.admin
    )
    assert problem(period, 422)["errors"] == [
        {
            "field": "end_month",
            "code": "period_order",
            "message": "end_month (2025-06) is before start_month (2026-01).",
        }
    ]
    assert await _count(session, Tracker) == 0


async def test_patch_changes_terms_and_bumps_version(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    tracker = await create_tracker(
        client, tenant.admin, one_time_fees=[{"month": "2026-01", "amount": "5000"}]
    )
    patched = expect(
        await client.patch(
            f"/v1/trackers/{tracker['id']}",
            json={
                "name": "Renamed",
                "end_month": "2027-06",
                "recurring_fee_amount": "12000",
                "recurring_fee_interval": "year",
                "missing_months": "no_benefit",
                "one_time_fees": [{"month": "2027-02", "amount": "750", "description": "Audit"}],
            },
            headers=tenant.editor,
        ),
        200,
    )
    assert patched["version"] == 2
    assert (patched["name"], patched["end_month"], patched["recurring_fee_amount"]) == (
        "Renamed",
        "2027-06",
        "12000.00",
    )
    assert patched["one_time_fees"] == [
        {"month": "2027-02", "amount": "750.00", "description": "Audit"}
    ]
    assert patched["missing_months"] == "no_benefit"
    assert await _count(session, OneTimeFee) == 1
    again = expect(
        await client.patch(f"/v1/trackers/{tracker['id']}", json={}, headers=tenant.editor), 200
    )
    assert again["version"] == 2  # a PATCH that changes nothing keeps the version


async def test_patch_validates_against_the_merged_terms(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(
        client, tenant.admin, one_time_fees=[{"month": "2026-11", "amount": "5000"}]
    )
    path = f"/v1/trackers/{tracker['id']}"
    assert error_fields(
        await client.patch(path, json={"end_month": "2025-01"}, headers=tenant.admin)
    ) == ["end_month"]
    # Shrinking the period would strand the kept November fee.
    assert error_fields(
        await client.patch(path, json={"end_month": "2026-10"}, headers=tenant.admin)
    ) == ["one_time_fees.0.month"]
    assert error_fields(await client.patch(path, json={"name": None}, headers=tenant.admin)) == [
        "name"
    ]
    unchanged = expect(await client.get(path, headers=tenant.admin), 200)
    assert unchanged == tracker


async def test_currency_is_locked_once_calculations_exist(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.admin)
    path = f"/v1/trackers/{tracker['id']}"
    moved = expect(await client.patch(path, json={"currency": "EUR"}, headers=tenant.admin), 200)
    assert moved["currency"] == "EUR"
    use_case = await create_use_case(client, tenant.admin, tracker["id"])
    await create_calculation(client, tenant.admin, use_case["id"])
    problem(
        await client.patch(path, json={"currency": "USD"}, headers=tenant.admin),
        409,
        "currency-locked",
    )
    assert expect(await client.get(path, headers=tenant.admin), 200)["currency"] == "EUR"


async def test_period_cannot_exclude_recorded_data(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    path = f"/v1/trackers/{graph.tracker['id']}"
    calculation = graph.calculation_id
    expect(await put_measurement(client, tenant.admin, calculation, "2026-10", "130"), 201)
    body = problem(
        await client.patch(path, json={"end_month": "2026-09"}, headers=tenant.admin),
        409,
        "period-excludes-data",
    )
    assert "a measurement in 2026-10" in body["detail"]
    expect(
        await client.put(
            f"/v1/calculations/{calculation}/inputs/reps/changes/2026-03",
            json={"value": "15"},
            headers=tenant.admin,
        ),
        201,
    )
    body = problem(
        await client.patch(path, json={"start_month": "2026-03"}, headers=tenant.admin),
        409,
        "period-excludes-data",
    )
    assert "an input change in 2026-03" in body["detail"]
    # The ramp reaches contract month 4: a 3-month contract cannot hold it.
    problem(
        await client.patch(
            path, json={"start_month": "2026-10", "end_month": "2026-12"}, headers=tenant.admin
        ),
        409,
        "period-excludes-data",
    )
    assert expect(await client.get(path, headers=tenant.admin), 200) == graph.tracker


async def test_moving_the_start_moves_the_initial_values(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    path = f"/v1/trackers/{graph.tracker['id']}"
    patched = expect(
        await client.patch(path, json={"start_month": "2025-10"}, headers=tenant.admin), 200
    )
    assert patched["start_month"] == "2025-10"
    inputs = expect(
        await client.get(f"/v1/calculations/{graph.calculation_id}/inputs", headers=tenant.admin),
        200,
    )
    assert [
        (i["key"], [(c["month"], c["value"]) for c in i["changes"]]) for i in inputs["items"]
    ] == [
        ("reps", [("2025-10", "10")]),
        ("cost_per_rep_month", [("2025-10", "10000")]),
    ]
    months = set((await session.scalars(select(InputChange.month))).all())
    assert months == {Month.parse("2025-10")}


async def test_delete_cascades_configuration_but_refuses_measured_trackers(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    graph = await create_graph(client, tenant.admin)
    expect(await put_measurement(client, tenant.admin, graph.calculation_id, "2026-01", "121"), 201)
    path = f"/v1/trackers/{graph.tracker['id']}"
    problem(await client.delete(path, headers=tenant.admin), 428, "precondition-required")
    if_match = {"If-Match": (await client.get(path, headers=tenant.admin)).headers["ETag"]}
    body = problem(
        await client.delete(path, headers=tenant.admin | if_match), 409, "has-measurements"
    )
    assert body["measurement_count"] == 1
    expect(
        await client.delete(
            f"/v1/calculations/{graph.calculation_id}/measurements/2026-01", headers=tenant.admin
        ),
        204,
    )
    assert (await client.delete(path, headers=tenant.editor | if_match)).status_code == 204
    problem(await client.get(path, headers=tenant.admin), 404)
    for model in (Tracker, UseCase, Calculation, InputChange):
        assert await _count(session, model) == 0, model


async def test_list_filters_by_customer_and_pages(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    first = await create_customer(client, tenant.admin, name="First")
    second = await create_customer(client, tenant.admin, name="Second")
    a = await create_tracker(client, tenant.admin, first["id"], name="A")
    await create_tracker(client, tenant.admin, second["id"], name="B")
    c = await create_tracker(client, tenant.admin, first["id"], name="C")
    listed = expect(
        await client.get(f"/v1/trackers?customer_id={first['id']}", headers=tenant.viewer), 200
    )
    assert [t["id"] for t in listed["items"]] == [a["id"], c["id"]]
    page = expect(await client.get("/v1/trackers?limit=2", headers=tenant.viewer), 200)
    assert [t["name"] for t in page["items"]] == ["A", "B"]
    rest = expect(
        await client.get(
            "/v1/trackers", params={"cursor": page["next_cursor"]}, headers=tenant.viewer
        ),
        200,
    )
    assert ([t["name"] for t in rest["items"]], rest["next_cursor"]) == (["C"], None)


async def test_auth_roles_and_tenants(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.admin)
    path = f"/v1/trackers/{tracker['id']}"
    problem(await client.get(path), 401)
    problem(await client.get("/v1/trackers"), 401)
    problem(await client.patch(path, json={"name": "x"}, headers=tenant.viewer), 403)
    problem(await client.delete(path, headers=tenant.viewer), 403)
    problem(
        await client.post(
            "/v1/trackers",
            json={**{k: tracker[k] for k in ("customer_id", "name", "currency")}},
            headers=tenant.viewer,
        ),
        403,
    )
    for missing in (str(uuid.uuid4()), tracker["id"]):
        headers = tenant.admin if missing != tracker["id"] else other_tenant.admin
        for method in ("GET", "PATCH", "DELETE"):
            response = await client.request(
                method, f"/v1/trackers/{missing}", json={"name": "x"}, headers=headers
            )
            assert problem(response, 404, "not-found")["detail"] == (
                "No tracker with that id exists in your organization."
            )
    assert expect(await client.get("/v1/trackers", headers=other_tenant.admin), 200)["items"] == []
    assert expect(await client.get(path, headers=tenant.admin), 200) == tracker


async def test_tracker_limited_key_sees_only_its_trackers(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    customer = await create_customer(client, tenant.admin)
    mine = await create_tracker(client, tenant.admin, customer["id"], name="Mine")
    other = await create_tracker(client, tenant.admin, customer["id"], name="Other")
    limited = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(mine["id"])])
    listed = expect(await client.get("/v1/trackers", headers=limited), 200)
    assert [t["name"] for t in listed["items"]] == ["Mine"]
    expect(
        await client.patch(f"/v1/trackers/{mine['id']}", json={"name": "M"}, headers=limited), 200
    )
    for method in ("GET", "PATCH", "DELETE"):
        response = await client.request(
            method, f"/v1/trackers/{other['id']}", json={"name": "x"}, headers=limited
        )
        problem(response, 404)
    problem(
        await client.post(
            "/v1/trackers",
            json={
                "customer_id": customer["id"],
                "name": "New",
                "currency": "USD",
                "start_month": "2026-01",
                "end_month": "2026-12",
            },
            headers=limited,
        ),
        403,
    )
    assert (
        expect(await client.get(f"/v1/trackers/{other['id']}", headers=tenant.admin), 200) == other
    )


@contextmanager
def _counting_queries(app: FastAPI) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = app.state.engine.sync_engine

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_tracker_graph_loads_in_a_constant_number_of_queries(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    app: FastAPI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    small = await create_graph(client, tenant.admin)
    large = await create_graph(
        client, tenant.admin, one_time_fees=[{"month": "2026-02", "amount": "900"}]
    )
    for index in range(2):
        use_case = await create_use_case(
            client, tenant.admin, large.tracker["id"], name=f"UC{index}"
        )
        for key in ("a", "b"):
            calc = await create_calculation(
                client, tenant.admin, use_case["id"], key=f"{key}{index}", name=f"{key}{index}"
            )
            for month, value in (("2026-01", "121"), ("2026-02", "130")):
                await put_measurement(client, tenant.admin, calc["id"], month, value)
    await client.put(
        f"/v1/calculations/{large.calculation_id}/inputs/reps/changes/2026-06",
        json={"value": "15"},
        headers=tenant.admin,
    )
    counts = []
    for graph in (small, large):
        async with sessionmaker() as session:
            with _counting_queries(app) as statements:
                tracker = await load_tracker_graph(
                    session, tenant.organization_id, uuid.UUID(graph.tracker["id"])
                )
                assert tracker is not None
                # Every relationship is loaded: lazy="raise" would fail here otherwise.
                assert tracker.customer.name == "Northwind Support Ltd"
                summary = [
                    (
                        use_case.name,
                        [
                            (
                                calc.key,
                                [
                                    (i.key, [(str(c.month), c.value) for c in i.changes])
                                    for i in calc.inputs
                                ],
                                [(str(m.month), m.value) for m in calc.measurements],
                                [(s.from_month, s.share) for s in calc.ramp_steps],
                            )
                            for calc in use_case.calculations
                        ],
                    )
                    for use_case in tracker.use_cases
                ]
                fees = [(str(f.month), f.amount) for f in tracker.one_time_fees]
            counts.append(len(statements))
        if graph is large:
            assert fees == [("2026-02", Decimal("900"))]
            assert [name for name, _ in summary] == ["Faster ticket handling", "UC0", "UC1"]
            first_key, inputs, measurements, ramp = summary[0][1][0]
            assert first_key == "ticket-handling"
            assert inputs[0] == ("reps", [("2026-01", Decimal("10")), ("2026-06", Decimal("15"))])
            assert measurements == []
            assert ramp == [(1, Decimal("0.5")), (4, Decimal("1"))]
            assert summary[1][1][0][2] == [("2026-01", Decimal("121")), ("2026-02", Decimal("130"))]
    assert counts[0] == counts[1] == 9, counts
    async with sessionmaker() as session:
        assert (
            await load_tracker_graph(
                session, other_tenant.organization_id, uuid.UUID(small.tracker["id"])
            )
            is None
        )
        everything = await load_trackers_graph(session, tenant.organization_id)
        assert [t.id for t in everything] == [
            uuid.UUID(small.tracker["id"]),
            uuid.UUID(large.tracker["id"]),
        ]
        by_customer = await load_trackers_graph(
            session, tenant.organization_id, customer_id=uuid.UUID(large.customer["id"])
        )
        assert [t.id for t in by_customer] == [uuid.UUID(large.tracker["id"])]
        by_ids = await load_trackers_graph(
            session, tenant.organization_id, tracker_ids=[uuid.UUID(small.tracker["id"])]
        )
        assert len(by_ids[0].use_cases[0].calculations[0].inputs) == 2
        assert await load_trackers_graph(session, other_tenant.organization_id) == []


def test_value_tracking_bodies_and_responses_have_valid_examples(app: FastAPI) -> None:
    """Every request and response model of these routes carries an example a frontend
    developer can copy, and the example is itself valid."""
    tags = {"customers", "trackers", "calculations", "measurements"}
    models: set[type[BaseModel]] = set()
    for _, _, route in routes_of(app):
        if not set(getattr(route, "tags", ())) & tags:
            continue
        if route.body_field is not None:
            models.add(route.body_field.field_info.annotation)
        response_model = route.response_model
        if response_model is not None:
            item = response_model.model_fields.get("items")
            models.add(item.annotation.__args__[0] if item is not None else response_model)
    assert len(models) == 17, sorted(m.__name__ for m in models)
    for model in models:
        examples = model.model_json_schema().get("examples")
        assert examples, f"{model.__name__} has no example"
        for example in examples:
            model.model_validate(example)
