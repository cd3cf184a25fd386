"""Revenue metrics through the API on a large ledger (`make bench-revenue-api`).

Data: bench_revenue's ledger (1,000,000 ARR movements, 100,000 customers, 36 months
2024-01..2026-12, three segments, 40 owners), loaded into a fresh, migrated PostgreSQL
database (TEST_DATABASE_URL's server, else the embedded one) by COPY, then ANALYZE.

Measured, best of RUNS:
(a) GET /v1/revenue/metrics/series?start=2025-01&end=2026-12 (24 monthly points of GRR, NRR,
    logo retention, quick ratio, movement bars and renewal rates) through the app in-process
    (httpx ASGITransport, the whole middleware stack): one set-based query, the core's
    sparse path, the JSON answer; and the same split by segment;
(b) DuckDB computing the same four metrics per month from the same rows with SQL in the same
    run (bench_revenue.DUCKDB_SQL, loading excluded); its 4-decimal figures are compared with
    the API's;
(c) POST /v1/revenue/movements/bulk with 10,000 new movements (1,000 new customers x 10,
    validated as whole ledgers by the core, one audit event each) vs (d) asyncpg COPY of the
    same 10,000 rows into arr_movements (no validation, no audit), each run on emptied rows.

Prints seconds and the ratios (a)/(b) (target <= 2x, and (a) <= 1 s) and (c)/(d) as rows/s
(target >= 0.3x COPY). Prints, never asserts.
"""

from __future__ import annotations

import asyncio
import datetime
import os
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
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import plain_url, recreate_database, server_url, with_database
from bench_revenue import DUCKDB_SQL, generate, load_duckdb
from valuecalc_api import migrate
from valuecalc_api.app import create_app
from valuecalc_api.db import async_database_url
from valuecalc_api.models import Role
from valuecalc_api.organizations import service as organizations
from valuecalc_api.settings import Settings
from valuecalc_core.money import quantize_ratio

RUNS = 3
BULK_CUSTOMERS = 1_000
BULK_PER_CUSTOMER = 10
SERIES = {"start": "2025-01", "end": "2026-12", "granularity": "month"}


async def timed(action: Callable[[], Awaitable[Any]], runs: int = RUNS) -> tuple[Any, float]:
    best = float("inf")
    result: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        result = await action()
        best = min(best, time.perf_counter() - started)
    return result, best


async def load(url: str, organization_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """COPY the big ledger's customers and movements; returns customer ids by bench id."""
    customers, movements = generate()
    connection = await asyncpg.connect(plain_url(url))
    try:
        ids = {c.id: uuid.uuid4() for c in customers}
        await connection.copy_records_to_table(
            "customers",
            records=[
                (ids[c.id], organization_id, c.name, c.id, c.segment, c.owner, "USD")
                for c in customers
            ],
            columns=[
                "id",
                "organization_id",
                "name",
                "external_id",
                "segment",
                "owner",
                "currency",
            ],
        )
        await connection.copy_records_to_table(
            "arr_movements",
            records=[
                (
                    uuid.uuid4(),
                    organization_id,
                    ids[m.customer_id],
                    m.id,
                    m.date,
                    m.kind.value,
                    m.amount,
                    "USD",
                    "api",
                    1,
                )
                for m in movements
            ],
            columns=[
                "id", "organization_id", "customer_id", "external_id", "date", "kind", "amount",
                "currency", "source", "version",
            ],
        )  # fmt: skip
        await connection.execute("ANALYZE customers; ANALYZE arr_movements")
    finally:
        await connection.close()
    with tempfile.TemporaryDirectory() as folder:
        duck = load_duckdb(movements, Path(folder))
        _, duck_s = await timed(
            lambda: asyncio.to_thread(lambda: duck.execute(DUCKDB_SQL).fetchall())
        )
        duck_rows = duck.execute(DUCKDB_SQL).fetchall()
    load.duckdb = (duck_s, duck_rows)  # type: ignore[attr-defined]
    return ids


def bulk_rows() -> list[dict[str, Any]]:
    rows = []
    for c in range(BULK_CUSTOMERS):
        rows.append(
            {"external_id": f"bulk-{c}-0", "customer_external_id": f"bulk-{c}",
             "date": "2026-01-05", "kind": "new", "amount": "1000.00"}
        )  # fmt: skip
        for i in range(1, BULK_PER_CUSTOMER):
            rows.append(
                {"external_id": f"bulk-{c}-{i}", "customer_external_id": f"bulk-{c}",
                 "date": (datetime.date(2026, 1, 5) + datetime.timedelta(days=i)).isoformat(),
                 "kind": "upsell", "amount": "10.50"}
            )  # fmt: skip
    return rows


async def main() -> None:
    server = server_url()
    url = with_database(server, f"valuecalc_bench_revenue_{os.getpid()}")
    database = make_name(url)
    await recreate(server, database)
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
            async with app.state.sessionmaker() as session:
                organization = await organizations.create_organization(session, "Bench Inc")
                _, secret = await organizations.create_api_key(
                    session, settings, organization.id, "bench editor", Role.editor
                )
                await session.commit()
            print("loading 1,000,000 movements by COPY (not timed) ...", flush=True)
            await load(url, organization.id)
            duck_s, duck_rows = load.duckdb  # type: ignore[attr-defined]
            headers = {"Authorization": f"Bearer {secret}"}
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://b", timeout=600
            ) as client:
                series, api_s = await timed(
                    lambda: client.get("/v1/revenue/metrics/series", params=SERIES, headers=headers)
                )
                _, split_s = await timed(
                    lambda: client.get(
                        "/v1/revenue/metrics/series",
                        params={**SERIES, "split_by": "segment"},
                        headers=headers,
                    )
                )
                same = compare(series.json(), duck_rows)
                bulk_s, copy_s = await bulk_vs_copy(client, headers, url, organization.id)
    finally:
        await recreate(server, database, drop_only=True)
    load_avg = os.getloadavg()[0]
    print(f"bench-revenue-api: {os.cpu_count()} CPUs, load average {load_avg:.1f}, best of {RUNS}")
    print(f"  (a) API 24-month series:              {api_s:8.3f} s  (target <= 1 s)")
    print(f"      ... split by segment:             {split_s:8.3f} s")
    print(f"  (b) DuckDB, same four metrics:        {duck_s:8.3f} s")
    print(f"      ratio (a)/(b):                    {api_s / duck_s:8.2f} x  (target <= 2x)")
    print(f"      figures equal DuckDB's (4 decimals): {same}")
    rows = BULK_CUSTOMERS * BULK_PER_CUSTOMER
    print(
        f"  (c) API bulk, {rows:,} new movements:   {bulk_s:8.3f} s  ({rows / bulk_s:,.0f} rows/s)"
    )
    print(f"  (d) COPY of the same rows:            {copy_s:8.3f} s  ({rows / copy_s:,.0f} rows/s)")
    print(f"      ratio (c)/(d) in rows/s:          {copy_s / bulk_s:8.2f}    (target >= 0.3)")


def make_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    assert name is not None
    return name


async def recreate(server: str, database: str, *, drop_only: bool = False) -> None:
    import bench_ingest

    bench_ingest.DATABASE = database
    await recreate_database(server, drop_only=drop_only)


def compare(body: dict[str, Any], duck_rows: list[tuple[Any, ...]]) -> bool:
    """The API's GRR, NRR, logo retention and quick ratio per month equal DuckDB's."""

    def ratio(value: Any) -> Decimal | None:
        return None if value is None else quantize_ratio(Decimal(repr(value)))

    ours = [
        tuple(
            None if v is None else Decimal(v)
            for v in (
                p["grr"]["value"],
                p["nrr"]["value"],
                p["logo_retention"]["value"],
                p["quick_ratio"]["ratio"]["value"],
            )
        )
        for p in body["points"]
    ]
    theirs = [tuple(ratio(v) for v in row[8:12]) for row in duck_rows]
    return ours == theirs


async def bulk_vs_copy(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, organization_id: uuid.UUID
) -> tuple[float, float]:
    rows = bulk_rows()
    connection = await asyncpg.connect(plain_url(url))
    try:
        customer_ids = {}
        for c in range(BULK_CUSTOMERS):
            customer_ids[f"bulk-{c}"] = uuid.uuid4()
        await connection.copy_records_to_table(
            "customers",
            records=[
                (cid, organization_id, ext, ext, "smb", "csm0", "USD")
                for ext, cid in customer_ids.items()
            ],
            columns=[
                "id",
                "organization_id",
                "name",
                "external_id",
                "segment",
                "owner",
                "currency",
            ],
        )
        records = [
            (
                uuid.uuid4(), organization_id, customer_ids[r["customer_external_id"]],
                r["external_id"], datetime.date.fromisoformat(r["date"]), r["kind"],
                Decimal(r["amount"]), "USD", "api", 1,
            )
            for r in rows
        ]  # fmt: skip
        columns = [
            "id", "organization_id", "customer_id", "external_id", "date", "kind", "amount",
            "currency", "source", "version",
        ]  # fmt: skip
        body = {"rows": rows}
        best_api = best_copy = float("inf")
        for _ in range(RUNS):
            await connection.execute("DELETE FROM arr_movements WHERE external_id LIKE 'bulk-%'")
            started = time.perf_counter()
            await connection.copy_records_to_table(
                "arr_movements", records=records, columns=columns
            )
            best_copy = min(best_copy, time.perf_counter() - started)
            await connection.execute("DELETE FROM arr_movements WHERE external_id LIKE 'bulk-%'")
            started = time.perf_counter()
            response = await client.post("/v1/revenue/movements/bulk", json=body, headers=headers)
            best_api = min(best_api, time.perf_counter() - started)
            assert response.status_code == 200, response.text[:500]
    finally:
        await connection.close()
    return best_api, best_copy


if __name__ == "__main__":
    asyncio.run(main())
