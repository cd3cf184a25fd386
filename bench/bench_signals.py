"""How fast customer signals ingest and aggregate (`make bench-signals`).

Data: a fresh database (TEST_DATABASE_URL's server, else the embedded pgserver), migrated,
dropped at the end; one organization with 1,000 customers in 4 segments.

(a) Bulk writes: POST /v1/survey-responses/bulk and POST /v1/usage-days/bulk with 10,000
    new rows each (customers by CRM id; one audit event per row), median of RUNS runs,
    through the app in-process (httpx ASGITransport; the body encoded before the clock
    starts), each against its baseline measured in the same run: asyncpg
    `copy_records_to_table` of the same 10,000 rows (ready-made tuples, no validation,
    no audit) into the same table. Target: API rows/s >= 0.3x COPY rows/s.
(b) Aggregates over 1,000,000 stored rows: 1,000,000 NPS answers (100 respondents per
    customer answering every ~36 days over the year) and 1,000,000 daily usage rows (1,000
    customers x 1,000 days) with monthly actives and seats, loaded by COPY; then NPS by
    segment over 365 days and the month's DAU/MAU by segment, through HTTP (uvicorn in a
    subprocess on 127.0.0.1), median of RUNS requests, after VACUUM ANALYZE (what
    autovacuum does to insert-only tables). Target: <= 1 s.

Prints, never asserts.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

import asyncpg
import httpx
from sqlalchemy.ext.asyncio import create_async_engine

from bench_ingest import (
    free_port,
    plain_url,
    recreate_database,
    server_url,
    wait_until_up,
    with_database,
)
from valuecalc_api import migrate
from valuecalc_api.app import create_app
from valuecalc_api.db import async_database_url
from valuecalc_api.models import Role
from valuecalc_api.organizations import service as organizations
from valuecalc_api.settings import Settings

ROWS = 10_000
RUNS = 5
CUSTOMERS = 1_000
SEGMENTS = ("enterprise", "mid-market", "smb", "startup")
STORED = 1_000_000
DAY0 = datetime.date(2024, 1, 1)
AS_OF = datetime.date(2026, 9, 30)


async def arrange(url: str, settings: Settings) -> tuple[uuid.UUID, str, list[uuid.UUID]]:
    """The organization, an editor key and the customers (crm-0 .. crm-999)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app), app.state.sessionmaker() as session:
        organization = await organizations.create_organization(session, "Bench signals")
        _, secret = await organizations.create_api_key(
            session, settings, organization.id, "bench", Role.editor
        )
        await session.commit()
    connection = await asyncpg.connect(plain_url(url))
    ids = [uuid.uuid4() for _ in range(CUSTOMERS)]
    await connection.copy_records_to_table(
        "customers",
        records=[
            (ids[n], organization.id, f"Customer {n}", f"crm-{n}", SEGMENTS[n % 4])
            for n in range(CUSTOMERS)
        ],
        columns=["id", "organization_id", "name", "external_id", "segment"],
    )
    await connection.close()
    return organization.id, secret, ids


def survey_rows(run: int) -> list[dict[str, Any]]:
    return [
        {
            "customer_external_id": f"crm-{n % CUSTOMERS}",
            "external_id": f"bench-{run}-{n}",
            "respondent": f"p{n % 50}@c{n % CUSTOMERS}.example",
            "answered_on": (AS_OF - datetime.timedelta(days=n % 300)).isoformat(),
            "kind": "nps",
            "score": n % 11,
        }
        for n in range(ROWS)
    ]


def usage_rows(run: int) -> list[dict[str, Any]]:
    first = DAY0 + datetime.timedelta(days=10 * run)
    return [
        {
            "customer_external_id": f"crm-{n % CUSTOMERS}",
            "day": (first + datetime.timedelta(days=n // CUSTOMERS)).isoformat(),
            "active_users": 10 + n % 40,
            "feature_actives": {"dashboards": n % 20, "alerts": n % 7},
        }
        for n in range(ROWS)
    ]


def survey_records(
    rows: list[dict[str, Any]], organization_id: uuid.UUID, ids: list[uuid.UUID]
) -> list[tuple[Any, ...]]:
    return [
        (
            uuid.uuid4(), organization_id, ids[int(r["customer_external_id"][4:])],
            r["external_id"], r["respondent"], datetime.date.fromisoformat(r["answered_on"]),
            "nps", r["score"],
        )
        for r in rows
    ]  # fmt: skip


SURVEY_COLUMNS = [
    "id", "organization_id", "customer_id", "external_id", "respondent", "answered_on",
    "kind", "score",
]  # fmt: skip
USAGE_COLUMNS = ["id", "organization_id", "customer_id", "day", "active_users", "feature_actives"]


def usage_records(
    rows: list[dict[str, Any]], organization_id: uuid.UUID, ids: list[uuid.UUID]
) -> list[tuple[Any, ...]]:
    return [
        (
            uuid.uuid4(), organization_id, ids[int(r["customer_external_id"][4:])],
            datetime.date.fromisoformat(r["day"]), r["active_users"],
            json.dumps(r["feature_actives"]),
        )
        for r in rows
    ]  # fmt: skip


async def copy_seconds(
    connection: asyncpg.Connection, table: str, records: list[tuple[Any, ...]], columns: list[str]
) -> float:
    started = time.perf_counter()
    async with connection.transaction():
        await connection.copy_records_to_table(table, records=records, columns=columns)
    elapsed = time.perf_counter() - started
    ids = [record[0] for record in records]
    await connection.execute(f"DELETE FROM {table} WHERE id = ANY($1)", ids)  # noqa: S608
    return elapsed


async def bulk_runs(
    client: httpx.AsyncClient,
    connection: asyncpg.Connection,
    secret: str,
    organization_id: uuid.UUID,
    ids: list[uuid.UUID],
) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    times: dict[str, list[float]] = {
        "survey copy": [],
        "survey api": [],
        "usage copy": [],
        "usage api": [],
    }
    for run in range(RUNS):
        surveys = survey_rows(run)
        usage = usage_rows(run)
        times["survey copy"].append(
            await copy_seconds(
                connection, "survey_responses", survey_records(surveys, organization_id, ids),
                SURVEY_COLUMNS,
            )
        )  # fmt: skip
        times["usage copy"].append(
            await copy_seconds(
                connection, "usage_days", usage_records(usage, organization_id, ids), USAGE_COLUMNS
            )
        )
        for name, path, rows in (
            ("survey api", "/v1/survey-responses/bulk", surveys),
            ("usage api", "/v1/usage-days/bulk", usage),
        ):
            content = json.dumps({"rows": rows}).encode()
            started = time.perf_counter()
            response = await client.post(path, content=content, headers=headers)
            times[name].append(time.perf_counter() - started)
            assert response.status_code == 200, response.text[:300]
            assert response.json()["counts"]["created"] == ROWS, response.json()["counts"]
    await connection.execute("DELETE FROM survey_responses")
    await connection.execute("DELETE FROM usage_days")
    await connection.execute("DELETE FROM audit_events")
    return {name: statistics.median(values) for name, values in times.items()}


async def load_stored(
    connection: asyncpg.Connection, organization_id: uuid.UUID, ids: list[uuid.UUID]
) -> None:
    """1,000,000 NPS answers over the year to AS_OF and 1,000,000 usage days, by COPY."""
    answers = (
        (
            uuid.uuid4(), organization_id, ids[n % CUSTOMERS], f"stored-{n}",
            f"p{(n // CUSTOMERS) % 100}", AS_OF - datetime.timedelta(days=(n * 7) % 365),
            "nps", (n * 7 + n // 13) % 11,
        )
        for n in range(STORED)
    )  # fmt: skip
    await connection.copy_records_to_table(
        "survey_responses", records=answers, columns=SURVEY_COLUMNS
    )
    days = (
        (
            uuid.uuid4(), organization_id, ids[n % CUSTOMERS],
            DAY0 + datetime.timedelta(days=n // CUSTOMERS), 5 + (n * 13) % 60,
            '{"dashboards": 3, "alerts": 0}' if n % 3 else '{"alerts": 2}',
        )
        for n in range(STORED)
    )  # fmt: skip
    await connection.copy_records_to_table("usage_days", records=days, columns=USAGE_COLUMNS)
    month = datetime.date(AS_OF.year, 3, 1)
    await connection.copy_records_to_table(
        "usage_months",
        records=[(uuid.uuid4(), organization_id, c, month, 90) for c in ids],
        columns=["id", "organization_id", "customer_id", "month", "monthly_active_users"],
    )
    await connection.copy_records_to_table(
        "seat_counts",
        records=[(uuid.uuid4(), organization_id, c, DAY0, 120) for c in ids],
        columns=["id", "organization_id", "customer_id", "effective_on", "seats"],
    )
    await connection.execute(
        "UPDATE organizations SET value_features = '{dashboards,alerts}' WHERE id = $1",
        organization_id,
    )
    # What autovacuum does to insert-only tables soon after a load (PostgreSQL >= 13): the
    # visibility map lets the score read its index without visiting the table.
    await connection.execute("VACUUM ANALYZE survey_responses")
    await connection.execute("VACUUM ANALYZE usage_days")
    await connection.execute("ANALYZE")


async def timed_get(
    client: httpx.AsyncClient, path: str, params: dict[str, Any], headers: dict[str, str]
) -> float:
    times = []
    for _ in range(RUNS + 1):
        started = time.perf_counter()
        response = await client.get(path, params=params, headers=headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:300]
    return statistics.median(times[1:])  # the first request warms the caches


async def aggregates_over_http(url: str, secret: str) -> dict[str, float]:
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "VALUECALC_ENVIRONMENT": "test",
        "VALUECALC_RATE_LIMIT_ENABLED": "false",
    }
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, not awaited on
        [
            sys.executable, "-m", "uvicorn", "valuecalc_api.app:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        ],
        env=environment,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {secret}"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            await wait_until_up(client, server)
            nps = await timed_get(
                client,
                "/v1/survey-scores",
                {
                    "kind": "nps",
                    "group_by": "segment",
                    "window_days": 365,
                    "as_of_day": AS_OF.isoformat(),
                },
                headers,
            )
            usage = await timed_get(
                client, "/v1/usage", {"month": f"{AS_OF.year}-03", "group_by": "segment"}, headers
            )
            return {"nps": nps, "usage": usage}
    finally:
        server.terminate()
        server.wait(timeout=10)


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
        organization_id, secret, ids = await arrange(url, settings)
        connection = await asyncpg.connect(plain_url(url))
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://b", timeout=120
            ) as client:
                bulk = await bulk_runs(client, connection, secret, organization_id, ids)
        started = time.perf_counter()
        await load_stored(connection, organization_id, ids)
        loaded = time.perf_counter() - started
        await connection.close()
        aggregates = await aggregates_over_http(url, secret)
    finally:
        await recreate_database(server, drop_only=True)

    print(
        f"bench-signals: median of {RUNS} runs; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    for kind in ("survey", "usage"):
        copy, api = bulk[f"{kind} copy"], bulk[f"{kind} api"]
        print(
            f"  {kind:<6} 10,000-row bulk: API {api * 1000:7.1f} ms ({ROWS / api:9,.0f} rows/s), "
            f"COPY {copy * 1000:6.1f} ms ({ROWS / copy:9,.0f} rows/s), ratio {copy / api:4.2f} "
            "(target >= 0.30)"
        )
    print(f"  loaded {STORED:,} answers + {STORED:,} usage days by COPY in {loaded:.1f} s")
    print(
        f"  NPS by segment over {STORED:,} answers (365 days), HTTP: "
        f"{aggregates['nps'] * 1000:7.1f} ms (target <= 1000 ms)"
    )
    print(
        f"  DAU/MAU by segment over {STORED:,} usage days (one month), HTTP: "
        f"{aggregates['usage'] * 1000:7.1f} ms (target <= 1000 ms)"
    )


if __name__ == "__main__":
    asyncio.run(main())
