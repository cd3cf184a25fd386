"""Tenant isolation of EVERY route with a path parameter, including routes added later.

Organization A gets one object of each kind, created through the API. Then every
method of every registered route that has a path parameter is called with
organization B's admin key and A's ids. The answer must be 404 (405/415/422 only
when the body could not be built from the route's own example), never 2xx and never
a body that shows A's data; and every GET of A's objects must answer exactly as
before. A route whose path parameter `PATH_VALUES` does not know makes this test
fail, so no new route can skip the check.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import fastapi.routing
import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from tests.api.conftest import Tenant
from tests.api.health_builders import profile_body
from tests.api.revenue_builders import create_revenue_records
from tests.api.value_tracking_builders import (
    create_calculation,
    create_customer,
    create_tracker,
    create_use_case,
    expect,
    put_measurement,
)
from valuecalc_api.models import Role

# Distinctive text of A's objects: none of it may appear in an answer to B.
A_SECRETS = (
    "Acme-secret-customer",
    "Acme-secret-tracker",
    "Acme-secret-use-case",
    "Acme-secret-calculation",
    "Acme-secret-note",
    "https://bi.acme.example/secret",
)
MONTH = "2026-03"


@dataclass(frozen=True)
class AObjects:
    ids: dict[str, str]


# Path parameter name -> its value for A's objects. Add a line here for a new kind.
PATH_VALUES: dict[str, Callable[[AObjects], str]] = {
    "customer_id": lambda a: a.ids["customer"],
    "tracker_id": lambda a: a.ids["tracker"],
    "use_case_id": lambda a: a.ids["use_case"],
    "calculation_id": lambda a: a.ids["calculation"],
    "key": lambda a: "reps",  # an input of A's calculation
    "month": lambda a: MONTH,  # a month with A's measurement, input change, note, evidence
    "key_id": lambda a: a.ids["api_key"],
    "note_id": lambda a: a.ids["note"],
    "evidence_id": lambda a: a.ids["evidence"],
    "tracker_chart": lambda a: "benefit-vs-cost",  # a chart of A's tracker
    "calculation_chart": lambda a: "metric-trend",  # a chart of A's calculation
    "external_id": lambda a: "acme-rev-1",  # A's movement, renewal, contract line and lead
    "currency": lambda a: "EUR",  # with `month`: A's FX rate
    "response_id": lambda a: a.ids["survey_response"],
    "touch_id": lambda a: a.ids["touch"],
    "goal_id": lambda a: a.ids["goal"],
    "milestones_id": lambda a: a.ids["milestones"],
    "usage_day_id": lambda a: a.ids["usage_day"],
    "usage_month_id": lambda a: a.ids["usage_month"],
    "seat_count_id": lambda a: a.ids["seat_count"],
    "profile_id": lambda a: a.ids["health_profile"],
    "version": lambda a: "1",  # the first version of A's health profile
    "override_id": lambda a: a.ids["health_override"],
    "reason_code_id": lambda a: a.ids["reason_code"],
}

_PARAMETER = re.compile(r"{(\w+)(?::\w+)?}")


async def _create_a(client: httpx.AsyncClient, tenant: Tenant) -> AObjects:
    """One object of each kind in organization A, through the API."""
    headers = tenant.admin
    customer = await create_customer(
        client, headers, name="Acme-secret-customer", external_id="acme-crm-1"
    )
    tracker = await create_tracker(
        client,
        headers,
        customer["id"],
        name="Acme-secret-tracker",
        one_time_fees=[{"month": "2026-01", "amount": "5000"}],
    )
    use_case = await create_use_case(client, headers, tracker["id"], name="Acme-secret-use-case")
    calculation = await create_calculation(
        client, headers, use_case["id"], name="Acme-secret-calculation"
    )
    calculation_id = calculation["id"]
    expect(await put_measurement(client, headers, calculation_id, MONTH, "158"), 201)
    expect(
        await client.put(
            f"/v1/calculations/{calculation_id}/inputs/reps/changes/{MONTH}",
            json={"value": "15"},
            headers=headers,
        ),
        201,
    )
    note = expect(
        await client.post(
            f"/v1/calculations/{calculation_id}/months/{MONTH}/notes",
            json={"text": "Acme-secret-note"},
            headers=headers,
        ),
        201,
    )
    evidence = expect(
        await client.post(
            f"/v1/calculations/{calculation_id}/months/{MONTH}/evidence",
            json={"kind": "link", "url": "https://bi.acme.example/secret"},
            headers=headers,
        ),
        201,
    )
    await create_revenue_records(client, headers, customer_external_id="acme-crm-1")
    survey_response = expect(
        await client.post(
            "/v1/survey-responses",
            json={
                "customer_external_id": "acme-crm-1",
                "external_id": "acme-nps-1",
                "respondent": "Acme-secret-customer",
                "answered_on": "2026-03-10",
                "kind": "nps",
                "score": 9,
            },
            headers=headers,
        ),
        201,
    )
    customer_ref = {"customer_external_id": "acme-crm-1"}
    touch = expect(
        await client.post(
            "/v1/touches",
            json={
                **customer_ref,
                "external_id": "acme-touch-1",
                "occurred_at": "2026-03-10T10:00:00Z",
                "channel": "call",
                "direction": "inbound",
                "author": "Acme-secret-customer",
            },
            headers=headers,
        ),
        201,
    )
    goal = expect(
        await client.post(
            "/v1/goals",
            json={
                **customer_ref,
                "external_id": "acme-goal-1",
                "title": "Acme-secret-use-case",
                "status": "planned",
            },
            headers=headers,
        ),
        201,
    )
    milestones = expect(
        await client.post(
            "/v1/onboarding-milestones",
            json={**customer_ref, "kickoff_on": "2026-01-05"},
            headers=headers,
        ),
        201,
    )
    usage_ids: dict[str, str] = {}
    for kind, row in (
        ("usage-days", {"day": "2026-03-10", "active_users": 7}),
        ("usage-months", {"month": "2026-03", "monthly_active_users": 9}),
        ("seat-counts", {"effective_on": "2026-01-01", "seats": 20}),
    ):
        expect(
            await client.post(
                f"/v1/{kind}/bulk", json={"rows": [{**customer_ref, **row}]}, headers=headers
            ),
            200,
        )
        listed = expect(await client.get(f"/v1/{kind}", headers=headers), 200)
        usage_ids[kind] = listed["items"][0]["id"]
    profile = expect(
        await client.post("/v1/health-profiles", json=profile_body(), headers=headers), 201
    )
    override = expect(
        await client.post(
            f"/v1/customers/{customer['id']}/health/overrides",
            json={"score": "30", "reason": "Acme-secret-note", "expires_on": "2999-12-31"},
            headers=headers,
        ),
        201,
    )
    reason_code = expect(
        await client.post(
            "/v1/pulse-reason-codes",
            json={"code": "acme", "kind": "risk", "label": "Acme-secret-note", "category": "x"},
            headers=headers,
        ),
        201,
    )
    keys = expect(await client.get("/v1/api-keys", headers=headers), 200)["items"]
    # Not the admin key: the snapshots use it, which may touch its own row.
    viewer_key = next(k for k in keys if k["role"] == "viewer")
    return AObjects(
        ids={
            "customer": customer["id"],
            "tracker": tracker["id"],
            "use_case": use_case["id"],
            "calculation": calculation_id,
            "api_key": viewer_key["id"],
            "note": note["id"],
            "evidence": evidence["id"],
            "survey_response": survey_response["id"],
            "touch": touch["id"],
            "goal": goal["id"],
            "milestones": milestones["id"],
            "usage_day": usage_ids["usage-days"],
            "usage_month": usage_ids["usage-months"],
            "seat_count": usage_ids["seat-counts"],
            "health_profile": profile["id"],
            "health_override": override["id"],
            "reason_code": reason_code["id"],
        }
    )


@dataclass(frozen=True)
class Call:
    method: str
    template: str
    route: Any


def routes_of(app: FastAPI) -> Iterator[tuple[str, set[str], Any]]:
    """(path, methods, route) of every registered route, through included routers too."""
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    if iterate is not None:  # FastAPI >= 0.16x wraps included routers
        for context in iterate(app.routes):
            if context.path is not None:
                yield context.path, set(context.methods or ()), context.original_route
    else:  # pragma: no cover - older FastAPI lists the routes flat
        for route in app.routes:
            yield route.path, set(getattr(route, "methods", None) or ()), route


def _calls_with_path_parameters(app: FastAPI) -> list[Call]:
    calls = []
    for path, methods, route in routes_of(app):
        if not _PARAMETER.search(path):
            continue
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            calls.append(Call(method, path, route))
    return calls


def _fill(template: str, a: AObjects) -> str:
    return _PARAMETER.sub(lambda match: PATH_VALUES[match.group(1)](a), template)


def _example_body(route: Any) -> dict[str, Any] | None:
    """The first `examples` entry of the route's body model, if it has one."""
    if not isinstance(route, APIRoute) or route.body_field is None:
        return None
    model = route.body_field.field_info.annotation
    schema_of = getattr(model, "model_json_schema", None)
    if schema_of is None:
        return None
    examples = schema_of().get("examples")
    return dict(examples[0]) if examples else None


def test_every_path_parameter_has_a_value(app: FastAPI) -> None:
    unknown = sorted(
        {
            f"{name} in {call.method} {call.template}"
            for call in _calls_with_path_parameters(app)
            for name in _PARAMETER.findall(call.template)
            if name not in PATH_VALUES
        }
    )
    if unknown:
        pytest.fail(
            "Routes with path parameters test_isolation.PATH_VALUES does not know; add "
            "them so the routes are checked for tenant isolation: " + "; ".join(unknown)
        )


async def _snapshot(
    client: httpx.AsyncClient, calls: list[Call], a: AObjects, headers: dict[str, str]
) -> dict[str, tuple[int, bytes]]:
    snapshot = {}
    for call in calls:
        if call.method == "GET":
            path = _fill(call.template, a)
            response = await client.get(path, headers=headers)
            snapshot[path] = (response.status_code, response.content)
    return snapshot


async def test_another_organization_gets_404_on_every_route(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    a = await _create_a(client, tenant)
    calls = _calls_with_path_parameters(app)
    assert calls, "no route with a path parameter found: the route walk is broken"
    known = [c for c in calls if all(n in PATH_VALUES for n in _PARAMETER.findall(c.template))]
    before = await _snapshot(client, known, a, tenant.admin)
    # A sees each of its objects (a 409 is fine: e.g. the content of a link evidence).
    assert {p: s for p, (s, _) in before.items() if s == 404 or s >= 500} == {}
    failures = []
    # Reads first, then writes, deletes last: each call still finds A's objects in place.
    order = {"GET": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}
    for call in sorted(known, key=lambda c: (order.get(c.method, 1), c.template)):
        path = _fill(call.template, a)
        body = _example_body(call.route)
        kwargs: dict[str, Any] = {}
        if call.method not in ("GET", "DELETE"):
            kwargs["json"] = body if body is not None else {}
        response = await client.request(call.method, path, headers=other_tenant.admin, **kwargs)
        allowed = (
            {404} if body is not None or call.method in ("GET", "DELETE") else {404, 405, 415, 422}
        )
        leaked = [s for s in A_SECRETS if s in response.text]
        foreign_ids = [i for i in a.ids.values() if i in response.text and i not in path]
        if response.status_code not in allowed or leaked or foreign_ids:
            failures.append((call.method, path, response.status_code, response.text[:300]))
    assert failures == []
    after = await _snapshot(client, known, a, tenant.admin)
    assert after == before


# ---- a key limited to one tracker stays inside it ----------------------------------------
#
# Organization A has a second customer with its own tracker (B-side objects below are the
# limited key's own). A key limited to that second tracker must get 403 or 404 on every
# route that names one of A's first objects, in the path or in the body, and change
# nothing there; it may not move its tracker to A's first customer nor hand out a key
# wider than itself.

_BODY_ID = re.compile(r"\w+_ids?$")


def _property_names(schema: Any, components: dict[str, Any], seen: set[str]) -> set[str]:
    """Every property name anywhere in `schema`, through `$ref`s, arrays and unions."""
    names: set[str] = set()
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                names |= _property_names(components.get(name, {}), components, seen)
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                names |= set(value)
            names |= _property_names(value, components, seen)
    elif isinstance(schema, list):
        for item in schema:
            names |= _property_names(item, components, seen)
    return names


def routes_with_ids_in_the_body(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path template) of every operation whose JSON body has an `…_id(s)` field."""
    document = app.openapi()
    components = document.get("components", {}).get("schemas", {})
    found = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                names = _property_names(media.get("schema", {}), components, set())
                if any(_BODY_ID.fullmatch(name) for name in names):
                    found.add((method.upper(), path))
    return found


def _body_id_calls(a: AObjects, own: dict[str, str]) -> dict[tuple[str, str], list[Any]]:
    """Per route with an id in the body: (path, body) calls naming A's first objects."""
    row = {"month": MONTH, "value": "1"}
    return {
        # `external_id` is the CRM's id: a limited key may create or change no customer.
        ("POST", "/v1/customers"): [("/v1/customers", {"name": "x", "external_id": "acme-crm-1"})],
        ("PATCH", "/v1/customers/{customer_id}"): [
            (f"/v1/customers/{own['customer']}", {"external_id": "acme-crm-2"})
        ],
        ("POST", "/v1/trackers"): [
            (
                "/v1/trackers",
                {
                    "customer_id": a.ids["customer"],
                    "name": "x",
                    "currency": "USD",
                    "start_month": "2026-01",
                    "end_month": "2026-12",
                },
            )
        ],
        ("PATCH", "/v1/trackers/{tracker_id}"): [
            (f"/v1/trackers/{own['tracker']}", {"customer_id": a.ids["customer"]})
        ],
        ("POST", "/v1/measurements/bulk"): [
            ("/v1/measurements/bulk", {"rows": [{**row, "calculation_id": a.ids["calculation"]}]}),
            (
                "/v1/measurements/bulk",
                {
                    "rows": [
                        {
                            **row,
                            "customer_external_id": "acme-crm-1",
                            "calculation_key": "ticket-handling",
                        }
                    ]
                },
            ),
            (
                "/v1/measurements/bulk",
                {
                    "rows": [
                        {
                            **row,
                            "customer_external_id": "acme-crm-1",
                            "calculation_key": "ticket-handling",
                            "tracker_id": a.ids["tracker"],
                        }
                    ]
                },
            ),
        ],
        ("POST", "/v1/trackers/{tracker_id}/measurements/bulk"): [
            (
                f"/v1/trackers/{own['tracker']}/measurements/bulk",
                {"rows": [{**row, "calculation_id": a.ids["calculation"]}]},
            )
        ],
        ("POST", "/v1/trackers/{tracker_id}/input-changes/bulk"): [
            (
                f"/v1/trackers/{own['tracker']}/input-changes/bulk",
                {"rows": [{**row, "calculation_id": a.ids["calculation"], "input_key": "reps"}]},
            )
        ],
        ("POST", "/v1/api-keys"): [
            ("/v1/api-keys", {"name": "wider", "role": "admin", "tracker_ids": None}),
            (
                "/v1/api-keys",
                {"name": "other", "role": "viewer", "tracker_ids": [a.ids["tracker"]]},
            ),
        ],
    }


def _customer_row_calls(
    app: FastAPI, a: AObjects, own: dict[str, str]
) -> dict[tuple[str, str], list[Any]]:
    """Routes whose rows address a customer (revenue ledger, signals): each documented request
    example, every customer reference in it pointed at A's customer (by id and by CRM id)."""

    def aimed(node: Any) -> Any:
        if isinstance(node, dict):
            out = {key: aimed(value) for key, value in node.items()}
            if "customer_id" in out:
                out["customer_id"] = a.ids["customer"]
            if "customer_external_id" in out:
                out["customer_external_id"] = "acme-crm-1"
            return out
        if isinstance(node, list):
            return [aimed(item) for item in node]
        return node

    calls: dict[tuple[str, str], list[Any]] = {}
    document = app.openapi()
    for template, operations in document["paths"].items():
        if template.startswith(("/v1/customers", "/v1/trackers", "/v1/api-keys")):
            continue
        for method, operation in operations.items():
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if media is None:
                continue
            examples = [e["value"] for e in media.get("examples", {}).values() if "value" in e]
            if "example" in media:
                examples.append(media["example"])
            ref = media.get("schema", {}).get("$ref", "")
            if not examples and ref:
                component = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
                examples = list(component.get("examples", []))
            path = template.replace("{external_id}", "iso-1")
            path = path.replace("{customer_id}", own["customer"])
            bodies = [aimed(example) for example in examples]
            if any("acme-crm-1" in str(b) or a.ids["customer"] in str(b) for b in bodies):
                calls[(method.upper(), template)] = [(path, body) for body in bodies]
    return calls


def test_every_route_with_an_id_in_the_body_is_walked(app: FastAPI) -> None:
    dummy = AObjects(ids=dict.fromkeys(("customer", "tracker", "calculation"), "x"))
    walked = set(_body_id_calls(dummy, {"customer": "x", "tracker": "x"}))
    walked |= set(_customer_row_calls(app, dummy, {"customer": "x", "tracker": "x"}))
    missing = routes_with_ids_in_the_body(app) - walked
    assert not missing, (
        "Routes with an id in the body that the limited-key walk does not call; add them to "
        f"_body_id_calls: {sorted(missing)}"
    )


async def test_a_tracker_limited_key_stays_inside_its_tracker(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    a = await _create_a(client, tenant)
    own_customer = await create_customer(client, tenant.admin, name="Own", external_id="own-1")
    own_tracker = await create_tracker(client, tenant.admin, own_customer["id"], name="Own")
    own = {"customer": own_customer["id"], "tracker": own_tracker["id"]}
    limited_admin = await tenant.key(Role.admin, tracker_ids=[uuid.UUID(own["tracker"])])
    limited_editor = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(own["tracker"])])

    calls = [
        c
        for c in _calls_with_path_parameters(app)
        if all(n in PATH_VALUES for n in _PARAMETER.findall(c.template))
        and _PARAMETER.findall(c.template) != ["key_id"]
        # FX rates are the organization's reference data, no customer's revenue: every key
        # of the organization reads them (the other-organization walk still covers them).
        and not (c.template.startswith("/v1/revenue/fx-rates") and c.method == "GET")
        # Health profiles are the organization's scoring setup, no customer's data: every
        # key reads them (changing one needs a key for the whole organization).
        and not (c.template.startswith("/v1/health-profiles") and c.method == "GET")
    ]
    before = await _snapshot(client, calls, a, tenant.admin)
    own_before = expect(
        await client.get(f"/v1/trackers/{own['tracker']}", headers=tenant.admin), 200
    )
    failures = []
    order = {"GET": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}
    for call in sorted(calls, key=lambda c: (order.get(c.method, 1), c.template)):
        path = _fill(call.template, a)
        body = _example_body(call.route)
        kwargs: dict[str, Any] = {}
        if call.method not in ("GET", "DELETE"):
            kwargs["json"] = body if body is not None else {}
        for headers in (limited_admin, limited_editor):
            response = await client.request(call.method, path, headers=headers, **kwargs)
            allowed = (
                {403, 404}
                if body is not None or call.method in ("GET", "DELETE")
                else {403, 404, 405, 415, 422}
            )
            leaked = [s for s in A_SECRETS if s in response.text]
            if response.status_code not in allowed or leaked:
                failures.append((call.method, path, response.status_code, response.text[:300]))
    body_calls = {**_body_id_calls(a, own), **_customer_row_calls(app, a, own)}
    for (method, _), requests in body_calls.items():
        for path, body in requests:
            for headers in (limited_admin, limited_editor):
                response = await client.request(method, path, json=body, headers=headers)
                leaked = [s for s in A_SECRETS if s in response.text]
                if not 400 <= response.status_code < 500 or leaked:
                    failures.append((method, path, response.status_code, response.text[:300]))
    assert failures == []
    assert await _snapshot(client, calls, a, tenant.admin) == before
    own_after = expect(
        await client.get(f"/v1/trackers/{own['tracker']}", headers=tenant.admin), 200
    )
    assert own_after == own_before
    keys = expect(await client.get("/v1/api-keys", headers=tenant.admin), 200)["items"]
    assert not [k for k in keys if k["name"] in {"wider", "other"}]
