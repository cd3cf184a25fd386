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
from tests.api.value_tracking_builders import (
    create_calculation,
    create_customer,
    create_tracker,
    create_use_case,
    expect,
    put_measurement,
)

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
