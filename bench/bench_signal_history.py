"""What the index behind a signal record's history costs the bulk writes, and what it saves
the read (`python bench/bench_signal_history.py`).

A signal record's audit events carry no tracker; `GET /v1/<signal>/{id}/history` finds them
through the partial index `ix_audit_events_untracked_entity` (organization_id, entity_id,
occurred_at, seq WHERE tracker_id IS NULL, migration i13_03), which every signal bulk write
therefore maintains. Here, on a fresh database (TEST_DATABASE_URL's server, else the
embedded pgserver) whose audit trail already holds PRELOAD untracked events:

(a) POST /v1/survey-responses/bulk with 10,000 new rows (10,000 audit events), through the
    app in-process, median of RUNS runs with the index and RUNS runs without it
    (alternating; the table is put back and vacuumed between runs);
(b) the history read of one record (its SQL, EXPLAIN ANALYZE) with and without the index.

Prints ratios against the same run's figures, never asserts.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid

import asyncpg
import httpx
from sqlalchemy.ext.asyncio import create_async_engine

from bench_ingest import plain_url, recreate_database, server_url, with_database
from bench_signals import arrange, survey_rows
from valuecalc_api import migrate
from valuecalc_api.app import create_app
from valuecalc_api.db import async_database_url
from valuecalc_api.settings import Settings

RUNS = 5
PRELOAD = 1_000_000
INDEX = "ix_audit_events_untracked_entity"
CREATE_INDEX = (
    f"CREATE INDEX {INDEX} ON audit_events (organization_id, entity_id, occurred_at, seq) "
    "WHERE tracker_id IS NULL"
)
HISTORY_SQL = (
    "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM audit_events WHERE organization_id = $1 "
    "AND tracker_id IS NULL AND entity_id = $2 AND entity_type = 'survey_response' "
    "ORDER BY occurred_at DESC, seq DESC LIMIT 51"
)


async def preload(connection: asyncpg.Connection, organization_id: uuid.UUID) -> int:
    """PRELOAD untracked events of other records (a year of signal writes); the last seq."""
    await connection.execute(
        """
        INSERT INTO audit_events (id, organization_id, entity_type, entity_id, action,
                                  actor_key_id, occurred_at, after)
        SELECT gen_random_uuid(), $1, 'touch', gen_random_uuid(), 'create', $1,
               now() - make_interval(secs => n), '{"channel": "call"}'::jsonb
        FROM generate_series(1, $2) AS n
        """,
        organization_id,
        PRELOAD,
    )
    await connection.execute("VACUUM ANALYZE audit_events")
    return int(await connection.fetchval("SELECT max(seq) FROM audit_events"))


async def put_back(connection: asyncpg.Connection, last_seq: int) -> None:
    await connection.execute("DELETE FROM audit_events WHERE seq > $1", last_seq)
    await connection.execute("DELETE FROM survey_responses")
    await connection.execute("VACUUM ANALYZE audit_events")
    await connection.execute("VACUUM ANALYZE survey_responses")


async def history_read(
    connection: asyncpg.Connection, organization_id: uuid.UUID
) -> tuple[str, float]:
    """The plan's access path and execution time (ms) of one record's history."""
    entity_id = await connection.fetchval(
        "SELECT entity_id FROM audit_events WHERE entity_type = 'survey_response' LIMIT 1"
    )
    times = []
    node = ""
    for _ in range(RUNS):
        (plan,) = json.loads(await connection.fetchval(HISTORY_SQL, organization_id, entity_id))
        times.append(float(plan["Execution Time"]))
        found = plan["Plan"]
        while "Plans" in found and found["Node Type"] in ("Limit", "Sort", "Gather Merge"):
            found = found["Plans"][0]
        node = f"{found['Node Type']} {found.get('Index Name', '')}".strip()
    return node, statistics.median(times)


async def main() -> None:
    server = server_url()
    url = with_database(server, f"valuecalc_bench_{os.getpid()}")
    await recreate_database(server)
    try:
        engine = create_async_engine(async_database_url(url))
        async with engine.begin() as connection:
            await migrate.upgrade_on(connection)
        await engine.dispose()
        settings = Settings(
            _env_file=None, database_url=url, environment="test", rate_limit_enabled=False
        )
        organization_id, secret, _ = await arrange(url, settings)
        connection = await asyncpg.connect(plain_url(url))
        last_seq = await preload(connection, organization_id)
        headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        times: dict[str, list[float]] = {"with index": [], "without index": []}
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://b", timeout=120
            ) as client:
                for run in range(2 * RUNS):
                    indexed = run % 2 == 0
                    await connection.execute(f"DROP INDEX IF EXISTS {INDEX}")
                    if indexed:
                        await connection.execute(CREATE_INDEX)
                    content = json.dumps({"rows": survey_rows(run)}).encode()
                    started = time.perf_counter()
                    response = await client.post(
                        "/v1/survey-responses/bulk", content=content, headers=headers
                    )
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, response.text[:300]
                    times["with index" if indexed else "without index"].append(elapsed)
                    if run < 2 * RUNS - 2:
                        await put_back(connection, last_seq)
        # The last run (without the index) left its 10,000 survey events in place.
        without = await history_read(connection, organization_id)
        await connection.execute(CREATE_INDEX)
        await connection.execute("ANALYZE audit_events")
        indexed_read = await history_read(connection, organization_id)
        await connection.close()
    finally:
        await recreate_database(server, drop_only=True)

    write = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"bench-signal-history: median of {RUNS} runs each; {PRELOAD:,} events preloaded; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    for name, seconds in write.items():
        print(f"  survey bulk 10,000 rows {name:>14}: {seconds:6.3f} s  ({10_000 / seconds:,.0f} rows/s)")  # fmt: skip
    print(
        "  write time with the index / without: "
        f"{write['with index'] / write['without index']:.3f}x"
    )
    for name, (node, ms) in (("with index", indexed_read), ("without index", without)):
        print(f"  one record's history {name:>14}: {ms:9.3f} ms  ({node})")
    print(f"  read time without the index / with: {without[1] / indexed_read[1]:,.0f}x")


if __name__ == "__main__":
    asyncio.run(main())
