"""Health scores of a whole book (`make bench-health`).

Data: an organization with 100,000 customers (4 segments, 20 owners) in a fresh, migrated
database on PostgreSQL (TEST_DATABASE_URL's server, else the embedded pgserver in a temp
directory; dropped at the end); each customer has one pulse, and the default profile has
4 indicators: the pulse (stored) and NPS, DAU/MAU and days since last touch, whose values
are drawn once (seeded) and stored in a bench table, standing in for the customer signals
that another module will store.

Measured, each the median of RUNS runs, in the same run:
(a) the core: `health_score` with its explanation (points, weight shares, contributions
    rounded by largest remainder, band) for all 100,000 customers, from readings built
    before the clock;
(b) the baseline: a plain SQL aggregate computing the same weighted score per customer
    (points clamped, weights of the valued indicators only) from the same stored values,
    with the 100,000 rows fetched;
(c) a 100-row page of `GET /v1/book` (by name) through uvicorn over HTTP on 127.0.0.1:
    the p50 and p90 of PAGES requests at 10 cursors through the book.

Prints seconds and the ratio (a)/(b); targets: (a) <= 2 s, (c) p50 <= 50 ms. Prints,
never asserts.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
from sqlalchemy.ext.asyncio import create_async_engine

from bench_ingest import (
    DATABASE,
    free_port,
    plain_url,
    recreate_database,
    server_url,
    wait_until_up,
    with_database,
)
from valuecalc_api import migrate
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customer_health.profile_schemas import HealthProfileWrite
from valuecalc_api.customer_health.profiles import create_profile, definition_of
from valuecalc_api.db import async_database_url, create_sessionmaker
from valuecalc_api.models import Role
from valuecalc_api.organizations import service as organizations
from valuecalc_api.settings import Settings
from valuecalc_core.health.profile import IndicatorKind
from valuecalc_core.health.scoring import IndicatorReading, health_scores

CUSTOMERS = 100_000
RUNS = 3
PAGES = 50
PAGE_SIZE = 100
AS_OF = datetime.date(2026, 3, 31)
PULSE_POINTS = {"red": 0, "yellow": 50, "green": 100}
PROFILE: dict[str, Any] = {
    "name": "Bench",
    "is_default": True,
    "indicators": [
        {"kind": "pulse", "weight": "30", "zero_at": "0", "full_at": "100"},
        {"kind": "nps", "weight": "25", "zero_at": "-20", "full_at": "50"},
        {"kind": "dau_mau", "weight": "25", "zero_at": "5", "full_at": "40"},
        {"kind": "days_since_last_touch", "weight": "20", "zero_at": "30", "full_at": "7"},
    ],
    "bands": {"yellow_from": "40", "green_from": "70"},
}
# The same score in SQL: points per (customer, kind), clamped, weighted by the valued ones.
SQL_SCORES = """
WITH points AS (
    SELECT r.customer_id, w.weight,
           LEAST(100, GREATEST(0, (r.value - w.zero_at) * 100 / (w.full_at - w.zero_at)))
               AS points
    FROM bench_readings r JOIN bench_weights w ON w.kind = r.kind
    WHERE r.value IS NOT NULL
)
SELECT customer_id, ROUND(SUM(points * weight) / SUM(weight), 2) AS score
FROM points GROUP BY customer_id
"""


async def arrange(url: str, settings: Settings) -> tuple[str, dict[uuid.UUID, dict[str, Any]]]:
    """The organization, its key, the profile, 100,000 customers with pulses and the bench
    table of signal values; returns the key's secret and the values by customer."""
    engine = create_async_engine(async_database_url(url))
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        organization = await organizations.create_organization(session, "Bench Inc")
        key, secret = await organizations.create_api_key(
            session, settings, organization.id, "bench", Role.admin
        )
        admin = Principal(organization.id, key.id, Role.admin, None)
        await create_profile(session, admin, HealthProfileWrite.model_validate(PROFILE))
        await session.commit()
    await engine.dispose()
    rng = random.Random(15)
    values: dict[uuid.UUID, dict[str, Any]] = {}
    customers, pulses, readings = [], [], []
    for index in range(CUSTOMERS):
        customer_id = uuid.uuid4()
        status = rng.choice(("red", "yellow", "green", "green"))
        found = {
            "pulse": Decimal(PULSE_POINTS[status]),
            "nps": None if rng.random() < 0.2 else Decimal(rng.randint(-100, 100)),
            "dau_mau": Decimal(rng.randint(0, 6000)) / 100,
            "days_since_last_touch": Decimal(rng.randint(0, 90)),
        }
        values[customer_id] = found
        customers.append(
            (
                customer_id,
                organization.id,
                f"Customer {index:06d}",
                f"segment-{index % 4}",
                f"owner-{index % 20}",
            )
        )
        pulses.append((uuid.uuid4(), organization.id, customer_id, status, AS_OF, [], key.id))
        readings += [(customer_id, kind, v) for kind, v in found.items() if kind != "pulse"]
    connection = await asyncpg.connect(plain_url(url))
    try:
        await connection.copy_records_to_table(
            "customers",
            records=customers,
            columns=["id", "organization_id", "name", "segment", "owner"],
        )
        await connection.copy_records_to_table(
            "pulses",
            records=pulses,
            columns=[
                "id",
                "organization_id",
                "customer_id",
                "status",
                "recorded_on",
                "reason_codes",
                "author_key_id",
            ],
        )
        await connection.execute(
            "CREATE TABLE bench_readings (customer_id uuid, kind text, value numeric);"
            "CREATE TABLE bench_weights (kind text, weight numeric, zero_at numeric,"
            " full_at numeric)"
        )
        await connection.copy_records_to_table("bench_readings", records=readings)
        await connection.copy_records_to_table(
            "bench_weights",
            records=[
                (i["kind"], Decimal(i["weight"]), Decimal(i["zero_at"]), Decimal(i["full_at"]))
                for i in PROFILE["indicators"]
            ],
        )
        await connection.execute(
            "INSERT INTO bench_readings SELECT customer_id, 'pulse', "
            "CASE status WHEN 'red' THEN 0 WHEN 'yellow' THEN 50 ELSE 100 END FROM pulses;"
            "ANALYZE"
        )
    finally:
        await connection.close()
    return secret, values


def core_seconds(values: dict[uuid.UUID, dict[str, Any]]) -> tuple[float, int]:
    """All 100,000 scores with explanations in the core; (seconds, scored customers)."""
    from valuecalc_api.models.health import HealthProfileVersion

    version = HealthProfileVersion(
        indicators=[{**i, "window_days": None} for i in PROFILE["indicators"]],
        yellow_from=Decimal(PROFILE["bands"]["yellow_from"]),
        green_from=Decimal(PROFILE["bands"]["green_from"]),
    )
    profile = definition_of(version)
    readings = [
        {
            IndicatorKind(kind): IndicatorReading(IndicatorKind(kind), value, AS_OF)
            for kind, value in found.items()
        }
        for found in values.values()
    ]
    started = time.perf_counter()
    scores = health_scores(profile, readings)
    seconds = time.perf_counter() - started
    return seconds, sum(1 for s in scores if s.score is not None)


async def sql_seconds(url: str) -> tuple[float, int]:
    connection = await asyncpg.connect(plain_url(url))
    try:
        started = time.perf_counter()
        rows = await connection.fetch(SQL_SCORES)
        return time.perf_counter() - started, len(rows)
    finally:
        await connection.close()


async def _timed_pages(
    client: httpx.AsyncClient, path: str, cursors: list[str | None], headers: dict[str, str]
) -> list[float]:
    timings = []
    for request in range(PAGES + 5):
        cursor = cursors[request % len(cursors)]
        params = {"as_of": AS_OF.isoformat(), "limit": str(PAGE_SIZE)}
        if cursor:
            params["cursor"] = cursor
        started = time.perf_counter()
        response = await client.get(path, params=params, headers=headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.text
        assert len(response.json()["items"]) == PAGE_SIZE
        if request >= 5:  # the first few warm the connection pool and caches
            timings.append(elapsed * 1000)
    return timings


async def book_pages(url: str, secret: str) -> tuple[list[float], list[float]]:
    """Milliseconds of PAGES 100-row book pages over HTTP (uvicorn, one at a time), and of
    as many first pages of `GET /v1/customers` (the baseline: a plain 100-row list)."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "VALUECALC_ENVIRONMENT": "test",
        "VALUECALC_RATE_LIMIT_ENABLED": "false",
    }
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, not awaited on
        [
            sys.executable,
            "-m",
            "uvicorn",
            "valuecalc_api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=environment,
    )
    headers = {"Authorization": f"Bearer {secret}"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            await wait_until_up(client, server)
            cursors: list[str | None] = [None]
            for _ in range(9):  # 10 starting points through the book
                page = (
                    await client.get(
                        "/v1/book",
                        params={
                            "as_of": AS_OF.isoformat(),
                            "limit": 200,
                            **({"cursor": cursors[-1]} if cursors[-1] else {}),
                        },
                        headers=headers,
                    )
                ).json()
                cursors.append(page["next_cursor"])
            book = await _timed_pages(client, "/v1/book", cursors, headers)
            customers = await _timed_pages(client, "/v1/customers", [None], headers)
            return book, customers
    finally:
        server.terminate()
        server.wait(timeout=10)


async def main() -> None:
    server = server_url()
    url = with_database(server, DATABASE)
    await recreate_database(server)
    try:
        engine = create_async_engine(async_database_url(url))
        async with engine.begin() as connection:
            await migrate.upgrade_on(connection)
        await engine.dispose()
        settings = Settings(
            _env_file=None, database_url=url, environment="test", rate_limit_enabled=False
        )
        secret, values = await arrange(url, settings)
        core = [core_seconds(values) for _ in range(RUNS)]
        sql = [await sql_seconds(url) for _ in range(RUNS)]
        pages, baseline = await book_pages(url, secret)
    finally:
        await recreate_database(server, drop_only=True)
    core_median = statistics.median(s for s, _ in core)
    sql_median = statistics.median(s for s, _ in sql)
    load = os.getloadavg()[0]
    print(
        f"bench-health: {CUSTOMERS:,} customers, 4 indicators, median of {RUNS} runs; "
        f"{os.cpu_count()} CPUs, load average {load:.1f}"
    )
    print(
        f"  (a) core, scores with explanations: {core_median:.3f} s "
        f"({core[0][1]:,} scored; {core_median / CUSTOMERS * 1e6:.1f} us per customer)"
    )
    print(f"  (b) plain SQL aggregate, same scores: {sql_median:.3f} s ({sql[0][1]:,} rows)")
    print(f"      ratio core / SQL: {core_median / sql_median:.2f}x")
    pages.sort()
    book_p50, list_p50 = statistics.median(pages), statistics.median(baseline)
    print(
        f"  (c) GET /v1/book, {PAGE_SIZE} rows by name, uvicorn over HTTP: "
        f"p50 {book_p50:.1f} ms, p90 {pages[int(len(pages) * 0.9)]:.1f} ms "
        f"({len(pages)} requests)"
    )
    print(
        f"      baseline GET /v1/customers, {PAGE_SIZE} rows: p50 {list_p50:.1f} ms; "
        f"ratio book / list: {book_p50 / list_p50:.2f}x"
    )
    print("  targets: (a) <= 2 s; (c) p50 <= 50 ms")


if __name__ == "__main__":
    asyncio.run(main())
