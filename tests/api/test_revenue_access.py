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
_VALUES = {
    "{external_id}": "acme-rev-1",
    "{external_id:ledger_record_id}": "acme-rev-1",
    "{currency}": "EUR",
    "{month}": "2026-03",
}


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
        # A date is YYYY-MM-DD, never a Unix time (0 was read as 1970-01-01).
        ("/v1/revenue/arr", {"at": "0"}),
        ("/v1/revenue/arr.csv", {"at": "1700000000"}),
        ("/v1/revenue/renewal-rates", {"start": "2026-01", "end": "2026-12", "as_of": "0"}),
        ("/v1/revenue/lead-summary", {"start": "", "end": ""}),
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
    # A row without its values is refused by their names, under its own code.
    assert [e["code"] for e in problem["errors"] if e["row"] == 1] == ["required_unless_deleted"]
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


async def test_each_revenue_read_documents_one_media_type_and_its_rules(app: FastAPI) -> None:
    """SPEC 6: a JSON read documents JSON only (its `.csv` operation is the documented CSV;
    `?format=csv` stays an undocumented alias), and the contract states the month and
    currency rules the server checks, so a schema-valid request is not refused for them."""
    paths = app.openapi()["paths"]
    # The revenue charts (`/v1/revenue/charts/...`) answer images and specs: one media type
    # each, checked with the charts.
    reads = [
        p
        for p in paths
        if p.startswith("/v1/revenue") and "get" in paths[p] and "/charts/" not in p
    ]
    for path in reads:
        operation = paths[path]["get"]
        media = list(operation["responses"]["200"]["content"])
        assert media == (["text/csv"] if path.endswith(".csv") else ["application/json"]), path
        parameters = {
            p["name"]: p["schema"] for p in operation.get("parameters", []) if "name" in p
        }
        assert "format" not in parameters, path
        for name in ("start", "end", "month"):
            if name in parameters:
                assert parameters[name]["pattern"].startswith("^(19|2[0-9])"), (path, name)
        if "currency" in parameters:
            assert "XOB" not in parameters["currency"]["enum"]
            assert "EUR" in parameters["currency"]["enum"]


async def test_a_create_refuses_deleted_true_and_dates_outside_the_range(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """POST creates: `deleted` can only be false there (the contract says `const: false`),
    and a ledger date lies in 1900-01-01..2999-12-31 (the contract's pattern); nothing is
    stored either way."""
    await customer(client, tenant.admin, "c1")
    removal = {**movement("m1", "c1", "2026-01-01", "new", "100"), "deleted": True}
    refused = expect(
        await client.post("/v1/revenue/movements", json=removal, headers=tenant.editor), 422
    )
    assert [e["field"] for e in refused["errors"]] == ["deleted"]
    too_early = movement("m1", "c1", "1899-12-31", "new", "100")
    refused = expect(
        await client.post("/v1/revenue/movements", json=too_early, headers=tenant.editor), 422
    )
    assert [e["field"] for e in refused["errors"]] == ["date"]
    missing = await client.get("/v1/revenue/movements/m1", headers=tenant.viewer)
    assert missing.status_code == 404
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert schema["MovementCreate"]["properties"]["deleted"]["const"] is False
    assert schema["MovementRow"]["properties"]["date"]["anyOf"][0]["pattern"].startswith("^(19")
    # A rate above 0: non-negative form and a non-zero digit (bulk "0" is invalid_fx_rate).
    rate = schema["FxRateRow"]["properties"]["units_of_reporting_currency_per_unit"]["anyOf"][0]
    assert (rate["pattern"][:7], rate["allOf"]) == ("^[0-9]{", [{"pattern": "[1-9]"}])


async def test_bulk_and_import_are_no_record_ids(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """`.../bulk` and `.../import` are the collection's operations: another method there is
    405 naming only theirs (not a record called `bulk`), and no record may take the name."""
    for path in ("/v1/revenue/movements/bulk", "/v1/revenue/contract-lines/import"):
        for method in ("GET", "DELETE", "OPTIONS"):
            response = await client.request(method, path, headers=tenant.editor)
            assert response.status_code == 405, (method, path)
            assert response.headers["allow"] == "POST", (method, path)
    await customer(client, tenant.admin, "c1")
    rows = [movement("bulk", "c1", "2026-01-01", "new", "100")]
    refused = expect(await bulk(client, tenant.editor, "movements", rows), 422)
    assert [e["code"] for e in refused["errors"]] == ["reserved_external_id"]
    assert (await client.get("/v1/revenue/movements", headers=tenant.viewer)).json()["items"] == []
