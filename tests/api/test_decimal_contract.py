"""Decimal input as the contract says (SPEC 2, issue 12): the API accepts exactly
`^-?\\d{1,15}(\\.\\d{1,12})?$` in ASCII digits (and JSON integers of at most 15 digits),
in JSON bodies, bulk rows and CSV cells, and refuses anything else with a 422 that
names the field and stores nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_rows import count
from tests.api.value_tracking_builders import (
    Graph,
    create_graph,
    create_tracker,
    problem,
    put_measurement,
)
from tests.decimal_strategies import decimal_candidates, matches_decimal_contract
from valuecalc_api.models import Measurement
from valuecalc_api.openapi_export import render
from valuecalc_core.money import DECIMAL_PATTERN

_HTTP = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
async def graph(client: httpx.AsyncClient, tenant: Tenant) -> Graph:
    return await create_graph(client, tenant.admin)


@_HTTP
@given(text=decimal_candidates)
async def test_a_measurement_value_is_accepted_exactly_when_it_matches_the_pattern(
    client: httpx.AsyncClient, tenant: Tenant, graph: Graph, text: str
) -> None:
    response = await put_measurement(client, tenant.editor, graph.calculation_id, "2026-01", text)
    if matches_decimal_contract(text):
        assert response.status_code in (200, 201), (text, response.text)
        # An equal value already stored (0.0 for 0) is unchanged and echoed as stored.
        assert Decimal(response.json()["value"]) == Decimal(text)
    else:
        body = problem(response, 422, "validation-error")
        assert [e["field"] for e in body["errors"]] == ["value"], (text, body)


@pytest.mark.parametrize(
    "value", ["0E+999999", "0E+200000", "1e3", " 121", "1_000", "\u0661\u0662\u0663", "1.5e0"]
)
async def test_exponents_blanks_separators_and_other_digits_are_refused_everywhere(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant, graph: Graph, value: str
) -> None:
    calculation = graph.calculation_id
    tracker_id = graph.tracker["id"]
    problem(await put_measurement(client, tenant.editor, calculation, "2026-01", value), 422)
    body = problem(
        await client.post(
            f"/v1/trackers/{tracker_id}/measurements/bulk",
            json={
                "rows": [{"calculation_key": "ticket-handling", "month": "2026-01", "value": value}]
            },
            headers=tenant.editor,
        ),
        422,
    )
    assert "value" in json.dumps(body["errors"])
    csv = f"calculation_key,month,value\nticket-handling,2026-01,{value}\n".encode()
    problem(
        await client.post(
            f"/v1/trackers/{tracker_id}/measurements/import",
            content=csv,
            headers={**tenant.editor, "Content-Type": "text/csv"},
        ),
        422,
    )
    problem(
        await client.put(
            f"/v1/calculations/{calculation}/inputs/reps/changes/2026-02",
            json={"value": value},
            headers=tenant.editor,
        ),
        422,
    )
    problem(
        await client.post(
            "/v1/trackers",
            json={
                "customer_id": graph.customer["id"],
                "name": "Fees",
                "currency": "USD",
                "start_month": "2026-01",
                "end_month": "2026-12",
                "recurring_fee_amount": value,
            },
            headers=tenant.editor,
        ),
        422,
    )
    assert await count(session, Measurement) == 0  # nothing was stored


async def test_json_integers_within_15_digits_are_accepted(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.editor, recurring_fee_amount=120000)
    assert tracker["recurring_fee_amount"] in ("120000", "120000.00")
    response = await client.post(
        "/v1/trackers",
        json={
            "customer_id": tracker["customer_id"],
            "name": "Too big",
            "currency": "USD",
            "start_month": "2026-01",
            "end_month": "2026-12",
            "recurring_fee_amount": 10**15,
        },
        headers=tenant.editor,
    )
    problem(response, 422)


def test_the_published_contract_states_the_pattern() -> None:
    assert json.dumps(DECIMAL_PATTERN) in render()
