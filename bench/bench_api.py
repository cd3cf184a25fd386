"""How fast the API serves a large tracker report under load (`make bench-api`).

On a local PostgreSQL (TEST_DATABASE_URL's server, a fresh database; else an embedded
pgserver in a temp folder) it seeds one tracker of 50 use cases x 2 calculations x 36
months (measurements in ~90 % of months, input changes, a yearly and a one-time fee,
ramps), serves the app with uvicorn in a subprocess (one worker, rate limits off), and
drives it from a separate load-generator process (`api_load.py`, loopback only, every
phase bounded in time and requests):

1. `/healthz` (no database): the trivial endpoint's requests/s, the reference;
2. the tracker report alone, one request at a time: its service latency;
3. the tracker report alone at the same concurrency as (1): the throughput ratio;
4. mixed: report readers and measurement writers (PUT) at the same time.

It does so twice: with the report cache (`reports.cache`; repeated GETs are hits, every
PUT renews the tracker's data version so the next GET misses once), and with the cache
disabled (every report computed: the cold path). Each run has its own trivial reference.

First, a cheap request (`/healthz` without the database, `GET /v1/organization` with it,
one at a time each) on the idle server and while portfolios are computed two at a time
(the portfolio is never cached): p50 and p99, and p99 during / p99 idle of the same run;
with the GIL switch interval at Python's default 5 ms and at the app's 1 ms. `bench_api.py loop`
runs only this part.

Then, the same app with 1 and with 2 worker processes (`uvicorn --workers`): cold report
throughput at concurrency 4 and bulk measurement writes (125 rows a request, disjoint
rows, values alternating so every row is an update) at concurrency 2; and the cost of
the rate limit shared in PostgreSQL: p50 of an authenticated cheap request
(`GET /v1/organization`, one at a time) with the limit on and off. Target: the shared
limit adds <= 0.5 ms p50.

Targets: report p50 <= 30 ms; report throughput >= 0.3 x trivial. Also prints where a
report's time goes, measured in this process. Prints, never asserts.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from pydantic_core import to_json
from sqlalchemy import text

from api_seed import MONTHS, START, USE_CASES, bench_database, seed, seed_portfolio
from valuecalc_api import migrate
from valuecalc_api.db import create_engine, create_sessionmaker
from valuecalc_api.rate_limits.shared import SharedRateLimiter
from valuecalc_api.reports.bodies import body_json
from valuecalc_api.reports.loading import tracker_specs
from valuecalc_api.reports.report_payload import tracker_report_payload
from valuecalc_api.reports.repository import load_tracker_rows
from valuecalc_api.reports.schemas import TrackerReportOut
from valuecalc_api.settings import Settings
from valuecalc_core.report import tracker_report

CONCURRENCY = 4
PORTFOLIO_CONCURRENCY = 2
PORTFOLIO_TRACKERS = 6
PHASE_SECONDS = 6
MAX_REQUESTS = 5000
HERE = Path(__file__).resolve().parent


# --- where the time goes (in this process) ---------------------------------------------


async def breakdown(url: str, tracker_id: str) -> dict[str, float]:
    """Best-of-N milliseconds of each step of a report, in this process."""
    engine = create_engine(url, pool_size=1)
    sessions = create_sessionmaker(engine)
    steps: dict[str, float] = {}

    def best(name: str, seconds: float) -> None:
        steps[name] = min(steps.get(name, float("inf")), seconds * 1000)

    try:
        async with sessions() as session:
            organization_id = await session.scalar(
                text("SELECT organization_id FROM trackers WHERE id = :id"), {"id": tracker_id}
            )
        for _ in range(7):
            async with sessions() as session:
                started = time.perf_counter()
                rows = await load_tracker_rows(
                    session, organization_id, tracker_ids=[uuid.UUID(tracker_id)]
                )
                best("load (8 queries, rows)", time.perf_counter() - started)
            for name, step in _steps(rows).items():
                started = time.perf_counter()
                step()
                best(name, time.perf_counter() - started)
    finally:
        await engine.dispose()
    return steps


def _steps(rows: Any) -> dict[str, Callable[[], object]]:
    state: dict[str, Any] = {}

    def convert() -> None:
        [state["loaded"]] = tracker_specs(rows)

    def compute() -> None:
        spec = state["loaded"].spec
        state["report"] = tracker_report(spec, spec.period.last)

    def present() -> None:
        state["payload"] = tracker_report_payload(state["report"], state["loaded"])

    def serialize() -> None:
        state["json"] = to_json(state["payload"])

    def serve() -> None:
        state["body"] = body_json(TrackerReportOut, state["payload"])

    return {
        "rows -> TrackerSpec": convert,
        "core tracker_report": compute,
        "payload (strings)": present,
        "JSON of the dict": serialize,
        "JSON via the model": serve,
    }


# --- server and load -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(
    url: str,
    *,
    cache: bool,
    workers: int = 1,
    rate_limit: bool = False,
    switch_interval: float | None = None,
) -> Iterator[str]:
    """uvicorn serving the app in a subprocess; `switch_interval` sets the interpreter's
    GIL switch interval (`sys.setswitchinterval`, seconds) in it after the app's own."""
    port = _free_port()
    env = os.environ | {
        "VALUECALC_DATABASE_URL": url,
        "VALUECALC_ENVIRONMENT": "test",
        "VALUECALC_RATE_LIMIT_ENABLED": "true" if rate_limit else "false",
        "VALUECALC_RATE_LIMIT_PER_MINUTE": "100000000",  # spent, never reached
        "VALUECALC_REPORT_CACHE_ENABLED": "true" if cache else "false",
    }
    env.pop("DATABASE_URL", None)
    target = "valuecalc_api.app:create_app"
    if switch_interval is not None:
        target = "switch_interval_app:create_app"
        env["BENCH_SWITCH_INTERVAL"] = repr(switch_interval)
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--app-dir",
        str(HERE),
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, env=env, cwd=tempfile.gettempdir())
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("uvicorn did not start within 60 s")
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _plan(base_url: str, seeded: dict[str, Any], cache: bool) -> dict[str, Any]:
    report = [[f"/v1/trackers/{seeded['tracker_id']}/report", None]]
    # Values drawn per run, with decimals, so a PUT almost never writes the value already
    # stored (an unchanged value is not a write, and would leave the data version as is).
    rng = random.Random(7 + cache)
    puts = [
        [
            f"/v1/calculations/{calculation_id}/measurements/{START + rng.randrange(MONTHS)}",
            {"value": f"{rng.randint(100, 400)}.{rng.randint(0, 99):02d}", "source": "bench"},
        ]
        for _ in range(3)  # the plan goes on a command line: keep it short
        for calculation_id in seeded["calculations"]
    ]
    healthz = [["/healthz", None]]
    small = [[f"/v1/trackers/{seeded['small_tracker_id']}/report", None]]

    def phase(name: str, *streams: tuple[str, str, list[Any], int]) -> dict[str, Any]:
        return {
            "name": name,
            "seconds": PHASE_SECONDS,
            "max_requests": MAX_REQUESTS,
            "streams": [
                {"label": label, "method": method, "requests": requests, "concurrency": workers}
                for label, method, requests, workers in streams
            ],
        }

    warmup = phase("warmup", ("report", "GET", report, 2), ("put", "PUT", puts, 1))
    warmup["seconds"] = 2
    state = "warm cache" if cache else "cold, no cache"
    return {
        "base_url": base_url,
        "headers": {"Authorization": f"Bearer {seeded['key']}"},
        "phases": [
            warmup,
            phase("trivial", ("healthz", "GET", healthz, CONCURRENCY)),
            phase(f"report, one at a time, {state}", ("report", "GET", report, 1)),
            phase(f"small report, one at a time, {state}", ("small report", "GET", small, 1)),
            phase(f"report alone, {state}", ("report", "GET", report, CONCURRENCY)),
            phase(
                "mixed: every PUT invalidates" if cache else "mixed, no cache",
                ("report", "GET", report, CONCURRENCY - 1),
                ("put measurement", "PUT", puts, 1),
            ),
        ],
    }


def _phase(name: str, *streams: tuple[Any, ...]) -> dict[str, Any]:
    """Streams of (label, method, requests, concurrency[, another key than the plan's])."""
    return {
        "name": name,
        "seconds": PHASE_SECONDS,
        "max_requests": MAX_REQUESTS,
        "streams": [
            {"label": label, "method": method, "requests": requests, "concurrency": workers}
            | ({"headers": {"Authorization": f"Bearer {key[0]}"}} if key else {})
            for label, method, requests, workers, *key in streams
        ],
    }


def _bulk_bodies(seeded: dict[str, Any]) -> list[list[Any]]:
    """8 bulk requests: 4 disjoint groups of 125 rows, each with two sets of values sent in
    turn, so every row a request sends changes (an update, not an unchanged row)."""
    calculations: list[str] = seeded["calculations"]
    path = f"/v1/trackers/{seeded['tracker_id']}/measurements/bulk"
    groups = [calculations[i::4][:25] for i in range(4)]
    bodies = []
    for values in (0, 1):
        rng = random.Random(values)
        for group in groups:
            rows = [
                {
                    "calculation_id": str(calculation_id),
                    "month": str(START + month),
                    "value": f"{rng.randint(100, 400)}.{rng.randint(0, 99):02d}",
                }
                for calculation_id in group
                for month in range(5)
            ]
            bodies.append([path, {"rows": rows}])
    return bodies


def _run_plan(plan: dict[str, Any]) -> dict[str, Any]:
    load = subprocess.run(
        [sys.executable, str(HERE / "api_load.py"), "-"],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        check=True,
        timeout=len(plan["phases"]) * (PHASE_SECONDS + 60),
    )
    results: dict[str, Any] = json.loads(load.stdout)
    return results


def _throughput(phase: dict[str, Any], label: str) -> tuple[float, float]:
    """(requests/s, p50 ms) of a stream's successful requests."""
    latencies = phase["streams"][label]["latencies_ms"]
    if not latencies:
        return 0.0, float("nan")
    return len(latencies) / phase["wall_seconds"], statistics.median(latencies)


def bench_workers(url: str, seeded: dict[str, Any]) -> None:
    """Cold report and bulk-write throughput with 1 and with 2 worker processes."""
    report = [[f"/v1/trackers/{seeded['tracker_id']}/report", None]]
    bodies = _bulk_bodies(seeded)
    figures: dict[int, dict[str, tuple[float, float]]] = {}
    for workers in (1, 2):
        with serving(url, cache=False, workers=workers) as base_url:
            warmup = _phase("warmup", ("report", "GET", report, 2), ("bulk", "POST", bodies, 1))
            warmup["seconds"] = 2
            plan = {
                "base_url": base_url,
                "headers": {"Authorization": f"Bearer {seeded['key']}"},
                "phases": [
                    warmup,
                    _phase("report", ("report", "GET", report, CONCURRENCY)),
                    _phase("bulk", ("bulk", "POST", bodies, 2)),
                ],
            }
            results = _run_plan(plan)
        figures[workers] = {
            "report": _throughput(results["report"], "report"),
            "bulk": _throughput(results["bulk"], "bulk"),
        }
        for name in ("report", "bulk"):
            if results[name]["streams"][name]["failed"]:
                stream = results[name]["streams"][name]
                print(
                    f"    ({workers} workers, {name}: {stream['failed']} failed: {stream['errors'][:1]})"
                )
    print(
        f"  1 vs 2 worker processes ({os.cpu_count()} CPUs), load average {os.getloadavg()[0]:.2f}:"
    )
    for name, what in (
        ("report", "cold report, concurrency 4"),
        ("bulk", "bulk 125 rows, conc. 2"),
    ):
        (one, one_p50), (two, two_p50) = figures[1][name], figures[2][name]
        ratio = two / one if one else float("nan")
        print(
            f"    {what:28s} 1 worker {one:7.1f} req/s (p50 {one_p50:6.1f} ms)   "
            f"2 workers {two:7.1f} req/s (p50 {two_p50:6.1f} ms)   2/1 = {ratio:.2f}x"
        )


def bench_rate_limit(url: str, seeded: dict[str, Any]) -> None:
    """p50 of an authenticated cheap request with the shared rate limit off and on: two
    servers side by side, asked in turns (which goes first alternates), so a change of the
    machine's load hits both alike; also the median of the paired differences."""
    headers = {"Authorization": f"Bearer {seeded['key']}"}
    latencies: dict[bool, list[float]] = {False: [], True: []}
    differences: list[float] = []
    with (
        serving(url, cache=True, rate_limit=False) as without,
        serving(url, cache=True, rate_limit=True) as with_limit,
        httpx.Client(headers=headers, timeout=10) as http,
    ):
        bases = {False: without, True: with_limit}

        def timed(limited: bool) -> float:
            started = time.perf_counter()
            answer = http.get(f"{bases[limited]}/v1/organization")
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise RuntimeError(f"GET /v1/organization answered {answer.status_code}")
            return elapsed

        for _ in range(200):  # warm up both (connections, prepared statements)
            timed(False)
            timed(True)
        deadline = time.monotonic() + 2 * PHASE_SECONDS
        pair = 0
        while time.monotonic() < deadline and pair < 5000:
            order = (False, True) if pair % 2 == 0 else (True, False)
            measured = {limited: timed(limited) for limited in order}
            for limited, ms in measured.items():
                latencies[limited].append(ms)
            differences.append(measured[True] - measured[False])
            pair += 1
    p50 = {limited: statistics.median(values) for limited, values in latencies.items()}
    print(
        f"  shared rate limit, GET /v1/organization one at a time ({pair} pairs, "
        f"load average {os.getloadavg()[0]:.2f}):"
    )
    print(
        f"    p50 without {p50[False]:.3f} ms, with {p50[True]:.3f} ms: "
        f"+{p50[True] - p50[False]:.3f} ms; median paired difference "
        f"{statistics.median(differences):+.3f} ms (target <= 0.5 ms)"
    )
    print(f"    the spend alone, in this process: p50 {asyncio.run(_spend_p50(url)):.3f} ms")


async def _spend_p50(url: str, count: int = 2000) -> float:
    """p50 of `SharedRateLimiter.take` (one statement on a pooled connection)."""
    engine = create_engine(url)
    limiter = SharedRateLimiter(engine, 100_000_000)
    try:
        for _ in range(200):
            await limiter.take("key:bench")
        times = []
        for _ in range(count):
            started = time.perf_counter()
            await limiter.take("key:bench")
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)
    finally:
        await engine.dispose()


def bench_event_loop(url: str, seeded: dict[str, Any], portfolio_key: str) -> None:
    """A cheap request's p50 / p99, one at a time, on an idle server and while portfolios
    (`PORTFOLIO_TRACKERS` trackers like the big one, always computed: no cache) are being
    computed two at a time, in the same run; the GIL's switch interval at Python's default
    (5 ms) and at 1 ms (the app's, `cpu_work`)."""
    cheap = {"healthz": [["/healthz", None]], "organization": [["/v1/organization", None]]}
    portfolio = [["/v1/reports/portfolio", None]]
    print(
        f"  a cheap request while portfolios of {PORTFOLIO_TRACKERS} such trackers compute "
        f"(cheap: one at a time; portfolio: {PORTFOLIO_CONCURRENCY} at a time), "
        f"load average {os.getloadavg()[0]:.2f}:"
    )
    for switch_interval in (0.005, 0.001):
        with serving(url, cache=True, switch_interval=switch_interval) as base_url:
            warmup = _phase("warmup", ("portfolio", "GET", portfolio, 1, portfolio_key))
            warmup["seconds"] = 4
            plan = {
                "base_url": base_url,
                "headers": {"Authorization": f"Bearer {seeded['key']}"},
                "phases": [
                    warmup,
                    _phase("idle", *((label, "GET", r, 1) for label, r in cheap.items())),
                    _phase(
                        "busy",
                        *((label, "GET", r, 1) for label, r in cheap.items()),
                        ("portfolio", "GET", portfolio, PORTFOLIO_CONCURRENCY, portfolio_key),
                    ),
                ],
            }
            results = _run_plan(plan)
        interval = f"{switch_interval * 1000:g} ms"
        busy = results["busy"]["streams"]
        computed, portfolio_p50 = _throughput(results["busy"], "portfolio")
        print(
            f"    switch interval {interval}: portfolio p50 {portfolio_p50:.1f} ms, "
            f"{computed:.1f}/s, failed {busy['portfolio']['failed']}"
        )
        for label in cheap:
            idle_ms = results["idle"]["streams"][label]["latencies_ms"]
            busy_ms = busy[label]["latencies_ms"]
            if not idle_ms or not busy_ms:
                print(f"      {label:14s} no successful request: {busy[label]['errors'][:1]}")
                continue
            idle_p99, busy_p99 = _percentile(idle_ms, 0.99), _percentile(busy_ms, 0.99)
            print(
                f"      {label:14s} idle p50 {statistics.median(idle_ms):6.2f} p99 "
                f"{idle_p99:6.2f} ms | during portfolios p50 {statistics.median(busy_ms):6.2f} "
                f"p99 {busy_p99:6.2f} max {max(busy_ms):6.1f} ms (n={len(busy_ms)}) | p99 busy/idle "
                f"{busy_p99 / idle_p99:5.1f}x (target: p99 <= 50 ms)"
            )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _print_results(results: dict[str, Any]) -> None:
    trivial = results["trivial"]
    trivial_rps = len(trivial["streams"]["healthz"]["latencies_ms"]) / trivial["wall_seconds"]
    for name, phase in results.items():
        if name == "warmup":
            continue
        print(f"  {name} ({phase['wall_seconds']:.1f} s):")
        for label, stream in phase["streams"].items():
            latencies = stream["latencies_ms"]
            if not latencies:
                print(f"    {label:16s} no successful request; errors: {stream['errors']}")
                continue
            rps = len(latencies) / phase["wall_seconds"]
            line = (
                f"    {label:16s} n={len(latencies):5d}  p50 {statistics.median(latencies):7.1f} ms"
                f"  p99 {_percentile(latencies, 0.99):7.1f} ms  {rps:8.1f} req/s"
            )
            if label != "healthz":
                line += f"  ({rps / trivial_rps:.3f} x trivial)"
            if stream["failed"]:
                line += f"  failed {stream['failed']}: {stream['errors'][:1]}"
            if label == "report" and "mixed" in name:
                line += f"  ({stream['distinct_etags']} report versions seen)"
            print(line)


def main() -> None:
    """Every section; `bench_api.py loop` runs only the event-loop one."""
    only_loop = sys.argv[1:] == ["loop"]
    settings = Settings(_env_file=None, environment="test")
    print(f"bench-api: one tracker, {USE_CASES} use cases x 2 calculations x {MONTHS} months")
    print(f"  machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    with bench_database() as url:
        migrate.upgrade(url)
        started = time.perf_counter()
        seeded = asyncio.run(seed(url, settings))
        print(f"  seeded in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        portfolio_key = asyncio.run(seed_portfolio(url, settings, PORTFOLIO_TRACKERS))
        print(
            f"  portfolio of {PORTFOLIO_TRACKERS} seeded in {time.perf_counter() - started:.1f} s"
        )
        bench_event_loop(url, seeded, portfolio_key)
        if only_loop:
            return
        steps = asyncio.run(breakdown(url, seeded["tracker_id"]))
        print("  one report in this process, best of 7:")
        for name, ms in steps.items():
            print(f"    {name:24s} {ms:7.2f} ms")
        # The route serves the JSON via the model; the dict's plain JSON is its reference.
        served = sum(ms for name, ms in steps.items() if name != "JSON of the dict")
        print(f"    {'sum (as served)':24s} {served:7.2f} ms")
        ratio = steps["JSON via the model"] / steps["JSON of the dict"]
        print(f"    via the model / dict JSON: {ratio:.2f}x")
        for cache in (True, False):
            with serving(url, cache=cache) as base_url:
                plan = json.dumps(_plan(base_url, seeded, cache))
                load = subprocess.run(
                    [sys.executable, str(HERE / "api_load.py"), plan],
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=len(json.loads(plan)["phases"]) * (PHASE_SECONDS + 60),
                )
            print(
                f"  {'WITH the report cache' if cache else 'WITHOUT the report cache (cold)'}, "
                f"under load from a separate process (concurrency {CONCURRENCY}, loopback), "
                f"load average {os.getloadavg()[0]:.2f}:"
            )
            _print_results(json.loads(load.stdout))
        bench_rate_limit(url, seeded)
        bench_workers(url, seeded)
    print(f"  load average {os.getloadavg()[0]:.2f} at the end (2 shared cores: figures vary)")
    print("  targets: report p50 <= 30 ms (one at a time); report >= 0.3 x trivial throughput")


if __name__ == "__main__":
    main()
