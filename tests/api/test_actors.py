"""The actor (SPEC 6): the person a call acts for, named in `Valuecalc-Actor`.

Every write route records the actor on the audit events it writes (and notes and
evidence show it as their author); a key may require an actor; history filters by
actor; a bad header is a 422 that changes nothing; the actor never widens a key's
access; an idempotent retry that names another actor is another request.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.actor_walk_steps import REVENUE_WALK, SIGNAL_WALK, Step, Walk
from tests.api.conftest import Tenant, bearer
from tests.api.health_builders import profile_body
from tests.api.test_isolation import routes_of
from tests.api.value_tracking_builders import (
    SUPPORT_CALCULATION,
    create_calculation,
    create_customer,
    create_graph,
    create_tracker,
    create_use_case,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.models import AuditEvent, Note, Role

DANA = {"Valuecalc-Actor": "u_dana", "Valuecalc-Actor-Name": "Dana Reyes"}
JOSE = {
    "Valuecalc-Actor": "jose@northwind.example",
    "Valuecalc-Actor-Name": "Jos%C3%A9%20Mart%C3%ADn",
}
MONTH = "2026-03"


def as_dana(tenant: Tenant) -> dict[str, str]:
    return {**tenant.admin, **DANA}


async def events_after(session: AsyncSession, seq: int) -> list[AuditEvent]:
    await session.rollback()
    rows = await session.scalars(select(AuditEvent).where(AuditEvent.seq > seq))
    return list(rows.all())


async def last_seq(session: AsyncSession) -> int:
    await session.rollback()
    return int(await session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0))) or 0)


# --- walking every write route -------------------------------------------------------


# Customers and API keys have no audit trail (SPEC 6 audits value-tracking data).
UNAUDITED = {
    ("POST", "/v1/customers"),
    ("PATCH", "/v1/customers/{customer_id}"),
    ("DELETE", "/v1/customers/{customer_id}"),
    ("POST", "/v1/api-keys"),
    ("PATCH", "/v1/api-keys/{key_id}"),
    ("DELETE", "/v1/api-keys/{key_id}"),
}


def _csv(customer_external_id: str) -> bytes:
    return (
        "customer_external_id,calculation_key,month,value\r\n"
        f"{customer_external_id},ticket-handling,2026-05,140\r\n"
    ).encode()


async def _create_customer(w: Walk) -> dict[str, Any] | None:
    body = await w.call(
        "POST", "/v1/customers", 201, json={"name": "Northwind", "external_id": "crm-7"}
    )
    assert body is not None
    w.ids["customer"] = body["id"]
    return body


async def _create_tracker(w: Walk) -> dict[str, Any] | None:
    body = await w.call(
        "POST",
        "/v1/trackers",
        201,
        json={
            "customer_id": w.ids["customer"],
            "name": "Support automation 2026",
            "currency": "USD",
            "start_month": "2026-01",
            "end_month": "2026-12",
        },
    )
    assert body is not None
    w.ids["tracker"] = body["id"]
    return body


async def _create_use_case(w: Walk) -> dict[str, Any] | None:
    body = await w.call(
        "POST",
        f"/v1/trackers/{w.ids['tracker']}/use-cases",
        201,
        json={"name": "Faster ticket handling", "status": "active"},
    )
    assert body is not None
    w.ids["use_case"] = body["id"]
    return body


async def _create_calculation(w: Walk) -> dict[str, Any] | None:
    body = await w.call(
        "POST", f"/v1/use-cases/{w.ids['use_case']}/calculations", 201, json=SUPPORT_CALCULATION
    )
    assert body is not None
    w.ids["calculation"] = body["id"]
    return body


async def _create_note(w: Walk) -> dict[str, Any] | None:
    body = await w.call(
        "POST",
        f"/v1/calculations/{w.ids['calculation']}/months/{MONTH}/notes",
        201,
        json={"text": "Confirmed with the support lead."},
    )
    assert body is not None
    assert (body["author"]["id"], body["author"]["name"]) == ("u_dana", "Dana Reyes")
    w.ids["note"] = body["id"]
    return body


async def _create_evidence(w: Walk) -> dict[str, Any] | None:
    body = await w.call(
        "POST",
        f"/v1/calculations/{w.ids['calculation']}/months/{MONTH}/evidence",
        201,
        json={"kind": "link", "url": "https://bi.example/d/42"},
    )
    assert body is not None
    assert (body["author"]["id"], body["author"]["name"]) == ("u_dana", "Dana Reyes")
    w.ids["evidence"] = body["id"]
    return body


async def _create_api_key(w: Walk) -> dict[str, Any] | None:
    body = await w.call("POST", "/v1/api-keys", 201, json={"name": "Frontend", "role": "viewer"})
    assert body is not None
    w.ids["key"] = body["id"]
    return body


async def _edit_note(w: Walk) -> dict[str, Any] | None:
    body = await w.call("PATCH", f"/v1/notes/{w.ids['note']}", 200, json={"text": "Edited."})
    assert body is not None
    assert body["updated_by"]["id"] == "u_dana"
    return body


def _calc(w: Walk) -> str:
    return f"/v1/calculations/{w.ids['calculation']}"


async def _delete_calculation(w: Walk) -> dict[str, Any] | None:
    for month in ("2026-01", "2026-02", "2026-05"):  # written by the bulk steps
        await w.call("DELETE", f"{_calc(w)}/measurements/{month}", 204)
    return await w.call("DELETE", _calc(w), 204, headers={"If-Match": "*"})


async def _create_health_profile(w: Walk) -> dict[str, Any] | None:
    body = await w.call("POST", "/v1/health-profiles", 201, json=profile_body())
    assert body is not None
    w.ids["health_profile"] = body["id"]
    return body


async def _create_reason_code(w: Walk) -> dict[str, Any] | None:
    json = {"code": "champion", "kind": "success", "label": "Champion", "category": "People"}
    body = await w.call("POST", "/v1/pulse-reason-codes", 201, json=json)
    assert body is not None
    w.ids["reason_code"] = body["id"]
    return body


async def _record_pulse(w: Walk) -> dict[str, Any] | None:
    json = {"status": "green", "reason_codes": ["champion"], "recorded_on": "2026-03-01"}
    body = await w.call("POST", f"/v1/customers/{w.ids['customer']}/pulses", 201, json=json)
    assert body is not None
    assert (body["author"]["id"], body["author"]["name"]) == ("u_dana", "Dana Reyes")
    return body


async def _override_health(w: Walk) -> dict[str, Any] | None:
    json = {"score": "30", "reason": "Sponsor left", "expires_on": "2999-12-31"}
    path = f"/v1/customers/{w.ids['customer']}/health/overrides"
    body = await w.call("POST", path, 201, json=json)
    assert body is not None
    assert (body["author"]["id"], body["author"]["name"]) == ("u_dana", "Dana Reyes")
    w.ids["health_override"] = body["id"]
    return body


async def _end_override(w: Walk) -> dict[str, Any] | None:
    path = f"/v1/customers/{w.ids['customer']}/health/overrides/{w.ids['health_override']}/end"
    body = await w.call("POST", path, 200)
    assert body is not None
    assert body["ended_by"]["id"] == "u_dana"
    return body


HEALTH_WALK: list[tuple[str, str, Step]] = [
    ("POST", "/v1/health-profiles", _create_health_profile),
    (
        "PUT",
        "/v1/health-profiles/{profile_id}",
        lambda w: w.call(
            "PUT",
            f"/v1/health-profiles/{w.ids['health_profile']}",
            200,
            json=profile_body(bands={"yellow_from": "50", "green_from": "75"}),
        ),
    ),
    ("POST", "/v1/pulse-reason-codes", _create_reason_code),
    ("POST", "/v1/customers/{customer_id}/pulses", _record_pulse),
    (
        "PATCH",
        "/v1/pulse-reason-codes/{reason_code_id}",
        lambda w: w.call(
            "PATCH", f"/v1/pulse-reason-codes/{w.ids['reason_code']}", 200, json={"active": False}
        ),
    ),
    ("POST", "/v1/customers/{customer_id}/health/overrides", _override_health),
    (
        "POST",
        "/v1/customers/{customer_id}/health/overrides/{override_id}/end",
        _end_override,
    ),
]

# In order: each step may use what an earlier one created. (method, route, step)
WRITE_WALK: list[tuple[str, str, Step]] = [
    ("POST", "/v1/customers", _create_customer),
    (
        "PATCH",
        "/v1/customers/{customer_id}",
        lambda w: w.call(
            "PATCH", f"/v1/customers/{w.ids['customer']}", 200, json={"segment": "smb"}
        ),
    ),
    ("POST", "/v1/trackers", _create_tracker),
    (
        "PATCH",
        "/v1/trackers/{tracker_id}",
        lambda w: w.call(
            "PATCH", f"/v1/trackers/{w.ids['tracker']}", 200, json={"name": "Support 2026"}
        ),
    ),
    ("POST", "/v1/trackers/{tracker_id}/use-cases", _create_use_case),
    (
        "PATCH",
        "/v1/use-cases/{use_case_id}",
        lambda w: w.call(
            "PATCH", f"/v1/use-cases/{w.ids['use_case']}", 200, json={"name": "Faster handling"}
        ),
    ),
    ("POST", "/v1/use-cases/{use_case_id}/calculations", _create_calculation),
    (
        "PATCH",
        "/v1/calculations/{calculation_id}",
        lambda w: w.call("PATCH", _calc(w), 200, json={"name": "Support savings"}),
    ),
    (
        "PUT",
        "/v1/calculations/{calculation_id}/measurements/{month}",
        lambda w: w.call("PUT", f"{_calc(w)}/measurements/{MONTH}", 201, json={"value": "158"}),
    ),
    (
        "DELETE",
        "/v1/calculations/{calculation_id}/measurements/{month}",
        lambda w: w.call("DELETE", f"{_calc(w)}/measurements/{MONTH}", 204),
    ),
    (
        "PUT",
        "/v1/calculations/{calculation_id}/inputs/{key}/changes/{month}",
        lambda w: w.call(
            "PUT", f"{_calc(w)}/inputs/reps/changes/{MONTH}", 201, json={"value": "15"}
        ),
    ),
    (
        "DELETE",
        "/v1/calculations/{calculation_id}/inputs/{key}/changes/{month}",
        lambda w: w.call("DELETE", f"{_calc(w)}/inputs/reps/changes/{MONTH}", 204),
    ),
    (
        "POST",
        "/v1/trackers/{tracker_id}/measurements/bulk",
        lambda w: w.call(
            "POST",
            f"/v1/trackers/{w.ids['tracker']}/measurements/bulk",
            200,
            json={
                "rows": [
                    {"calculation_id": w.ids["calculation"], "month": "2026-01", "value": "121"}
                ]
            },
        ),
    ),
    (
        "POST",
        "/v1/measurements/bulk",
        lambda w: w.call(
            "POST",
            "/v1/measurements/bulk",
            200,
            json={
                "rows": [
                    {
                        "customer_external_id": "crm-7",
                        "calculation_key": "ticket-handling",
                        "month": "2026-02",
                        "value": "130",
                    }
                ]
            },
        ),
    ),
    (
        "POST",
        "/v1/trackers/{tracker_id}/input-changes/bulk",
        lambda w: w.call(
            "POST",
            f"/v1/trackers/{w.ids['tracker']}/input-changes/bulk",
            200,
            json={
                "rows": [
                    {
                        "calculation_id": w.ids["calculation"],
                        "input_key": "reps",
                        "month": "2026-06",
                        "value": "15",
                    }
                ]
            },
        ),
    ),
    (
        "POST",
        "/v1/trackers/{tracker_id}/measurements/import",
        lambda w: w.call(
            "POST",
            f"/v1/trackers/{w.ids['tracker']}/measurements/import",
            200,
            content=_csv("crm-7"),
            headers={"Content-Type": "text/csv"},
        ),
    ),
    ("POST", "/v1/calculations/{calculation_id}/months/{month}/notes", _create_note),
    (
        "PATCH",
        "/v1/notes/{note_id}",
        _edit_note,
    ),
    (
        "DELETE",
        "/v1/notes/{note_id}",
        lambda w: w.call("DELETE", f"/v1/notes/{w.ids['note']}", 204),
    ),
    ("POST", "/v1/calculations/{calculation_id}/months/{month}/evidence", _create_evidence),
    (
        "DELETE",
        "/v1/evidence/{evidence_id}",
        lambda w: w.call("DELETE", f"/v1/evidence/{w.ids['evidence']}", 204),
    ),
    (
        "PUT",
        "/v1/trackers/{tracker_id}/lock",
        lambda w: w.call(
            "PUT", f"/v1/trackers/{w.ids['tracker']}/lock", 200, json={"through": "2026-01"}
        ),
    ),
    (
        "DELETE",
        "/v1/trackers/{tracker_id}/lock",
        lambda w: w.call("DELETE", f"/v1/trackers/{w.ids['tracker']}/lock", 204),
    ),
    ("DELETE", "/v1/calculations/{calculation_id}", _delete_calculation),
    (
        "DELETE",
        "/v1/use-cases/{use_case_id}",
        lambda w: w.call("DELETE", f"/v1/use-cases/{w.ids['use_case']}", 204),
    ),
    (
        "DELETE",
        "/v1/trackers/{tracker_id}",
        lambda w: w.call(
            "DELETE", f"/v1/trackers/{w.ids['tracker']}", 204, headers={"If-Match": "*"}
        ),
    ),
    *HEALTH_WALK,
    (
        "DELETE",
        "/v1/customers/{customer_id}",
        lambda w: w.call("DELETE", f"/v1/customers/{w.ids['customer']}", 204),
    ),
    ("POST", "/v1/api-keys", _create_api_key),
    (
        "PATCH",
        "/v1/api-keys/{key_id}",
        lambda w: w.call(
            "PATCH", f"/v1/api-keys/{w.ids['key']}", 200, json={"requires_actor": True}
        ),
    ),
    (
        "DELETE",
        "/v1/api-keys/{key_id}",
        lambda w: w.call("DELETE", f"/v1/api-keys/{w.ids['key']}", 200),
    ),
    *REVENUE_WALK,
    *SIGNAL_WALK,
]

_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def test_the_walk_covers_every_write_route(app: FastAPI) -> None:
    """A new write route must join `WRITE_WALK`, so its audit events are checked too."""
    routes = {
        # A path convertor (`{external_id:ledger_record_id}`) is not part of the template.
        (method, re.sub(r"{(\w+):\w+}", r"{\1}", path))
        for path, methods, _ in routes_of(app)
        if path.startswith("/v1/")
        for method in methods & _WRITE_METHODS
    }
    walked = {(method, path) for method, path, _ in WRITE_WALK}
    assert routes - walked == set(), "add these write routes to WRITE_WALK"
    assert walked - routes == set()


async def test_every_write_route_records_the_actor_on_its_audit_events(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    walk = Walk(client, as_dana(tenant), {})
    for method, route, step in WRITE_WALK:
        before = await last_seq(session)
        body = await step(walk)
        events = await events_after(session, before)
        if body is not None and "rows" in body:  # a bulk write: an event per changed row
            changed = {r["id"] for r in body["rows"] if r["status"] != "unchanged"}
            assert changed <= {str(e.entity_id) for e in events}, (method, route)
        elif body is not None and "id" in body and (method, route) not in UNAUDITED:
            assert body["id"] in {str(e.entity_id) for e in events}, (method, route)
        if (method, route) in UNAUDITED:
            assert events == [], (method, route)
            continue
        assert events, f"{method} {route} wrote no audit event"
        assert {(e.actor_id, e.actor_name) for e in events} == {("u_dana", "Dana Reyes")}, (
            method,
            route,
        )
        assert {e.actor_key_id for e in events} == {await key_id(client, tenant)}


async def key_id(client: httpx.AsyncClient, tenant: Tenant, role: str = "admin") -> uuid.UUID:
    keys = expect(await client.get("/v1/api-keys", headers=tenant.admin), 200)["items"]
    return uuid.UUID(next(k["id"] for k in keys if k["role"] == role))


async def test_notes_and_evidence_show_their_author_and_editor(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    base = f"/v1/calculations/{graph.calculation_id}/months/{MONTH}"
    admin_key = await key_id(client, tenant)
    editor_key = await key_id(client, tenant, "editor")
    keys = {
        k["id"]: k["prefix"]
        for k in expect(await client.get("/v1/api-keys", headers=tenant.admin), 200)["items"]
    }

    note = expect(
        await client.post(f"{base}/notes", json={"text": "From Zendesk."}, headers=as_dana(tenant)),
        201,
    )
    assert note["author"] == {
        "id": "u_dana",
        "name": "Dana Reyes",
        "key_id": str(admin_key),
        "key_prefix": keys[str(admin_key)],
    }
    assert note["updated_by"] is None
    edited = expect(
        await client.patch(
            f"/v1/notes/{note['id']}",
            json={"text": "From Zendesk Explore."},
            headers={**tenant.editor, **JOSE},
        ),
        200,
    )
    assert edited["author"]["id"] == "u_dana"  # the author stays
    assert edited["updated_by"] == {
        "id": "jose@northwind.example",
        "name": "José Martín",
        "key_id": str(editor_key),
        "key_prefix": keys[str(editor_key)],
    }
    listed = expect(await client.get(f"{base}/notes", headers=tenant.viewer), 200)["items"]
    assert listed == [edited]

    evidence = expect(
        await client.post(
            f"{base}/evidence",
            json={"kind": "pasted", "text": "week,tickets\n1,152"},
            headers={**tenant.editor, **JOSE},
        ),
        201,
    )
    assert evidence["author"]["id"] == "jose@northwind.example"
    assert evidence["author"]["name"] == "José Martín"
    assert evidence["author"]["key_id"] == str(editor_key)
    fetched = expect(await client.get(f"/v1/evidence/{evidence['id']}", headers=tenant.viewer), 200)
    assert fetched["author"] == evidence["author"]

    # Without an actor the author is the key alone.
    keyless = expect(
        await client.post(f"{base}/notes", json={"text": "x"}, headers=tenant.editor), 201
    )
    assert keyless["author"] == {
        "id": None,
        "name": None,
        "key_id": str(editor_key),
        "key_prefix": keys[str(editor_key)],
    }
    await session.rollback()
    stored = await session.get(Note, uuid.UUID(note["id"]))
    assert stored is not None
    assert (stored.actor_id, stored.updated_by_actor_id) == ("u_dana", "jose@northwind.example")


async def test_history_shows_the_actor_and_filters_by_it(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    tracker = graph.tracker["id"]
    expect(await put_measurement(client, as_dana(tenant), calc, "2026-01", "121"), 201)
    expect(await put_measurement(client, {**tenant.editor, **JOSE}, calc, "2026-01", "125"), 200)
    expect(await put_measurement(client, {**tenant.editor, **JOSE}, calc, "2026-02", "130"), 201)
    expect(await put_measurement(client, as_dana(tenant), calc, "2026-02", "131"), 200)
    expect(await put_measurement(client, tenant.editor, calc, "2026-03", "140"), 201)

    history = f"/v1/trackers/{tracker}/history"
    everything = expect(await client.get(history, headers=tenant.viewer), 200)["items"]
    by_dana = expect(
        await client.get(history, params={"actor": "u_dana"}, headers=tenant.viewer), 200
    )["items"]
    by_jose = expect(
        await client.get(
            history, params={"actor": "jose@northwind.example"}, headers=tenant.viewer
        ),
        200,
    )["items"]
    # The tracker, use case and calculation were made without an actor, as was March.
    assert [e["actor"]["id"] for e in everything].count(None) == 4
    assert [(e["month"], e["after"]["value"]) for e in by_dana] == [
        ("2026-02", "131"),
        ("2026-01", "121"),
    ]
    assert [(e["month"], e["after"]["value"]) for e in by_jose] == [
        ("2026-02", "130"),
        ("2026-01", "125"),
    ]
    assert {e["actor"]["name"] for e in by_jose} == {"José Martín"}
    assert {e["id"] for e in everything if e["actor"]["id"] == "u_dana"} == {
        e["id"] for e in by_dana
    }
    nobody = expect(
        await client.get(history, params={"actor": "u_nobody"}, headers=tenant.viewer), 200
    )
    assert nobody["items"] == []

    month_history = f"/v1/calculations/{calc}/measurements/2026-01/history"
    january = expect(
        await client.get(month_history, params={"actor": "u_dana"}, headers=tenant.viewer), 200
    )["items"]
    assert [(e["action"], e["after"]["value"], e["actor"]["id"]) for e in january] == [
        ("create", "121", "u_dana")
    ]
    bad = await client.get(history, params={"actor": "a\tb"}, headers=tenant.viewer)
    # A control character in any query parameter is refused before the route (issue 11).
    assert [item["field"] for item in problem(bad, 422, "control-character")["errors"]] == [
        "query.actor"
    ]


# --- bad headers ----------------------------------------------------------------------

BAD_HEADERS: list[tuple[dict[str, str], str, str]] = [
    ({"Valuecalc-Actor": ""}, "header.valuecalc-actor", "invalid_actor"),
    ({"Valuecalc-Actor": "x" * 201}, "header.valuecalc-actor", "invalid_actor"),
    ({"Valuecalc-Actor": "u_1\x7f"}, "header.valuecalc-actor", "invalid_actor"),
    ({"Valuecalc-Actor-Name": "Dana"}, "header.valuecalc-actor-name", "actor_name_without_id"),
    (
        {"Valuecalc-Actor": "u_1", "Valuecalc-Actor-Name": "%FF"},
        "header.valuecalc-actor-name",
        "invalid_actor_name",
    ),
    (
        {"Valuecalc-Actor": "u_1", "Valuecalc-Actor-Name": "a%0Ab"},
        "header.valuecalc-actor-name",
        "invalid_actor_name",
    ),
    (
        {"Valuecalc-Actor": "u_1", "Valuecalc-Actor-Name": "%20"},
        "header.valuecalc-actor-name",
        "invalid_actor_name",
    ),
]


@pytest.mark.parametrize(("bad", "field", "code"), BAD_HEADERS)
async def test_a_bad_actor_header_is_a_422_naming_it_and_changes_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    tenant: Tenant,
    bad: dict[str, str],
    field: str,
    code: str,
) -> None:
    graph = await create_graph(client, tenant.admin)
    before = await last_seq(session)
    response = await client.post(
        f"/v1/calculations/{graph.calculation_id}/months/{MONTH}/notes",
        json={"text": "x"},
        headers={**tenant.editor, **bad},
    )
    body = problem(response, 422, "validation-error")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, code)]
    assert await events_after(session, before) == []
    assert await session.scalar(select(func.count()).select_from(Note)) == 0


async def test_raw_non_ascii_and_repeated_headers_are_refused(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    url = f"/v1/trackers/{graph.tracker['id']}/measurements/bulk"
    rows = {"rows": [{"calculation_id": graph.calculation_id, "month": "2026-01", "value": "1"}]}
    before = await last_seq(session)
    raw = [
        (b"authorization", tenant.editor["Authorization"].encode()),
        (b"valuecalc-actor", b"u_1"),
        (b"valuecalc-actor-name", "José".encode()),
    ]
    response = await client.post(url, json=rows, headers=raw)
    assert problem(response, 422)["errors"][0]["field"] == "header.valuecalc-actor-name"
    twice = [
        (b"authorization", tenant.editor["Authorization"].encode()),
        (b"valuecalc-actor", b"u_1"),
        (b"valuecalc-actor", b"u_2"),
    ]
    response = await client.post(url, json=rows, headers=twice)
    assert problem(response, 422)["errors"][0]["code"] == "repeated_header"
    assert await events_after(session, before) == []


# --- keys that require an actor; the actor never widens access ----------------------


async def test_a_key_requiring_an_actor_refuses_calls_without_one(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    created = expect(
        await client.post(
            "/v1/api-keys",
            json={"name": "CS frontend", "role": "editor", "requires_actor": True},
            headers=tenant.admin,
        ),
        201,
    )
    assert created["requires_actor"] is True
    frontend = bearer(created["secret"])
    notes_url = f"/v1/calculations/{graph.calculation_id}/months/{MONTH}/notes"
    before = await last_seq(session)

    refused = problem(
        await client.post(notes_url, json={"text": "x"}, headers=frontend), 422, "actor-required"
    )
    assert refused["errors"][0]["field"] == "header.valuecalc-actor"
    assert "Valuecalc-Actor" in refused["detail"]
    problem(await client.get(notes_url, headers=frontend), 422, "actor-required")
    # The report (its cached read included) asks for the actor too.
    report = f"/v1/trackers/{graph.tracker['id']}/report"
    expect(await client.get(report, headers={**frontend, **DANA}), 200)
    problem(await client.get(report, headers=frontend), 422, "actor-required")
    assert await events_after(session, before) == []

    expect(await client.post(notes_url, json={"text": "x"}, headers={**frontend, **DANA}), 201)

    # An admin lifts the requirement; the next call without an actor goes through.
    lifted = expect(
        await client.patch(
            f"/v1/api-keys/{created['id']}", json={"requires_actor": False}, headers=tenant.admin
        ),
        200,
    )
    assert lifted["requires_actor"] is False
    assert lifted["role"] == "editor"
    expect(await client.post(notes_url, json={"text": "y"}, headers=frontend), 201)
    # Only an admin changes it.
    problem(
        await client.patch(
            f"/v1/api-keys/{created['id']}", json={"requires_actor": True}, headers=frontend
        ),
        403,
    )


async def test_the_actor_never_widens_what_a_key_may_do(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    other = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    before = await last_seq(session)
    # A viewer acting for anyone stays a viewer.
    problem(await put_measurement(client, {**tenant.viewer, **DANA}, calc, "2026-01", "1"), 403)
    # An editor acting for anyone cannot do an admin's work.
    problem(
        await client.put(
            f"/v1/trackers/{graph.tracker['id']}/lock",
            json={"through": "2026-01"},
            headers={**tenant.editor, **DANA},
        ),
        403,
    )
    problem(await client.get("/v1/api-keys", headers={**tenant.editor, **DANA}), 403)
    # A tracker-limited key acting for someone still sees only its trackers.
    limited = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(graph.tracker["id"])])
    problem(
        await put_measurement(client, {**limited, **DANA}, other.calculation_id, "2026-01", "1"),
        404,
    )
    problem(
        await client.get(f"/v1/trackers/{other.tracker['id']}", headers={**limited, **DANA}), 404
    )
    assert await events_after(session, before) == []
    expect(await put_measurement(client, {**limited, **DANA}, calc, "2026-01", "1"), 201)


# --- idempotency ----------------------------------------------------------------------


async def test_a_retry_naming_another_actor_is_a_key_reuse_and_the_same_actor_a_replay(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    url = f"/v1/calculations/{graph.calculation_id}/months/{MONTH}/notes"
    key = {"Idempotency-Key": "note-1"}
    first = await client.post(url, json={"text": "x"}, headers={**tenant.editor, **DANA, **key})
    created = expect(first, 201)

    replay = await client.post(url, json={"text": "x"}, headers={**tenant.editor, **DANA, **key})
    assert expect(replay, 201) == created
    assert replay.headers["idempotent-replayed"] == "true"

    for someone_else in (JOSE, {"Valuecalc-Actor": "u_dana"}, {}):
        reused = await client.post(
            url, json={"text": "x"}, headers={**tenant.editor, **someone_else, **key}
        )
        assert "Valuecalc-Actor" in problem(reused, 422, "idempotency-key-reused")["detail"]
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(Note)) == 1


async def test_a_csv_import_records_the_actor_on_each_event(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    customer = await create_customer(client, tenant.admin, external_id="crm-9")
    tracker = await create_tracker(client, tenant.admin, customer["id"])
    use_case = await create_use_case(client, tenant.admin, tracker["id"])
    await create_calculation(client, tenant.admin, use_case["id"])
    content = "customer_external_id,calculation_key,month,value\r\n" + "".join(
        f"crm-9,ticket-handling,2026-{m:02d},{100 + m}\r\n" for m in range(1, 13)
    )
    before = await last_seq(session)
    response = await client.post(
        f"/v1/trackers/{tracker['id']}/measurements/import",
        content=content.encode(),
        headers={**tenant.editor, **JOSE, "Content-Type": "text/csv"},
    )
    assert expect(response, 200)["counts"]["created"] == 12
    events = await events_after(session, before)
    assert len(events) == 12
    assert {(e.actor_id, e.actor_name) for e in events} == {
        ("jose@northwind.example", "José Martín")
    }


def test_actor_ids_and_names_in_the_contract(app: FastAPI) -> None:
    document = app.openapi()
    parameters = document["components"]["parameters"]
    assert {"ValuecalcActor", "ValuecalcActorName"} <= set(parameters)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not operation.get("security"):
                continue
            refs = {p.get("$ref") for p in operation.get("parameters", [])}
            assert "#/components/parameters/ValuecalcActor" in refs, (method, path)
            assert "actor-required" in str(operation["responses"]["422"]), (method, path)


async def test_a_reporting_currency_change_is_an_audit_event_naming_the_actor(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    """Every converted revenue figure follows the reporting currency: who changed it, from
    what to what, is kept like the signal settings' changes (SPEC 6)."""
    before = await last_seq(session)
    for currency in ("USD", "EUR"):
        expect(
            await client.put(
                "/v1/revenue/settings",
                json={"reporting_currency": currency},
                headers={**tenant.editor, **JOSE},
            ),
            200,
        )
    events = sorted(await events_after(session, before), key=lambda e: e.seq)
    assert [
        (e.entity_type, e.entity_id, e.action, e.before, e.after, e.actor_id) for e in events
    ] == [
        (
            "revenue_settings",
            tenant.organization_id,
            "update",
            {"reporting_currency": old},
            {"reporting_currency": new},
            "jose@northwind.example",
        )
        for old, new in ((None, "USD"), ("USD", "EUR"))
    ]


async def test_history_actor_filter_and_key_flags_refuse_what_the_contract_refuses(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Found by `make fuzz`: a non-ASCII ?actor= and `requires_actor: 0` are outside the
    contract and answer 422, like every other value the contract does not allow."""
    graph = await create_graph(client, tenant.editor)
    history = f"/v1/trackers/{graph.tracker['id']}/history"
    bad = await client.get(history, params={"actor": "da\u00f1a"}, headers=tenant.viewer)
    assert bad.status_code == 422
    created = await client.post(
        "/v1/api-keys",
        json={"name": "x", "role": "viewer", "requires_actor": 0},
        headers=tenant.admin,
    )
    assert created.status_code == 422
