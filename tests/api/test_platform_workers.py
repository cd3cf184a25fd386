"""`valuecalc serve --workers 2` on the test database: the processes share one truth.

A real server (uvicorn's supervisor and two worker processes) on 127.0.0.1 and a free
port. Which worker answers a request is the kernel's choice, so the test sends each
request on a new connection and reads the answering worker's process id from the
server's JSON log line. Bounded: a fixed number of requests, each wait with a deadline.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import Tenant
from tests.api.test_run_smoke import _free_port
from tests.api.value_tracking_builders import create_graph
from valuecalc_api.models import Role

START_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 30
LIMIT = 10  # requests per minute: one more every 6 s
METRICS_TOKEN = "test-metrics-token-0123456789abcdef"


def _valuecalc() -> list[str]:
    script = Path(sys.executable).with_name("valuecalc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "valuecalc_api.cli"]


@contextmanager
def _two_workers(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "VALUECALC_ENVIRONMENT": "dev",
        "VALUECALC_RATE_LIMIT_PER_MINUTE": str(LIMIT),
        "VALUECALC_LOG_FORMAT": "json",
        "VALUECALC_METRICS_TOKEN": METRICS_TOKEN,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    base_url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [*_valuecalc(), "serve", "--workers", "2", "--no-demo", "--port", str(port)],
            cwd=tmp_path,  # not the checkout: a developer's .env must not leak in
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"serve exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"serve was not ready in {START_TIMEOUT_SECONDS}s:\n{log.read_text()}")
            time.sleep(0.2)
        yield base_url, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"serve did not stop on SIGTERM:\n{log.read_text()}")


def _request_lines(log: Path) -> list[dict[str, Any]]:
    lines = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("event") == "request":
                lines.append(record)
    return lines


def _worker_of(log: Path, request_id: str) -> int:
    """The process id in the log line of request `request_id` (written just after the
    answer is sent: waited for, up to 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in _request_lines(log):
            if line["request_id"] == request_id:
                return int(line["pid"])
        time.sleep(0.05)
    pytest.fail(f"no log line for request {request_id}:\n{log.read_text()}")


def _fresh(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request on its own connection, so either worker may take it."""
    with httpx.Client(timeout=10) as http:
        return http.request(method, url, **kwargs)


async def test_two_workers_share_the_rate_limit_and_see_each_others_writes(
    client: httpx.AsyncClient, database_url: str, tenant: Tenant, tmp_path: Path
) -> None:
    graph = await create_graph(client, tenant.editor)
    readers = [await tenant.key(Role.viewer) for _ in range(4)]
    report_path = f"/v1/trackers/{graph.tracker['id']}/report?as_of=2026-12"
    with _two_workers(database_url, tmp_path) as (base_url, log):
        # 1. The configured limit holds in total: at least 2 x LIMIT requests, 4 at a time,
        # until both workers have answered some (at most 6 x LIMIT).
        started = time.monotonic()
        statuses: list[int] = []
        workers: set[int] = set()
        with ThreadPoolExecutor(4) as pool:
            while len(statuses) < 6 * LIMIT and (len(statuses) < 2 * LIMIT or len(workers) < 2):
                ids = [uuid.uuid4().hex for _ in range(4)]
                answers = pool.map(
                    lambda request_id: _fresh(
                        "GET",
                        f"{base_url}/v1/organization",
                        headers={**tenant.viewer, "X-Request-ID": request_id},
                    ),
                    ids,
                )
                statuses += [answer.status_code for answer in answers]
                workers |= {_worker_of(log, request_id) for request_id in ids}
        elapsed = time.monotonic() - started
        allowed = statuses.count(200)
        refilled = int(elapsed / (60 / LIMIT))  # budget regained while the loop ran
        assert len(workers) == 2, "both workers answered (else the test proves nothing)"
        assert statuses.count(429) == len(statuses) - allowed
        assert LIMIT <= allowed <= LIMIT + refilled, (allowed, elapsed)

        # 2. A write through one worker is seen by a cached read through the other.
        def read_until_both_workers_answered() -> list[Any]:
            seen: dict[int, Any] = {}
            for attempt in range(4 * LIMIT):  # spread over 4 keys: within their budgets
                request_id = f"{uuid.uuid4().hex}-{attempt}"
                headers = {**readers[attempt % len(readers)], "X-Request-ID": request_id}
                answer = _fresh("GET", base_url + report_path, headers=headers)
                assert answer.status_code == 200, answer.text
                seen.setdefault(_worker_of(log, request_id), answer.json())
                if len(seen) == 2:
                    return list(seen.values())
            pytest.fail("one worker never answered the report")

        before = read_until_both_workers_answered()  # both caches warm
        write = _fresh(
            "PUT",
            f"{base_url}/v1/calculations/{graph.calculation_id}/measurements/2026-01",
            json={"value": "150"},
            headers=tenant.editor,
        )
        assert write.status_code in (200, 201), write.text
        readers = [await tenant.key(Role.viewer) for _ in range(4)]  # fresh budgets
        after = read_until_both_workers_answered()
        expected = (await client.get(report_path, headers=tenant.admin)).json()
        assert after == [expected, expected]
        assert before[0] != expected

        # 3. /metrics sums both workers: the requests of part 1, whichever worker took them.
        metrics = _fresh(
            "GET", f"{base_url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
        assert metrics.status_code == 200
        assert _sample(metrics.text, "valuecalc_rate_limited_total") == statuses.count(429)
        # Refused before routing, a 429 has no route template.
        answered = [
            _sample(metrics.text, "valuecalc_http_requests_total", "/v1/organization", "200"),
            _sample(metrics.text, "valuecalc_http_requests_total", "unmatched", "429"),
        ]
        assert answered == [allowed, statuses.count(429)]


def _sample(text: str, name: str, route: str | None = None, status: str = "") -> float:
    """The value of one sample of `text` (of a GET of `route` answered `status`)."""
    wanted = name
    if route is not None:
        wanted += f'{{method="GET",route="{route}",status="{status}"}}'
    [value] = [line.rsplit(" ", 1)[1] for line in text.splitlines() if line.split(" ")[0] == wanted]
    return float(value)
