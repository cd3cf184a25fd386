"""Serving tracker reads from the cache: the same bytes, ETag / If-None-Match, and the
access rules before any cached byte (another organization, a tracker-limited key)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.conftest import Tenant
from tests.api.test_reports_portfolio import counting_queries
from tests.api.test_value_examples_http import v1_graph
from tests.api.value_tracking_builders import create_graph, expect, problem, put_measurement
from valuecalc_api.db import begin_snapshot
from valuecalc_api.models import Role
from valuecalc_api.reports.cache import CachedResponse, ReportKey, ResponseCache, report_cache

READS = (
    "/v1/trackers/{tracker}/report",
    "/v1/trackers/{tracker}/report?format=csv",
    "/v1/trackers/{tracker}/table?as_of=2026-03",
    "/v1/trackers/{tracker}/measurements-view",
    "/v1/use-cases/{use_case}/table",
)


def _cache(app: FastAPI) -> ResponseCache:
    cache = report_cache(app)
    assert cache is not None
    return cache


@pytest.mark.parametrize("template", READS)
async def test_a_hit_is_byte_identical_and_reads_no_tracker_data(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, template: str
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = template.format(tracker=graph.tracker["id"], use_case=graph.use_case["id"])
    _cache(app).clear()
    first = await client.get(path, headers=tenant.viewer)
    assert first.status_code == 200, first.text
    assert len(_cache(app)) == 1
    with counting_queries(app) as statements:
        second = await client.get(path, headers=tenant.viewer)
    assert second.status_code == 200
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"]
    assert second.headers.get("content-disposition") == first.headers.get("content-disposition")
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["cache-control"] == "private, no-cache"
    assert not any("FROM measurements" in statement for statement in statements), statements


async def test_if_none_match_answers_304_until_the_data_changes(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    first = await client.get(path, headers=tenant.viewer)
    etag = first.headers["etag"]

    unchanged = await client.get(path, headers={**tenant.viewer, "If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert unchanged.headers["cache-control"] == "private, no-cache"
    assert unchanged.headers["vary"] == "Accept, Authorization, Accept-Encoding"
    listed = await client.get(path, headers={**tenant.viewer, "If-None-Match": f'"nope", W/{etag}'})
    assert listed.status_code == 304  # weak comparison, any tag of the list

    expect(await put_measurement(client, tenant.editor, graph.calculation_id, "2026-04", "1"), 201)
    changed = await client.get(path, headers={**tenant.viewer, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.content != first.content


async def test_tags_differ_by_format_month_and_tracker(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    other = await v1_graph(client, tenant.editor)
    base = f"/v1/trackers/{graph.tracker['id']}/report"
    tags = {
        (await client.get(path, headers=tenant.viewer)).headers["etag"]
        for path in (
            base,
            f"{base}?format=csv",
            f"{base}?as_of=2026-03",
            f"/v1/trackers/{graph.tracker['id']}/table",
            f"/v1/trackers/{other.tracker['id']}/report",
        )
    }
    assert len(tags) == 5
    # A month after the contract is clipped to its end: the same report, the same tag.
    clipped = await client.get(f"{base}?as_of=2030-01", headers=tenant.viewer)
    assert (
        clipped.headers["etag"] == (await client.get(base, headers=tenant.viewer)).headers["etag"]
    )


@pytest.mark.parametrize("template", READS)
async def test_cached_reads_keep_the_access_rules(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, template: str
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = template.format(tracker=graph.tracker["id"], use_case=graph.use_case["id"])
    cached = await client.get(path, headers=tenant.viewer)
    assert cached.status_code == 200, cached.text
    etag = cached.headers["etag"]

    problem(await client.get(path, headers=other_tenant.admin), 404, "not-found")
    problem(
        await client.get(path, headers={**other_tenant.admin, "If-None-Match": etag}),
        404,
        "not-found",
    )
    problem(await client.get(path), 401, "unauthorized")
    elsewhere = await create_graph(client, tenant.editor)
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(elsewhere.tracker["id"])])
    problem(await client.get(path, headers=limited), 404, "not-found")
    problem(await client.get(path, headers={**limited, "If-None-Match": etag}), 404, "not-found")
    allowed = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(graph.tracker["id"])])
    assert (await client.get(path, headers=allowed)).content == cached.content


async def test_concurrent_misses_compute_the_report_once(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    expect(await client.get(path, headers=tenant.viewer), 200)
    expect(await put_measurement(client, tenant.editor, graph.calculation_id, "2026-04", "1"), 201)
    with counting_queries(app) as statements:
        responses = await asyncio.gather(
            *(client.get(path, headers=tenant.viewer) for _ in range(4))
        )
    assert [response.status_code for response in responses] == [200] * 4
    assert len({response.content for response in responses}) == 1
    assert len({response.headers["etag"] for response in responses}) == 1
    assert sum("FROM measurements" in statement for statement in statements) == 1
    _cache(app).clear()
    assert (await client.get(path, headers=tenant.viewer)).content == responses[0].content


async def test_an_error_found_after_the_cache_lookup_is_not_cached(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    # The portfolio chart looks its entry up (keyed by its trackers' data versions) before
    # computing; only the computation finds two currencies, and so the missing `currency`.
    await v1_graph(client, tenant.editor)
    await v1_graph(client, tenant.editor, currency="EUR")
    path = "/v1/reports/portfolio/charts/realized-by-customer.vl.json?as_of=2026-03"
    cache = _cache(app)
    cache.clear()
    for _ in range(2):
        with counting_queries(app) as statements:
            refused = await client.get(path, headers=tenant.viewer)
        problem(refused, 422, "currency-required")
        assert "etag" not in refused.headers
        assert len(cache) == 0
        # Computed again each time: the measurements are read, no kept answer is sent.
        assert any("FROM measurements" in statement for statement in statements), statements
    chosen = await client.get(f"{path}&currency=EUR", headers=tenant.viewer)
    expect(chosen, 200)
    assert chosen.headers["etag"]
    assert len(cache) == 1


def _entry(size: int) -> CachedResponse:
    return CachedResponse(b"x" * size, "application/json", ())


def _key(n: int) -> ReportKey:
    return ReportKey("report", uuid.UUID(int=1), uuid.UUID(int=n), ("2026-12", "json"))


def test_the_cache_is_bounded_by_entries_and_bytes_least_recently_used_first() -> None:
    cache = ResponseCache(max_entries=3, max_bytes=100)
    for n in range(3):
        cache.put(_key(n), 1, _entry(30))
    assert cache.get(_key(0), 1) is not None  # 0 is now the most recently used
    cache.put(_key(3), 1, _entry(30))
    assert cache.get(_key(1), 1) is None  # the least recently used went
    assert [cache.get(_key(n), 1) is not None for n in (0, 2, 3)] == [True, True, True]
    assert (len(cache), cache.size_bytes) == (3, 90)

    cache.put(_key(4), 1, _entry(60))  # over 100 bytes: evict until it fits
    assert (len(cache), cache.size_bytes) == (2, 90)
    assert cache.get(_key(4), 1) is not None
    cache.put(_key(5), 1, _entry(101))  # larger than the whole budget: not kept
    assert cache.get(_key(5), 1) is None
    assert cache.get(_key(4), 2) is None  # another data version is another entry


async def test_a_miss_reads_in_one_repeatable_read_snapshot(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        isolation = text("SELECT current_setting('transaction_isolation')")
        assert await session.scalar(isolation) == "read committed"  # as authentication ran
        await begin_snapshot(session)
        assert await session.scalar(isolation) == "repeatable read"
        await session.commit()
        assert await session.scalar(isolation) == "read committed"  # not left behind


async def test_a_revoked_key_is_refused_even_for_a_cached_report(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Key validity is looked up on every request: revoking a key shuts it out of reports
    that are already cached (and of their 304s) at once."""
    graph = await v1_graph(client, tenant.editor)
    path = f"/v1/trackers/{graph.tracker['id']}/report"
    created = await client.post(
        "/v1/api-keys", json={"name": "QBR script", "role": "viewer"}, headers=tenant.admin
    )
    assert created.status_code == 201, created.text
    script = {"Authorization": f"Bearer {created.json()['secret']}"}
    warm = await client.get(path, headers=script)
    assert warm.status_code == 200
    expect(await client.delete(f"/v1/api-keys/{created.json()['id']}", headers=tenant.admin), 200)

    for headers in (script, {**script, "If-None-Match": warm.headers["etag"]}):
        refused = await client.get(path, headers=headers)
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.content != warm.content
    assert (await client.get(path, headers=tenant.viewer)).content == warm.content
