"""No write leaves a stale report behind: every kind of write a report depends on renews
the tracker's data version (database triggers, migration 0005), whatever path wrote it,
and the next read equals a report computed with an empty cache."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.conftest import Tenant
from tests.api.test_value_examples_http import v1_graph
from tests.api.value_tracking_builders import Graph, create_graph, expect, put_measurement
from valuecalc_api.reports.cache import ResponseCache, report_cache

READS = (
    "/v1/trackers/{tracker}/report",
    "/v1/trackers/{tracker}/report?as_of=2026-04&format=csv",
    "/v1/trackers/{tracker}/table",
    "/v1/trackers/{tracker}/measurements-view",
    "/v1/use-cases/{use_case}/table",
)


@dataclass(frozen=True)
class Context:
    client: httpx.AsyncClient
    session: AsyncSession
    tenant: Tenant
    graph: Graph

    @property
    def calculation(self) -> str:
        return f"/v1/calculations/{self.graph.calculation_id}"


Write = Callable[[Context], Awaitable[None]]


async def _ok(response: Awaitable[httpx.Response], *statuses: int) -> None:
    result = await response
    assert result.status_code in statuses, (result.status_code, result.text)


async def _sql(context: Context, statement: str) -> None:
    await context.session.execute(text(statement), {"calculation": context.graph.calculation_id})
    await context.session.commit()


WRITES: dict[str, tuple[Write, bool]] = {
    # name: (the write, whether some read shows a difference)
    "measurement set": (
        lambda c: _ok(
            put_measurement(c.client, c.tenant.editor, c.graph.calculation_id, "2026-04", "160"),
            201,
        ),
        True,
    ),
    "measurement changed": (
        lambda c: _ok(
            put_measurement(c.client, c.tenant.editor, c.graph.calculation_id, "2026-03", "159"),
            200,
        ),
        True,
    ),
    "measurement made an estimate": (
        lambda c: _ok(
            put_measurement(
                c.client, c.tenant.editor, c.graph.calculation_id, "2026-03", "158", estimate=True
            ),
            200,
        ),
        True,
    ),
    "measurement blanked": (
        lambda c: _ok(
            c.client.delete(f"{c.calculation}/measurements/2026-02", headers=c.tenant.editor), 204
        ),
        True,
    ),
    "input change": (
        lambda c: _ok(
            c.client.put(
                f"{c.calculation}/inputs/reps/changes/2026-02",
                json={"value": "12"},
                headers=c.tenant.editor,
            ),
            200,
            201,
        ),
        True,
    ),
    "formula": (
        lambda c: _ok(
            c.client.patch(
                c.calculation,
                json={"formula": "improvement * reps * cost_per_rep_month * 0.9"},
                headers=c.tenant.editor,
            ),
            200,
        ),
        True,
    ),
    "baseline": (
        lambda c: _ok(
            c.client.patch(
                c.calculation, json={"metric": {"baseline": "90"}}, headers=c.tenant.editor
            ),
            200,
        ),
        True,
    ),
    "ramp": (
        lambda c: _ok(
            c.client.patch(
                c.calculation,
                json={"ramp": [{"from_month": 1, "share": "0.8"}]},
                headers=c.tenant.editor,
            ),
            200,
        ),
        True,
    ),
    "use case status": (
        lambda c: _ok(
            c.client.patch(
                f"/v1/use-cases/{c.graph.use_case['id']}",
                json={"status": "inactive"},
                headers=c.tenant.editor,
            ),
            200,
        ),
        True,
    ),
    "recurring fee": (
        lambda c: _ok(
            c.client.patch(
                f"/v1/trackers/{c.graph.tracker['id']}",
                json={"recurring_fee_amount": "4500"},
                headers=c.tenant.editor,
            ),
            200,
        ),
        True,
    ),
    "one-time fee": (
        lambda c: _ok(
            c.client.patch(
                f"/v1/trackers/{c.graph.tracker['id']}",
                json={
                    "one_time_fees": [
                        {"month": "2026-02", "amount": "2500", "description": "Onboarding"}
                    ]
                },
                headers=c.tenant.editor,
            ),
            200,
        ),
        True,
    ),
    "note": (
        lambda c: _ok(
            c.client.post(
                f"{c.calculation}/months/2026-06/notes",
                json={"text": "Holiday week."},
                headers=c.tenant.editor,
            ),
            201,
        ),
        True,
    ),
    "evidence": (
        lambda c: _ok(
            c.client.post(
                f"{c.calculation}/months/2026-06/evidence",
                json={"kind": "link", "url": "https://bi.example/q1"},
                headers=c.tenant.editor,
            ),
            201,
        ),
        True,
    ),
    "customer renamed": (
        lambda c: _ok(
            c.client.patch(
                f"/v1/customers/{c.graph.customer['id']}",
                json={"name": "Northwind Group"},
                headers=c.tenant.editor,
            ),
            200,
        ),
        True,
    ),
    "month lock": (
        lambda c: _ok(
            c.client.put(
                f"/v1/trackers/{c.graph.tracker['id']}/lock",
                json={"through": "2026-01"},
                headers=c.tenant.admin,
            ),
            200,
        ),
        False,
    ),
    "bulk measurements": (
        lambda c: _ok(
            c.client.post(
                f"/v1/trackers/{c.graph.tracker['id']}/measurements/bulk",
                json={
                    "rows": [
                        {
                            "calculation_id": c.graph.calculation_id,
                            "month": "2026-05",
                            "value": "170",
                        },
                        {
                            "calculation_id": c.graph.calculation_id,
                            "month": "2026-01",
                            "value": None,
                        },
                    ]
                },
                headers=c.tenant.editor,
            ),
            200,
        ),
        True,
    ),
    "bulk input changes": (
        lambda c: _ok(
            c.client.post(
                f"/v1/trackers/{c.graph.tracker['id']}/input-changes/bulk",
                json={
                    "rows": [
                        {
                            "calculation_id": c.graph.calculation_id,
                            "input_key": "reps",
                            "month": "2026-03",
                            "value": "11",
                        }
                    ]
                },
                headers=c.tenant.editor,
            ),
            200,
        ),
        True,
    ),
    # Plain SQL, bypassing every service: the triggers still see it.
    "SQL update of a measurement": (
        lambda c: _sql(
            c,
            "UPDATE measurements SET value = 140 WHERE calculation_id = "
            "CAST(:calculation AS uuid) AND month = DATE '2026-02-01'",
        ),
        True,
    ),
    "SQL update of an input change": (
        lambda c: _sql(
            c,
            "UPDATE input_changes SET value = value + 1 WHERE input_id IN "
            "(SELECT id FROM calculation_inputs WHERE key = 'reps' AND "
            "calculation_id = CAST(:calculation AS uuid))",
        ),
        True,
    ),
    "SQL delete of a ramp step": (
        lambda c: _sql(
            c,
            "DELETE FROM calculation_ramp_steps WHERE calculation_id = "
            "CAST(:calculation AS uuid) AND from_month = 4",
        ),
        True,
    ),
}


def _paths(graph: Graph) -> list[str]:
    return [
        read.format(tracker=graph.tracker["id"], use_case=graph.use_case["id"]) for read in READS
    ]


async def _reads(client: httpx.AsyncClient, headers: dict[str, str], graph: Graph) -> list[bytes]:
    return [expect_bytes(await client.get(path, headers=headers)) for path in _paths(graph)]


def expect_bytes(response: httpx.Response) -> bytes:
    assert response.status_code == 200, (response.status_code, response.text)
    return response.content


def _cache(app: FastAPI) -> ResponseCache:
    cache = report_cache(app)
    assert cache is not None
    return cache


async def data_version(session: AsyncSession, tracker_id: str) -> int:
    await session.rollback()  # a fresh snapshot
    version = await session.scalar(
        text("SELECT version FROM tracker_data_versions WHERE tracker_id = CAST(:t AS uuid)"),
        {"t": tracker_id},
    )
    assert version is not None
    return int(version)


@pytest.mark.parametrize("name", list(WRITES))
async def test_every_write_renews_the_reports(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant, name: str
) -> None:
    write, shows = WRITES[name]
    graph = await v1_graph(client, tenant.editor)
    await expect_measured_estimate(client, tenant, graph)
    before = await _reads(client, tenant.viewer, graph)
    assert await _reads(client, tenant.viewer, graph) == before  # now served from the cache
    version = await data_version(session, graph.tracker["id"])

    await write(Context(client, session, tenant, graph))

    assert await data_version(session, graph.tracker["id"]) > version
    after = await _reads(client, tenant.viewer, graph)
    _cache(app).clear()
    assert after == await _reads(client, tenant.viewer, graph)  # == computed afresh
    assert (after != before) is shows


async def expect_measured_estimate(client: httpx.AsyncClient, tenant: Tenant, graph: Graph) -> None:
    """A fourth month (an estimate in June after a gap) so findings have something to say."""
    expect(
        await put_measurement(
            client, tenant.editor, graph.calculation_id, "2026-06", "150", estimate=True
        ),
        201,
    )


async def test_a_write_to_another_tracker_keeps_the_version(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    other = await create_graph(client, tenant.editor)
    version = await data_version(session, graph.tracker["id"])
    expect(await put_measurement(client, tenant.editor, other.calculation_id, "2026-01", "1"), 201)
    assert await data_version(session, graph.tracker["id"]) == version


async def test_a_bulk_statement_renews_once_per_tracker(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    before = await session.scalar(text("SELECT last_value FROM tracker_data_version_seq"))
    await session.execute(
        text(
            "INSERT INTO measurements (id, organization_id, calculation_id, month, value, "
            "estimate, source, version) SELECT gen_random_uuid(), c.organization_id, c.id, "
            "DATE '2026-04-01' + make_interval(months => n), 100 + n, false, 'sql', 1 "
            "FROM calculations c, generate_series(0, 8) n WHERE c.id = CAST(:c AS uuid)"
        ),
        {"c": graph.calculation_id},
    )
    await session.commit()
    after = await session.scalar(text("SELECT last_value FROM tracker_data_version_seq"))
    # One upsert for the one tracker touched: at most two values (insert path + update path).
    assert 1 <= after - before <= 2


async def test_deleting_a_tracker_takes_its_version_row(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    await session.execute(
        text("DELETE FROM trackers WHERE id = CAST(:t AS uuid)"), {"t": graph.tracker["id"]}
    )
    await session.commit()
    rows = await session.scalar(text("SELECT count(*) FROM tracker_data_versions"))
    assert rows == 0


async def test_truncating_a_table_renews_every_tracker(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await v1_graph(client, tenant.editor)
    version = await data_version(session, graph.tracker["id"])
    await session.execute(text("TRUNCATE notes"))
    await session.commit()
    assert await data_version(session, graph.tracker["id"]) > version


async def test_concurrent_writers_of_one_tracker_neither_deadlock_nor_lose_a_version(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Single writes, bulk writes, a formula change and a lock move on one tracker at once:
    each either succeeds or is refused by a rule (never a deadlock or a 500), and the
    report read afterwards is the one computed afresh."""
    graph = await v1_graph(client, tenant.editor)
    calculation = graph.calculation_id
    before = await _reads(client, tenant.viewer, graph)

    def bulk(month: str, value: str) -> Awaitable[httpx.Response]:
        return client.post(
            f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
            json={
                "rows": [
                    {"calculation_id": calculation, "month": m, "value": value}
                    for m in ("2026-03", month, "2026-11")
                ]
            },
            headers=tenant.editor,
        )

    writes = [
        *(
            put_measurement(client, tenant.editor, calculation, f"2026-{m:02d}", str(150 + m))
            for m in range(3, 12)
        ),
        bulk("2026-04", "171"),
        bulk("2026-05", "172"),
        client.put(
            f"/v1/calculations/{calculation}/inputs/reps/changes/2026-07",
            json={"value": "13"},
            headers=tenant.editor,
        ),
        client.patch(
            f"/v1/calculations/{calculation}",
            json={"formula": "improvement * reps * cost_per_rep_month * 0.95"},
            headers=tenant.editor,
        ),
        client.put(
            f"/v1/trackers/{graph.tracker['id']}/lock",
            json={"through": "2026-01"},
            headers=tenant.admin,
        ),
    ]
    responses = await asyncio.wait_for(asyncio.gather(*writes), timeout=60)
    for response in responses:  # a deadlock would surface as a 500 here
        if response.status_code in {409, 503}:
            # A bulk write and a single PUT created the same month at once: the loser is
            # refused (bulk 503 so its Idempotency-Key is released, PUT 409), never guessed.
            assert response.json()["type"].endswith("/concurrent-write"), response.text
            continue
        assert response.status_code in {200, 201, 423}, (response.status_code, response.text)
    after = await _reads(client, tenant.viewer, graph)
    _cache(app).clear()
    assert after == await _reads(client, tenant.viewer, graph)
    assert after != before


async def test_two_direct_transactions_on_one_tracker_wait_in_turn(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
) -> None:
    """Two open transactions writing the same tracker: the second waits for the first's
    commit (the version row), then both versions are counted."""
    graph = await v1_graph(client, tenant.editor)
    statement = text(
        "UPDATE measurements SET value = value + 1 WHERE calculation_id = CAST(:c AS uuid) "
        "AND month = CAST(CAST(:m AS text) AS date)"
    )
    async with sessionmaker() as first, sessionmaker() as second:
        await first.execute(statement, {"c": graph.calculation_id, "m": "2026-01-01"})
        waiting = asyncio.create_task(
            second.execute(statement, {"c": graph.calculation_id, "m": "2026-02-01"})
        )
        await asyncio.sleep(0.3)
        assert not waiting.done()  # holds on the version row, not on a measurement
        await first.commit()
        await asyncio.wait_for(waiting, timeout=10)
        await second.commit()
    async with sessionmaker() as check:
        values = (
            await check.execute(
                text(
                    "SELECT value FROM measurements WHERE calculation_id = CAST(:c AS uuid) "
                    "ORDER BY month"
                ),
                {"c": graph.calculation_id},
            )
        ).scalars()
        assert [str(v) for v in values] == ["122", "131", "158"]
