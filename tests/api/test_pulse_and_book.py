"""The pulse, its reason codes and the pulse book view; the customer summary and the book
(JSON and CSV), over HTTP."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.health_builders import (
    create_profile,
    create_reason_code,
    indicator,
    record_pulse,
)
from tests.api.value_tracking_builders import (
    create_customer,
    create_graph,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.models import AuditEvent, Role

AS_OF = {"as_of": "2026-03-31"}


async def test_a_pulse_keeps_its_history_and_names_unknown_codes(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    customer = await create_customer(client, tenant.admin)
    await create_reason_code(client, tenant.admin, "exec-sponsor-left")
    path = f"/v1/customers/{customer['id']}/pulses"
    bad = await client.post(
        path,
        json={"status": "red", "reason_codes": ["exec-sponsor-left", "made-up"]},
        headers=tenant.editor,
    )
    assert [e["field"] for e in problem(bad, 422)["errors"]] == ["reason_codes.1"]
    future = await client.post(
        path, json={"status": "red", "recorded_on": "2999-01-01"}, headers=tenant.editor
    )
    assert [e["field"] for e in problem(future, 422)["errors"]] == ["recorded_on"]
    first = await record_pulse(
        client, tenant.editor, customer["id"], "red", "2026-01-10", ["exec-sponsor-left"]
    )
    second = await record_pulse(client, tenant.editor, customer["id"], "green", "2026-03-05")
    history = expect(await client.get(path, headers=tenant.viewer), 200)
    assert [(p["id"], p["status"]) for p in history["items"]] == [
        (first["id"], "red"),
        (second["id"], "green"),
    ]
    assert first["reason_codes"] == ["exec-sponsor-left"]
    problem(await client.post(path, json={"status": "red"}, headers=tenant.viewer), 403)
    problem(
        await client.post(
            "/v1/pulse-reason-codes",
            json={"code": "exec-sponsor-left", "kind": "risk", "label": "x", "category": "y"},
            headers=tenant.admin,
        ),
        409,
        "reason-code-taken",
    )
    kinds = (await session.scalars(select(AuditEvent.entity_type).order_by(AuditEvent.seq))).all()
    assert [k for k in kinds if k in ("pulse", "reason_code")] == ["reason_code", "pulse", "pulse"]


async def _scored_book(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    """Three customers: a green pulse with no value delivered (red score), a red pulse, and
    one with neither pulse nor tracker (undefined score)."""
    await create_reason_code(client, headers, "exec-sponsor-left")
    await create_reason_code(client, headers, "champion", kind="success")
    await create_profile(
        client,
        headers,
        indicators=[
            indicator("pulse", "1"),
            indicator("value_realization", "99", "0", "100"),
            indicator("nps", "1"),
        ],
    )
    flat = await create_graph(client, headers)
    expect(await put_measurement(client, headers, flat.calculation_id, "2026-01", "100"), 201)
    await client.patch(
        f"/v1/customers/{flat.customer['id']}",
        json={"name": "Alpha", "segment": "enterprise", "owner": "ann"},
        headers=headers,
    )
    await record_pulse(client, headers, flat.customer["id"], "green", "2026-03-01", ["champion"])
    beta = await create_customer(client, headers, name="Beta", segment="smb", owner="bob")
    await record_pulse(
        client, headers, beta["id"], "red", "2026-03-02", ["exec-sponsor-left", "champion"]
    )
    gamma = await create_customer(client, headers, name="=Gamma", segment="smb", owner="bob")
    return {"alpha": flat.customer["id"], "beta": beta["id"], "gamma": gamma["id"]}


async def test_the_pulse_book_counts_statuses_codes_and_disagreements(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ids = await _scored_book(client, tenant.admin)
    book = expect(await client.get("/v1/pulse-book", params=AS_OF, headers=tenant.viewer), 200)
    assert [(s["status"], s["customers"]) for s in book["statuses"]] == [
        ("red", 1),
        ("yellow", 0),
        ("green", 1),
        (None, 1),
    ]
    assert [(c["code"], c["customers"]) for c in book["top_risk_by_count"]] == [
        ("exec-sponsor-left", 1)
    ]
    assert [(c["code"], c["customers"]) for c in book["top_success_by_count"]] == [("champion", 2)]
    assert book["top_risk_by_arr"] == []  # no ARR in the ledger yet
    assert [(g["group"], [s["customers"] for s in g["statuses"]]) for g in book["by_owner"]] == [
        ("ann", [0, 0, 1, 0]),
        ("bob", [1, 0, 0, 1]),
    ]
    smb = next(g for g in book["by_segment"] if g["group"] == "smb")
    assert [c["code"] for c in smb["top_risk_by_count"]] == ["exec-sponsor-left"]
    assert [(d["customer_id"], d["pulse"], d["band"]) for d in book["disagreements"]] == [
        (ids["alpha"], "green", "red")
    ]


async def test_the_book_pages_by_name_sorts_by_score_filters_and_totals(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ids = await _scored_book(client, tenant.admin)
    first = expect(
        await client.get("/v1/book", params={**AS_OF, "limit": "2"}, headers=tenant.viewer), 200
    )
    assert [r["name"] for r in first["items"]] == ["=Gamma", "Alpha"]
    assert first["totals"] == {"customers": 3, "arr": []}
    second = expect(
        await client.get(
            "/v1/book",
            params={**AS_OF, "limit": "2", "cursor": first["next_cursor"]},
            headers=tenant.viewer,
        ),
        200,
    )
    assert [r["name"] for r in second["items"]] == ["Beta"]
    assert second["next_cursor"] is None
    alpha = first["items"][1]
    assert (alpha["health"]["band"], alpha["pulse"]["status"]) == ("red", "green")
    by_score = expect(
        await client.get(
            "/v1/book",
            params={**AS_OF, "sort": "score", "order": "desc", "limit": "1"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert [r["name"] for r in by_score["items"]] == ["Alpha"]  # Beta scores 0, Gamma none
    rest = expect(
        await client.get(
            "/v1/book",
            params={**AS_OF, "sort": "score", "order": "desc", "cursor": by_score["next_cursor"]},
            headers=tenant.viewer,
        ),
        200,
    )
    assert [r["name"] for r in rest["items"]] == ["Beta", "=Gamma"]  # unknown score last
    red = expect(
        await client.get("/v1/book", params={**AS_OF, "band": "red"}, headers=tenant.viewer), 200
    )
    assert sorted(r["customer_id"] for r in red["items"]) == sorted([ids["alpha"], ids["beta"]])
    assert red["totals"]["customers"] == 2
    smb = expect(
        await client.get(
            "/v1/book", params={**AS_OF, "segment": "smb", "pulse": "red"}, headers=tenant.viewer
        ),
        200,
    )
    assert [r["name"] for r in smb["items"]] == ["Beta"]
    bad = await client.get("/v1/book", params={"cursor": "nonsense"}, headers=tenant.viewer)
    assert [e["field"] for e in problem(bad, 422)["errors"]] == ["cursor"]


async def test_the_book_as_csv_has_the_same_rows_and_defuses_formulas(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _scored_book(client, tenant.admin)
    response = await client.get("/v1/book.csv", params=AS_OF, headers=tenant.viewer)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["name"], r["band"], r["pulse"]) for r in rows] == [
        ("'=Gamma", "", ""),
        ("Alpha", "red", "green"),
        ("Beta", "red", "red"),
    ]
    assert rows[1]["score"] == "1.00"


async def test_a_tracker_limited_key_sees_only_its_trackers_customers(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    await create_customer(client, tenant.admin, name="Hidden")
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(graph.tracker["id"])])
    book = expect(await client.get("/v1/book", headers=limited), 200)
    assert [r["customer_id"] for r in book["items"]] == [graph.customer["id"]]
    assert book["totals"]["customers"] == 1
    pulse_book = expect(await client.get("/v1/pulse-book", headers=limited), 200)
    assert sum(s["customers"] for s in pulse_book["statuses"]) == 1
    others = expect(await client.get("/v1/book", headers=other_tenant.admin), 200)
    assert others["items"] == []
    problem(await client.get("/v1/book"), 401)


async def test_the_customer_summary_shows_value_health_and_pulse_with_dates(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    expect(await put_measurement(client, tenant.admin, graph.calculation_id, "2026-01", "158"), 201)
    await create_profile(client, tenant.admin)
    await record_pulse(client, tenant.admin, graph.customer["id"], "yellow", "2026-01-20")
    summary = expect(
        await client.get(
            f"/v1/customers/{graph.customer['id']}/summary",
            params={"as_of": "2026-01-31"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert summary["value"] == [
        {
            "currency": "USD",
            "realized": "58000.00",
            "projected": "25000.00",
            "cost": "0.00",
            "net_roi": None,
            "as_of_month": "2026-01",
        }
    ]
    assert summary["pulse"]["status"] == "yellow"
    assert summary["health"]["profile"]["version"] == 1
    assert summary["signals"]["nps"]["missing_reason"] == "no_survey_answer"
    assert summary["signals"]["days_to_onboard"]["missing_reason"] == "not_reached"
    assert (summary["arr_movements"], summary["renewal_date"]) == ([], None)
    assert summary["arr"] is None
    problem(
        await client.get(f"/v1/customers/{uuid.uuid4()}/summary", headers=tenant.viewer),
        404,
    )
