"""The cached-report fast path (`middleware.report_fast_path`) answers exactly as the route.

A plain `GET /v1/trackers/{id}/report` that hits the cache is answered before routing;
these tests show it gives the same bytes and headers (rate-limit headers included), and
that every refusal (revoked key, another organization, a tracker-limited key) and every
unusual request still gets the route's own answer. `?format=json` names the same report
as no query, but always goes through the route: it is the reference here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from tests.api.conftest import Tenant
from tests.api.test_value_examples_http import v1_graph
from tests.api.value_tracking_builders import create_graph, expect, problem
from valuecalc_api.models import Role
from valuecalc_api.rate_limits.shared import SharedRateLimiter
from valuecalc_api.reports import serving


@pytest.fixture
def route_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the requests that reached the report route's cache lookup."""
    calls: list[str] = []
    original = serving.respond

    async def counting(request: Request, *args: Any, **kwargs: Any) -> Response:
        calls.append(str(request.url.path) + ("?" + request.url.query if request.url.query else ""))
        return await original(request, *args, **kwargs)

    monkeypatch.setattr(serving, "respond", counting)
    return calls


@pytest.fixture
def rate_limited(app: FastAPI) -> Iterator[None]:
    previous = app.state.rate_limiter
    app.state.rate_limiter = SharedRateLimiter(app.state.engine, 1000)
    yield
    app.state.rate_limiter = previous


@pytest.mark.usefixtures("rate_limited")
async def test_a_hit_is_served_before_routing_with_the_same_bytes_and_rate_limit_headers(
    client: httpx.AsyncClient, tenant: Tenant, route_calls: list[str]
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    reference = await client.get(f"{path}?format=json", headers=tenant.viewer)  # fills the cache
    assert reference.status_code == 200, reference.text
    route_calls.clear()

    fast = await client.get(path, headers=tenant.viewer)
    assert route_calls == []  # answered before the route
    assert fast.status_code == 200
    assert fast.content == reference.content
    for name in ("content-type", "content-length", "etag", "cache-control", "vary"):
        assert fast.headers[name] == reference.headers[name], name
    assert fast.headers["ratelimit-limit"] == "1000"
    assert "ratelimit-remaining" in fast.headers
    assert "ratelimit" in fast.headers

    not_modified = await client.get(
        path, headers={**tenant.viewer, "If-None-Match": reference.headers["etag"]}
    )
    assert route_calls == []
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == reference.headers["etag"]
    assert not_modified.headers["ratelimit-limit"] == "1000"

    as_csv = await client.get(path, headers={**tenant.viewer, "Accept": "text/csv"})
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.content == (await client.get(f"{path}?format=csv", headers=tenant.viewer)).content


async def test_a_miss_and_an_unusual_query_go_to_the_route(
    client: httpx.AsyncClient, tenant: Tenant, route_calls: list[str]
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    first = await client.get(path, headers=tenant.viewer)  # a miss: computed by the route
    assert first.status_code == 200
    assert route_calls == [path]
    clipped = await client.get(f"{path}?as_of=2099-01", headers=tenant.viewer)
    assert route_calls == [path, f"{path}?as_of=2099-01"]
    assert clipped.content == first.content
    problem(await client.get(f"{path}?as_of=1999-01", headers=tenant.viewer), 422)
    upper = path.replace(graph.tracker["id"], graph.tracker["id"].upper())
    assert (await client.get(upper, headers=tenant.viewer)).content == first.content
    assert route_calls[-1] == upper
    problem(await client.get(path, headers={**tenant.viewer, "Accept": "image/png"}), 406)


async def test_a_revoked_key_is_refused_by_the_route(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    created = await client.post(
        "/v1/api-keys", json={"name": "QBR script", "role": "viewer"}, headers=tenant.admin
    )
    assert created.status_code == 201, created.text
    script = {"Authorization": f"Bearer {created.json()['secret']}"}
    warm = expect(await client.get(path, headers=script), 200)
    assert warm
    etag = (await client.get(path, headers=script)).headers["etag"]
    expect(await client.delete(f"/v1/api-keys/{created.json()['id']}", headers=tenant.admin), 200)
    problem(await client.get(path, headers=script), 401, "unauthorized")
    problem(await client.get(path, headers={**script, "If-None-Match": etag}), 401, "unauthorized")
    problem(await client.get(path), 401, "unauthorized")
    problem(await client.get(path, headers={"Authorization": "Bearer nope"}), 401, "unauthorized")


async def test_other_organizations_and_limited_keys_get_the_routes_404(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    cached = await client.get(path, headers=tenant.viewer)
    etag = cached.headers["etag"]
    elsewhere = await create_graph(client, tenant.editor)
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(elsewhere.tracker["id"])])
    for headers in (other_tenant.admin, limited):
        for extra in ({}, {"If-None-Match": etag}):
            fast = problem(await client.get(path, headers={**headers, **extra}), 404, "not-found")
            routed = problem(
                await client.get(f"{path}?format=json", headers={**headers, **extra}),
                404,
                "not-found",
            )
            assert fast["detail"] == routed["detail"]
    missing = f"/v1/trackers/{uuid.uuid4()}/report"
    problem(await client.get(missing, headers=tenant.viewer), 404, "not-found")
    allowed = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(graph.tracker["id"])])
    assert (await client.get(path, headers=allowed)).content == cached.content
