"""SPEC 2's limits on input: no control characters in text, JSON nesting at most 64
levels, months from 1900-01 to 2999-12, contract periods of at most 240 months. Each
bad input answers a 4xx problem+json naming the limit, and stores nothing (issue 11)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import Graph, create_graph, expect, problem
from valuecalc_api.middleware.input_rules import MAX_JSON_DEPTH, nests_deeper_than
from valuecalc_api.models import (
    ApiKey,
    Calculation,
    Customer,
    Evidence,
    Measurement,
    Note,
    Tracker,
    UseCase,
)

NUL = "a\u0000b"


async def count(session: AsyncSession, model: Any) -> int:
    await session.rollback()
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
async def graph(client: httpx.AsyncClient, tenant: Tenant) -> Graph:
    return await create_graph(client, tenant.admin)


def writes(graph: Graph) -> list[tuple[str, str, dict[str, Any], Any]]:
    """(method, path, body with a NUL in one text, model whose rows must not grow)."""
    calc = graph.calculation_id
    return [
        ("POST", "/v1/customers", {"name": NUL}, Customer),
        ("POST", "/v1/customers", {"name": "ok", "external_id": NUL}, Customer),
        (
            "POST",
            "/v1/trackers",
            {
                "customer_id": graph.customer["id"],
                "name": NUL,
                "currency": "USD",
                "start_month": "2026-01",
                "end_month": "2026-12",
            },
            Tracker,
        ),
        (
            "POST",
            f"/v1/trackers/{graph.tracker['id']}/use-cases",
            {"name": "x", "status": "active", "description": NUL},
            UseCase,
        ),
        (
            "POST",
            f"/v1/use-cases/{graph.use_case['id']}/calculations",
            {
                "key": "other",
                "name": NUL,
                "kind": "cost_savings",
                "metric": {
                    "name": "m",
                    "unit": "u",
                    "baseline": "1",
                    "direction": "higher_is_better",
                },
                "formula": "metric",
            },
            Calculation,
        ),
        ("POST", f"/v1/calculations/{calc}/months/2026-03/notes", {"text": NUL}, Note),
        (
            "POST",
            f"/v1/calculations/{calc}/months/2026-03/evidence",
            {"kind": "pasted", "text": NUL},
            Evidence,
        ),
        (
            "POST",
            f"/v1/calculations/{calc}/months/2026-03/evidence",
            {"kind": "link", "url": "https://bi.example/d/1", "caption": NUL},
            Evidence,
        ),
        ("POST", "/v1/api-keys", {"name": NUL, "role": "viewer"}, ApiKey),
        (
            "POST",
            "/v1/measurements/bulk",
            {
                "rows": [
                    {
                        "customer_external_id": NUL,
                        "calculation_key": "ticket-handling",
                        "month": "2026-03",
                        "value": "1",
                    }
                ]
            },
            Measurement,
        ),
        (
            "PATCH",
            f"/v1/trackers/{graph.tracker['id']}",
            {"name": NUL},
            Tracker,
        ),
    ]


async def test_a_nul_in_any_text_field_is_422_and_stores_nothing(
    client: httpx.AsyncClient, tenant: Tenant, graph: Graph, session: AsyncSession
) -> None:
    for method, path, body, model in writes(graph):
        before = await count(session, model)
        answer = await client.request(method, path, json=body, headers=tenant.admin)
        assert 400 <= answer.status_code < 500, (path, body, answer.status_code, answer.text)
        assert answer.headers["content-type"] == "application/problem+json", path
        assert "control character" in answer.text, (path, answer.text)
        assert await count(session, model) == before, path


async def test_a_tab_is_refused_in_a_name_but_kept_in_a_note(
    client: httpx.AsyncClient, tenant: Tenant, graph: Graph
) -> None:
    named = await client.post("/v1/customers", json={"name": "a\tb"}, headers=tenant.admin)
    problem(named, 422, "validation-error")
    assert named.json()["errors"][0]["code"] == "control_character"

    text = "line one\n\tline two\r\n"
    note = await client.post(
        f"/v1/calculations/{graph.calculation_id}/months/2026-03/notes",
        json={"text": text},
        headers=tenant.admin,
    )
    assert expect(note, 201)["text"] == text


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/customers?external_id=a%00b", "query.external_id"),
        ("/v1/customers?a%00b=1", "query.ab"),
        ("/v1/customers/a%00b", "path"),
        ("/v1/trackers/00000000-0000-0000-0000-000000000000/report?as_of=2026%0A03", "query.as_of"),
    ],
)
async def test_a_control_character_in_the_path_or_query_is_422(
    client: httpx.AsyncClient, tenant: Tenant, path: str, field: str
) -> None:
    answer = await client.get(path, headers=tenant.admin)
    body = problem(answer, 422, "control-character")
    assert body["errors"][0]["field"] == field


@pytest.mark.parametrize(
    "path",
    [
        "/v1/customers",
        "/v1/measurements/bulk",
        "/v1/trackers/{tracker}/measurements/bulk",
        "/v1/trackers/{tracker}/input-changes/bulk",
        "/v1/calculations/{calculation}/months/2026-03/evidence",
        "/v1/calculations/{calculation}/months/2026-03/notes",
    ],
)
async def test_json_nested_1000_deep_is_422_json_too_deep_on_every_json_body(
    client: httpx.AsyncClient, tenant: Tenant, graph: Graph, path: str
) -> None:
    url = path.format(tracker=graph.tracker["id"], calculation=graph.calculation_id)
    body = '{"rows": ' + nested(1000) + "}"
    answer = await client.post(
        url, content=body, headers={**tenant.admin, "Content-Type": "application/json"}
    )
    assert problem(answer, 422, "json-too-deep")["max_depth"] == MAX_JSON_DEPTH


async def test_json_nested_64_deep_reaches_the_route(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    body = '{"name": ' + nested(MAX_JSON_DEPTH - 1) + "}"
    answer = await client.post(
        "/v1/customers", content=body, headers={**tenant.admin, "Content-Type": "application/json"}
    )
    problem(answer, 422, "validation-error")  # a list is not a name, but it was parsed


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert not nests_deeper_than(json.dumps({"a": "[" * 500}).encode(), 2)
    assert not nests_deeper_than(json.dumps({"a": '\\"[[[[['}).encode(), 2)
    assert nests_deeper_than(b'{"a": [[{"b": []}]]}', 3)
    assert not nests_deeper_than(b'{"a": [[{"b": []}]]}', 5)
    assert not nests_deeper_than(b"[" + b"[], " * 200 + b"[]]", 2)


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("0001-01", "9999-12", "month_out_of_range"),
        ("1899-12", "1900-06", "month_out_of_range"),
        ("2999-01", "3000-01", "month_out_of_range"),
        ("2000-01", "2020-01", "period_too_long"),  # 241 months
    ],
)
async def test_an_unbounded_period_is_refused(
    client: httpx.AsyncClient,
    tenant: Tenant,
    graph: Graph,
    session: AsyncSession,
    start: str,
    end: str,
    code: str,
) -> None:
    before = await count(session, Tracker)
    body = {
        "customer_id": graph.customer["id"],
        "name": "Long",
        "currency": "USD",
        "start_month": start,
        "end_month": end,
    }
    answer = await client.post("/v1/trackers", json=body, headers=tenant.admin)
    assert code in [error["code"] for error in problem(answer, 422)["errors"]]
    patched = await client.patch(
        f"/v1/trackers/{graph.tracker['id']}",
        json={"start_month": start, "end_month": end},
        headers=tenant.admin,
    )
    assert code in [error["code"] for error in problem(patched, 422)["errors"]]
    assert await count(session, Tracker) == before


async def test_the_longest_period_is_accepted(
    client: httpx.AsyncClient, tenant: Tenant, graph: Graph
) -> None:
    body = {
        "customer_id": graph.customer["id"],
        "name": "Twenty years",
        "currency": "USD",
        "start_month": "1900-01",
        "end_month": "1919-12",
    }
    expect(await client.post("/v1/trackers", json=body, headers=tenant.admin), 201)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/trackers/{tracker}/report?as_of=0001-01",
        "/v1/trackers/{tracker}/table?as_of=9999-12",
        "/v1/trackers/{tracker}/measurements-view?month=1899-12",
    ],
)
async def test_a_month_out_of_range_in_a_query_is_422(
    client: httpx.AsyncClient, tenant: Tenant, graph: Graph, path: str
) -> None:
    answer = await client.get(path.format(tracker=graph.tracker["id"]), headers=tenant.admin)
    assert problem(answer, 422)["errors"][0]["code"] == "month_out_of_range"


async def test_a_month_out_of_range_in_a_path_is_422(
    client: httpx.AsyncClient, tenant: Tenant, graph: Graph, session: AsyncSession
) -> None:
    answer = await client.put(
        f"/v1/calculations/{graph.calculation_id}/measurements/3000-01",
        json={"value": "1"},
        headers=tenant.admin,
    )
    assert problem(answer, 422)["errors"][0]["code"] == "month_out_of_range"
    assert await count(session, Measurement) == 0
