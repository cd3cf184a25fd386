"""How fast bulk measurement writes ingest rows (`make bench-ingest`).

Data: an organization with 3 customers (`crm-0`..`crm-2`), each with a tracker over 36
months (2024-01..2026-12) of 50 active use cases x 2 calculations: 10,800 calculation-months,
of which the first 10,000 (by customer, calculation, month) are the request's rows,
addressed the way an integration does it: customer_external_id + calculation_key + month.

Measured, each the median of RUNS runs, on PostgreSQL (TEST_DATABASE_URL's server, else the
embedded pgserver in a temp directory; a fresh database, migrated, dropped at the end):
(a) POST /v1/measurements/bulk with 10,000 new rows (all `created`; one audit event each),
(b) the same rows with other values (all `updated`, audit before/after),
(c) the same rows again (all `unchanged`: nothing written),
through (1) the app in-process (httpx.ASGITransport: no sockets, the same middleware stack)
and (2) uvicorn in a subprocess over HTTP on 127.0.0.1 (the socket and uvicorn's parsing
too); each request body is JSON-encoded before its clock starts, as a load generator
sends a ready body (the client's encoding is not the API's work; the response is timed
until it is received);
(d) the baseline: asyncpg `copy_records_to_table` of the same 10,000 rows (ready-made
tuples, no validation) into the emptied `measurements` table, once at the start of every
run, so API and COPY see the same load on the machine; and (e) the same COPY followed by
a COPY of one audit event per row (what every API write must also store, SPEC 6).

Prints seconds, rows/s and the ratios API rows/s / COPY rows/s (target >= 0.3, and
10,000 rows <= 1 s) and API / COPY-with-audit. Prints, never asserts.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from valuecalc_api import embedded_postgres, migrate
from valuecalc_api.app import create_app
from valuecalc_api.db import async_database_url
from valuecalc_api.models import Calculation, Customer, Role, Tracker, UseCase
from valuecalc_api.organizations import service as organizations
from valuecalc_api.settings import Settings
from valuecalc_core.months import Period

ROWS = 10_000
RUNS = 7
CUSTOMERS = 3
USE_CASES = 50
CALCULATIONS_PER_USE_CASE = 2
PERIOD = Period.parse("2024-01", "2026-12")
DATABASE = f"valuecalc_bench_{os.getpid()}"


def server_url() -> str:
    """A URL on a PostgreSQL server where the bench may create and drop a database."""
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"]
    server = embedded_postgres.start_server(Path(tempfile.gettempdir()) / "valuecalc-bench-pg")
    return embedded_postgres.server_url(server, "postgres")


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def plain_url(url: str) -> str:
    """The URL asyncpg itself takes (no `+asyncpg` driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def recreate_database(server: str, *, drop_only: bool = False) -> None:
    engine = create_async_engine(async_database_url(server), isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        if not drop_only:
            await connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    await engine.dispose()


async def arrange(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> Any:
    """The organization, an editor key and the three trackers; returns (org id, secret, rows)."""
    async with sessionmaker() as session:
        organization = await organizations.create_organization(session, "Bench Inc")
        _, secret = await organizations.create_api_key(
            session, settings, organization.id, "bench editor", Role.editor
        )
        keys: list[tuple[str, str]] = []
        for c in range(CUSTOMERS):
            customer = Customer(
                organization_id=organization.id, name=f"Customer {c}", external_id=f"crm-{c}"
            )
            session.add(customer)
            await session.flush()
            tracker = Tracker(
                organization_id=organization.id,
                customer_id=customer.id,
                name="Support value",
                currency="USD",
                start_month=PERIOD.first,
                end_month=PERIOD.last,
            )
            session.add(tracker)
            await session.flush()
            for u in range(USE_CASES):
                use_case = UseCase(
                    organization_id=organization.id,
                    tracker_id=tracker.id,
                    name=f"Use case {u}",
                    status="active",
                    position=u,
                )
                session.add(use_case)
                await session.flush()
                for k in range(CALCULATIONS_PER_USE_CASE):
                    key = f"uc{u}-calc{k}"
                    keys.append((f"crm-{c}", key))
                    session.add(
                        Calculation(
                            organization_id=organization.id,
                            tracker_id=tracker.id,
                            use_case_id=use_case.id,
                            key=key,
                            name=f"Calculation {u}.{k}",
                            kind="cost_savings",
                            metric_name="tickets per day",
                            metric_unit="tickets/day",
                            baseline=Decimal(100),
                            direction="higher_is_better",
                            formula="improvement * 1000",
                        )
                    )
        await session.commit()
    pairs = [(external_id, key, month) for external_id, key in keys for month in PERIOD]
    return organization.id, secret, pairs[:ROWS]


def body(pairs: list[Any], offset: int) -> dict[str, Any]:
    return {
        "rows": [
            {
                "customer_external_id": external_id,
                "calculation_key": key,
                "month": str(month),
                "value": f"{100 + (n + offset) % 97}.{n % 10}",
            }
            for n, (external_id, key, month) in enumerate(pairs)
        ]
    }


class Baseline:
    """Raw COPYs of the same ROWS rows (ready-made tuples, no validation) on their own
    asyncpg connection: the measurements alone, and the measurements plus one audit event
    each (what SPEC 6 makes every write store), each into emptied tables."""

    MEASUREMENT_COLUMNS = (
        "id",
        "organization_id",
        "calculation_id",
        "month",
        "value",
        "estimate",
        "source",
        "version",
        "created_at",
        "updated_at",
    )
    AUDIT_COLUMNS = (
        "id",
        "organization_id",
        "actor_key_id",
        "tracker_id",
        "calculation_id",
        "entity_type",
        "entity_id",
        "month",
        "action",
        "occurred_at",
        "after",
    )

    def __init__(
        self,
        connection: asyncpg.Connection,
        measurements: list[tuple[Any, ...]],
        events: list[tuple[Any, ...]],
    ) -> None:
        self.connection = connection
        self.measurements = measurements
        self.events = events

    @classmethod
    async def open(cls, url: str, organization_id: uuid.UUID) -> Baseline:
        connection = await asyncpg.connect(plain_url(url))
        calculations = [
            (row["id"], row["tracker_id"])
            for row in await connection.fetch(
                "SELECT c.id, c.tracker_id FROM calculations AS c JOIN trackers AS t "
                "ON t.id = c.tracker_id JOIN customers AS k ON k.id = t.customer_id "
                "ORDER BY k.external_id, c.key"
            )
        ]
        actor = await connection.fetchval("SELECT id FROM api_keys LIMIT 1")
        now = datetime.datetime.now(datetime.UTC)
        days = [datetime.date(m.year, m.month, 1) for m in PERIOD]
        pairs = [(c, t, d) for c, t in calculations for d in days][:ROWS]
        measurements = []
        events = []
        for n, (calc, tracker, day) in enumerate(pairs):
            row_id, value = uuid.uuid4(), Decimal(f"{100 + n % 97}.{n % 10}")
            measurements.append(
                (row_id, organization_id, calc, day, value, False, "import", 1, now, now)
            )
            after = (
                f'{{"id":"{row_id}","calculation_id":"{calc}","month":"{day:%Y-%m}",'
                f'"value":"{value}","estimate":false,"source":"import","version":1}}'
            )
            events.append(
                (
                    uuid.uuid4(),
                    organization_id,
                    actor,
                    tracker,
                    calc,
                    "measurement",
                    row_id,
                    day,
                    "create",
                    now,
                    after,
                )
            )
        return cls(connection, measurements, events)

    async def empty(self) -> None:
        await self.connection.execute("TRUNCATE measurements")
        await self.connection.execute("DELETE FROM audit_events")

    async def copy_seconds(self, *, with_audit: bool) -> float:
        await self.empty()
        started = time.perf_counter()
        async with self.connection.transaction():
            await self.connection.copy_records_to_table(
                "measurements", records=self.measurements, columns=list(self.MEASUREMENT_COLUMNS)
            )
            if with_audit:
                await self.connection.copy_records_to_table(
                    "audit_events", records=self.events, columns=list(self.AUDIT_COLUMNS)
                )
        elapsed = time.perf_counter() - started
        await self.empty()
        return elapsed

    async def close(self) -> None:
        await self.connection.close()


async def timed(
    action: Callable[[], Awaitable[httpx.Response]], status: str, expected: int
) -> float:
    started = time.perf_counter()
    response = await action()
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text[:500]
    counts = response.json()["counts"]
    assert counts[status] == expected, counts
    return elapsed


async def api_runs(
    client: httpx.AsyncClient, baseline: Baseline, pairs: list[Any], secret: str
) -> dict[str, float]:
    """Median seconds of COPY and of (created, updated, unchanged) requests over RUNS runs,
    interleaved so that both see the same load on the machine."""
    # As a frontend sends it: each audit event records the person (SPEC 6).
    headers = {
        "Authorization": f"Bearer {secret}",
        "Valuecalc-Actor": "u_bench",
        "Valuecalc-Actor-Name": "Dana Reyes",
    }
    times: dict[str, list[float]] = {
        "copy": [],
        "copy+audit": [],
        "created": [],
        "updated": [],
        "unchanged": [],
    }
    for run in range(RUNS):
        times["copy"].append(await baseline.copy_seconds(with_audit=False))
        times["copy+audit"].append(await baseline.copy_seconds(with_audit=True))
        first, second = body(pairs, 2 * run), body(pairs, 2 * run + 1)

        def post(payload: dict[str, Any]) -> Callable[[], Awaitable[httpx.Response]]:
            # The body is encoded before the clock starts, as a load generator sends a
            # ready body: the client's JSON encoding is not the API's work.
            content = json.dumps(payload).encode()
            sent = {**headers, "Content-Type": "application/json"}
            return lambda: client.post("/v1/measurements/bulk", content=content, headers=sent)

        times["created"].append(await timed(post(first), "created", len(pairs)))
        times["updated"].append(await timed(post(second), "updated", len(pairs)))
        times["unchanged"].append(await timed(post(second), "unchanged", len(pairs)))
        await baseline.empty()
    return {status: statistics.median(values) for status, values in times.items()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until_up(client: httpx.AsyncClient, server: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise RuntimeError("uvicorn exited early")
        try:
            if (await client.get("/healthz")).status_code < 500:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise RuntimeError("uvicorn did not start")


async def over_uvicorn(
    url: str, baseline: Baseline, pairs: list[Any], secret: str
) -> dict[str, float]:
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
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            await wait_until_up(client, server)
            return await api_runs(client, baseline, pairs, secret)
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(label: str, seconds: dict[str, float]) -> None:
    copy_rate = ROWS / seconds["copy"]
    audited_rate = ROWS / seconds["copy+audit"]
    print(f"  {label}; baselines in the same runs:")
    print(
        f"    COPY measurements             {seconds['copy'] * 1000:8.1f} ms  {copy_rate:10,.0f} rows/s"
    )
    print(
        f"    COPY measurements + audit     {seconds['copy+audit'] * 1000:8.1f} ms  "
        f"{audited_rate:10,.0f} rows/s"
    )
    for status in ("created", "updated", "unchanged"):
        rate = ROWS / seconds[status]
        print(
            f"    API {status:<9}                 {seconds[status] * 1000:8.1f} ms  "
            f"{rate:10,.0f} rows/s  ratio to COPY {rate / copy_rate:4.2f}  "
            f"to COPY+audit {rate / audited_rate:4.2f}"
        )


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
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            organization_id, secret, pairs = await arrange(app.state.sessionmaker, settings)
            baseline = await Baseline.open(url, organization_id)
            try:
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
                    await api_runs(client, baseline, pairs[:100], secret)  # warm-up
                    in_process = await api_runs(client, baseline, pairs, secret)
                over_http = await over_uvicorn(url, baseline, pairs, secret)
            finally:
                await baseline.close()
    finally:
        await recreate_database(server, drop_only=True)

    load = os.getloadavg()[0]
    print(
        f"bench-ingest: {ROWS:,} rows per request (customer_external_id + calculation_key "
        f"+ month), median of {RUNS} runs; {os.cpu_count()} CPUs, load average {load:.1f}"
    )
    report("in-process (httpx ASGITransport)", in_process)
    report("uvicorn subprocess over HTTP", over_http)
    print("  targets: 10,000 rows <= 1 s; created/updated ratio to COPY >= 0.30")


if __name__ == "__main__":
    asyncio.run(main())
