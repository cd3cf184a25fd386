"""Who may call the revenue routes: every one needs a key (401), writes need an editor key
for the whole organization (403), a missing record is 404, a bad request 422, and a
tracker-limited key's figures cover only its trackers' customers."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import Tenant
from tests.api.revenue_builders import bulk, create_revenue_records, customer, movement
from tests.api.test_isolation import routes_of
from tests.api.value_tracking_builders import create_tracker, expect
from valuecalc_api.models import Role

_QUERY = {"start": "2026-01", "end": "2026-12", "at": "2026-06-30"}
_VALUES = {"{external_id}": "acme-rev-1", "{currency}": "EUR", "{month}": "2026-03"}


def _revenue_calls(app: FastAPI) -> list[tuple[str, str]]:
    calls = []
    for path, methods, _ in routes_of(app):
        # The charts refuse parameters they do not take (`at`): test_revenue_charts.py.
        if path.startswith("/v1/revenue") and "/charts/" not in path:
            for method in sorted(methods - {"HEAD", "OPTIONS"}):
                filled = path
                for name, value in _VALUES.items():
                    filled = filled.replace(name, value)
                calls.append((method, filled))
    return calls


async def test_every_revenue_route_needs_a_key_and_writes_need_an_editor(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await customer(client, tenant.admin, "acme-crm-1")
    await create_revenue_records(client, tenant.admin, customer_external_id="acme-crm-1")
    calls = _revenue_calls(app)
    assert len(calls) > 30
    for method, path in calls:
        anonymous = await client.request(method, path, params=_QUERY)
        assert anonymous.status_code == 401, (method, path)
        if method == "GET":
            seen = await client.get(path, params=_QUERY, headers=tenant.viewer)
            assert seen.status_code == 200, (path, seen.text)
        else:
            refused = await client.request(method, path, json={}, headers=tenant.viewer)
            assert refused.status_code == 403, (method, path)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/revenue/movements/nope",
        "/v1/revenue/renewals/nope",
        "/v1/revenue/contract-lines/nope",
        "/v1/revenue/leads/nope",
        "/v1/revenue/fx-rates/EUR/2026-01",
    ],
)
async def test_a_missing_record_is_404(
    client: httpx.AsyncClient, tenant: Tenant, path: str
) -> None:
    assert (await client.get(path, headers=tenant.viewer)).status_code == 404
    assert (await client.delete(path, headers=tenant.editor)).status_code == 404


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/revenue/metrics", {"start": "2026-13", "end": "2026-12"}),
        ("/v1/revenue/metrics", {"start": "2026-05", "end": "2026-01"}),
        ("/v1/revenue/metrics/series", {"start": "2000-01", "end": "2026-12"}),
        (
            "/v1/revenue/metrics/series",
            {"start": "2026-01", "end": "2026-12", "granularity": "week"},
        ),
        ("/v1/revenue/renewal-rates", {"start": "2026-01"}),
        ("/v1/revenue/arr", {"at": "2026-02-30"}),
        ("/v1/revenue/arr-bridge.csv", {"start": "x", "end": "2026-01"}),
    ],
)
async def test_bad_read_parameters_are_422(
    client: httpx.AsyncClient, tenant: Tenant, path: str, params: dict[str, Any]
) -> None:
    response = await client.get(path, params=params, headers=tenant.viewer)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_bad_bodies_are_422_and_name_the_row(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await customer(client, tenant.admin, "c1")
    rows: list[dict[str, Any]] = [
        movement("m1", "c1", "2026-01-01", "new", "100"),
        {"external_id": "m2", "customer_external_id": "c1", "date": "2026-01-01"},
        movement("m3", "c1", "2026-01-01", "teleport", "1"),
        movement("m4", "c1", "2026-01-01", "upsell", 1.5),
        movement("m5", "c1", "2026-01-01", "upsell", "5", currency="EUR"),
    ]
    problem = expect(await bulk(client, tenant.editor, "movements", rows), 422)
    assert sorted({e["row"] for e in problem["errors"]}) == [1, 2, 3, 4]
    assert any(e["code"] == "currency_mismatch" for e in problem["errors"])
    too_many = expect(await bulk(client, tenant.editor, "movements", [rows[0]] * 10_001), 422)
    assert too_many["errors"][0]["code"] == "too_long"
    renewal = {"external_id": "r", "customer_external_id": "c1", "due_date": "2026-03-01",
               "renewable_arr": "10", "outcome": "renewed"}  # fmt: skip
    refused = expect(await bulk(client, tenant.editor, "renewals", [renewal]), 422)
    assert refused["errors"][0]["code"] == "renewal_outcome_inconsistent"
    lead = {"external_id": "l", "customer_external_id": "c1", "raised_on": "2026-03-01",
            "status": "lost", "closed_revenue": "10"}  # fmt: skip
    refused = expect(await bulk(client, tenant.editor, "leads", [lead]), 422)
    assert refused["errors"][0]["code"] == "invalid_closed_revenue"
    rate = {"currency": "EUR", "month": "2026-01", "units_of_reporting_currency_per_unit": "0"}
    refused = expect(await bulk(client, tenant.editor, "fx-rates", [rate]), 422)
    assert refused["errors"][0]["code"] == "invalid_fx_rate"


async def test_a_tracker_limited_key_sees_only_its_customers_revenue(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    mine = await customer(client, tenant.admin, "mine")
    await customer(client, tenant.admin, "theirs")
    tracker = await create_tracker(client, tenant.admin, mine["id"])
    rows = [
        movement("a", "mine", "2025-01-01", "new", "100"),
        movement("b", "theirs", "2025-01-01", "new", "900"),
        movement("c", "theirs", "2026-02-01", "churn", "900"),
    ]
    expect(await bulk(client, tenant.editor, "movements", rows), 200)
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(tracker["id"])])
    params = {"start": "2026-01", "end": "2026-12"}
    body = expect(await client.get("/v1/revenue/metrics", params=params, headers=limited), 200)
    assert body["total"]["grr"]["denominator"] == "100"
    assert body["total"]["grr"]["value"] == "1.0000"
    everyone = expect(
        await client.get("/v1/revenue/metrics", params=params, headers=tenant.viewer), 200
    )
    assert everyone["total"]["grr"]["denominator"] == "1000"
    arr = expect(
        await client.get("/v1/revenue/arr", params={"at": "2026-06-30"}, headers=limited), 200
    )
    assert [c["customer_external_id"] for c in arr["customers"]] == ["mine"]
    assert (await client.get("/v1/revenue/movements/b", headers=limited)).status_code == 404
    listed = expect(await client.get("/v1/revenue/movements", headers=limited), 200)
    assert [m["external_id"] for m in listed["items"]] == ["a"]
    editor = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(tracker["id"])])
    assert (await bulk(client, editor, "movements", rows[:1])).status_code == 403
