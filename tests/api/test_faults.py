"""Fault tests (issue 11): writes with Idempotency-Keys survive a killed server process
and terminated database connections exactly once, with no key left in flight.

The server is uvicorn in a subprocess on 127.0.0.1 against the test database. Each test
is bounded: a few rounds of a dozen requests, retries bounded in count and time. Random
points come from a seeded generator (`VALUECALC_FAULT_SEED`, else drawn and printed), so
a failing run can be replayed.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_graph
from tests.local_server import ServerProcess
from valuecalc_api.db import async_database_url
from valuecalc_api.models import Customer, IdempotencyKey, Measurement, Note
from valuecalc_core.months import Month

ROUNDS = 3
BULKS_PER_ROUND = 3
MONTHS_PER_BULK = 10
SETTLE_SECONDS = 60
RETRYABLE = {409, 503}


def _seed() -> int:
    seed = int(os.environ.get("VALUECALC_FAULT_SEED") or random.SystemRandom().randrange(10**6))
    print(f"fault seed {seed} (set VALUECALC_FAULT_SEED to replay)")
    return seed


@dataclass(frozen=True)
class Write:
    method: str
    path: str
    body: dict[str, Any]
    key: str
    kind: str  # "customer", "note" or "bulk"
    marker: str  # the customer's name, the note's text, or the bulk's first month


def _writes(round_: int, tracker_id: str, calculation_id: str) -> list[Write]:
    writes = []
    for index in range(3):
        name = f"fault-customer-{round_}-{index}"
        writes.append(
            Write("POST", "/v1/customers", {"name": name}, str(uuid.uuid4()), "customer", name)
        )
    for index in range(2):
        note = f"fault-note-{round_}-{index}"
        path = f"/v1/calculations/{calculation_id}/months/2020-01/notes"
        writes.append(Write("POST", path, {"text": note}, str(uuid.uuid4()), "note", note))
    for index in range(BULKS_PER_ROUND):
        first = Month.of(2020, 1) + (round_ * BULKS_PER_ROUND + index) * MONTHS_PER_BULK
        rows = [
            {"calculation_id": calculation_id, "month": str(first + m), "value": f"{m + 1}.5"}
            for m in range(MONTHS_PER_BULK)
        ]
        path = f"/v1/trackers/{tracker_id}/measurements/bulk"
        writes.append(Write("POST", path, {"rows": rows}, str(uuid.uuid4()), "bulk", str(first)))
    return writes


async def _send(http: httpx.AsyncClient, write: Write, headers: dict[str, str]) -> httpx.Response:
    return await http.request(
        write.method,
        write.path,
        json=write.body,
        headers={**headers, "Idempotency-Key": write.key},
    )


async def _fire(base_url: str, writes: list[Write], headers: dict[str, str]) -> list[Any]:
    """Send every write at once; transport errors (a killed server) are results too."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        return await asyncio.gather(
            *(_send(http, write, headers) for write in writes), return_exceptions=True
        )


async def _settle(
    base_url: str, writes: list[Write], headers: dict[str, str]
) -> dict[str, httpx.Response]:
    """Retry each write with its key until it gets a final answer (bounded)."""
    answers: dict[str, httpx.Response] = {}
    deadline = time.monotonic() + SETTLE_SECONDS
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        for write in writes:
            while True:
                try:
                    answer = await _send(http, write, headers)
                except httpx.TransportError:
                    answer = None
                if answer is not None and answer.status_code not in RETRYABLE:
                    answers[write.key] = answer
                    break
                assert time.monotonic() < deadline, f"{write.kind} never settled"
                await asyncio.sleep(0.2)
    return answers


async def _check_exactly_once(
    session: AsyncSession,
    writes: list[Write],
    answers: dict[str, httpx.Response],
    calculation_id: str,
) -> None:
    await session.rollback()
    for write in writes:
        answer = answers[write.key]
        assert answer.status_code in {200, 201}, (write.kind, answer.status_code, answer.text)
        if write.kind == "customer":
            count = await session.scalar(
                select(func.count()).select_from(Customer).where(Customer.name == write.marker)
            )
            assert count == 1, (write.marker, count)
        elif write.kind == "note":
            count = await session.scalar(
                select(func.count()).select_from(Note).where(Note.text == write.marker)
            )
            assert count == 1, (write.marker, count)
        else:
            # The answer is the first run's, stored with it: a second run of an applied
            # write would have answered "unchanged".
            assert answer.json()["counts"]["created"] == MONTHS_PER_BULK, answer.text
            first = Month.parse(write.marker)
            count = await session.scalar(
                select(func.count())
                .select_from(Measurement)
                .where(
                    Measurement.calculation_id == uuid.UUID(calculation_id),
                    Measurement.month >= first,
                    Measurement.month < first + MONTHS_PER_BULK,
                )
            )
            assert count == MONTHS_PER_BULK, (write.marker, count)
    states = await session.execute(
        select(IdempotencyKey.key, IdempotencyKey.state).where(
            IdempotencyKey.key.in_([write.key for write in writes])
        )
    )
    assert dict(states.all()) == {write.key: "completed" for write in writes}


@pytest.fixture
def server_log(tmp_path: Path) -> Iterator[Path]:
    log = tmp_path / "server.log"
    yield log
    # Database errors answer 503; nothing may escape as an unhandled exception.
    text_of_log = log.read_text(errors="replace") if log.exists() else ""
    assert "Exception in ASGI application" not in text_of_log, text_of_log[-3000:]


async def _graph(client: httpx.AsyncClient, tenant: Tenant) -> tuple[str, str]:
    graph = await create_graph(client, tenant.admin, start_month="2020-01", end_month="2039-12")
    return str(graph.tracker["id"]), graph.calculation_id


async def test_a_killed_server_applies_every_retried_write_exactly_once(
    client: httpx.AsyncClient,
    tenant: Tenant,
    session: AsyncSession,
    database_url: str,
    server_log: Path,
) -> None:
    rng = random.Random(_seed())
    tracker_id, calculation_id = await _graph(client, tenant)
    server = ServerProcess(database_url, log=server_log)
    all_writes: list[Write] = []
    try:
        for round_ in range(ROUNDS):
            server.start()
            writes = _writes(round_, tracker_id, calculation_id)
            all_writes += writes
            firing = asyncio.create_task(_fire(server.base_url, writes, tenant.editor))
            await asyncio.sleep(rng.uniform(0.0, 0.25))
            server.kill()  # SIGKILL, wherever each request is
            await firing
            server.start()
            answers = await _settle(server.base_url, writes, tenant.editor)
            server.stop()
            await _check_exactly_once(session, writes, answers, calculation_id)
    finally:
        server.stop()
    assert len(all_writes) == ROUNDS * (5 + BULKS_PER_ROUND)


async def _terminate_server_connections(database_url: str, spared: set[int], until: float) -> int:
    """Terminate every other client connection to the database until `until`; how many."""
    engine = create_async_engine(async_database_url(database_url), isolation_level="AUTOCOMMIT")
    terminated = 0
    try:
        async with engine.connect() as connection:
            while time.monotonic() < until:
                rows = await connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND backend_type = 'client backend' AND NOT (pid = ANY(:spared))"
                    ),
                    {"spared": sorted(spared)},
                )
                terminated += sum(1 for (done,) in rows if done)
                await asyncio.sleep(0.03)
    finally:
        await engine.dispose()
    return terminated


async def test_terminated_database_connections_apply_every_retried_write_exactly_once(
    client: httpx.AsyncClient,
    tenant: Tenant,
    session: AsyncSession,
    database_url: str,
    server_log: Path,
) -> None:
    rng = random.Random(_seed())
    tracker_id, calculation_id = await _graph(client, tenant)
    await session.rollback()
    spared = set(
        (
            await session.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend'"
                )
            )
        ).all()
    )
    await session.rollback()
    server = ServerProcess(database_url, log=server_log)
    server.start()
    try:
        terminated = 0
        for round_ in range(ROUNDS):
            writes = _writes(round_, tracker_id, calculation_id)
            await asyncio.sleep(rng.uniform(0.0, 0.05))
            killing = asyncio.create_task(
                _terminate_server_connections(database_url, spared, time.monotonic() + 0.6)
            )
            first = await _fire(server.base_url, writes, tenant.editor)
            terminated += await killing
            for answer in first:
                assert not isinstance(answer, Exception), answer
                assert answer.status_code != 500, answer.text
                if answer.status_code == 503:
                    assert answer.headers["content-type"] == "application/problem+json"
                    assert answer.headers["retry-after"] == "1"
            answers = await _settle(server.base_url, writes, tenant.editor)
            await _check_exactly_once(session, writes, answers, calculation_id)
        print(f"terminated {terminated} server connections")
    finally:
        server.stop()
