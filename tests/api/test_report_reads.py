"""A tracker's cached reads: one dependency reads the key and the tracker in one query.

A warm `GET /v1/trackers/{id}/report` costs one statement (the key, the tracker and its
data version together) and answers the same bytes and headers as the first, computed
answer (rate-limit headers included); every refusal (revoked key, another organization,
a tracker-limited key) is the same with and without a cached entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from tests.api.conftest import Tenant
from tests.api.test_value_examples_http import v1_graph
from tests.api.value_tracking_builders import create_graph, expect, problem
from valuecalc_api.models import Role
from valuecalc_api.rate_limits.shared import SharedRateLimiter


@pytest.fixture
def statements(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the app sends while the test runs."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(str(args[2]))

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def rate_limited(app: FastAPI) -> Iterator[None]:
    previous = app.state.rate_limiter
    app.state.rate_limiter = SharedRateLimiter(app.state.engine, 1000)
    yield
    app.state.rate_limiter = previous


@pytest.mark.usefixtures("rate_limited")
async def test_a_hit_is_one_query_with_the_same_bytes_and_rate_limit_headers(
    client: httpx.AsyncClient, tenant: Tenant, statements: list[str]
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    reference = await client.get(f"{path}?format=json", headers=tenant.viewer)  # fills the cache
    assert reference.status_code == 200, reference.text
    statements.clear()

    fast = await client.get(path, headers=tenant.viewer)
    # The rate limit's spend runs on the driver's connection; the read is one statement.
    assert len(statements) == 1, statements
    assert "api_keys" in statements[0]
    assert "tracker_data_versions" in statements[0]
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
    assert len(statements) == 2, statements
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == reference.headers["etag"]
    assert not_modified.headers["ratelimit-limit"] == "1000"

    as_csv = await client.get(path, headers={**tenant.viewer, "Accept": "text/csv"})
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.content == (await client.get(f"{path}?format=csv", headers=tenant.viewer)).content


async def test_a_miss_a_clipped_month_and_an_upper_case_id_answer_the_same_report(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    first = await client.get(path, headers=tenant.viewer)  # a miss: computed
    assert first.status_code == 200
    clipped = await client.get(f"{path}?as_of=2099-01", headers=tenant.viewer)
    assert clipped.content == first.content
    assert clipped.headers["etag"] == first.headers["etag"]
    problem(await client.get(f"{path}?as_of=1999-01", headers=tenant.viewer), 422)
    upper = path.replace(graph.tracker["id"], graph.tracker["id"].upper())
    assert (await client.get(upper, headers=tenant.viewer)).content == first.content
    problem(await client.get(path, headers={**tenant.viewer, "Accept": "image/png"}), 406)


async def test_a_revoked_key_is_refused_with_or_without_a_cached_entry(
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


async def test_other_organizations_and_limited_keys_get_404_with_or_without_a_cached_entry(
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
            plain = problem(await client.get(path, headers={**headers, **extra}), 404, "not-found")
            routed = problem(
                await client.get(f"{path}?format=json", headers={**headers, **extra}),
                404,
                "not-found",
            )
            assert plain["detail"] == routed["detail"]
    missing = f"/v1/trackers/{uuid.uuid4()}/report"
    problem(await client.get(missing, headers=tenant.viewer), 404, "not-found")
    allowed = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(graph.tracker["id"])])
    assert (await client.get(path, headers=allowed)).content == cached.content
