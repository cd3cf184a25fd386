"""CPU per warm cached tracker report in this process, against `/healthz` in the same run,
and what FastAPI's own handling of the route's signature costs.

Raw ASGI calls (no sockets, no HTTP client): the app is created and started as uvicorn
would, the report is computed once, then each run times `ROUNDS` x `REQUESTS` warm hits
with `time.process_time` (the process's CPU, so the load of other work on the machine
moves it less than wall time). Printed: each round's CPU per request, and the report's
median as a multiple of `/healthz`'s.

To compare with another checkout (say main before a change), run this file with that
checkout's code first on the path, alternating:
`PYTHONPATH=<checkout>/src .venv/bin/python bench/cached_read_cpu.py`.

The stand-in apps (`floor`) have the cached reads' route signature and no middleware, no
I/O: a bare route, then the read dependency, the session dependency (a generator closed
before the response), and the declared path and query parameters, one after the other.
"""

from __future__ import annotations

import asyncio
import enum
import os
import statistics
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response

from api_seed import bench_database, seed
from valuecalc_api import migrate
from valuecalc_api.settings import Settings

ROUNDS = 5
REQUESTS = 400
ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def _call(app: ASGIApp, path: str, headers: list[tuple[bytes, bytes]]) -> int:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": list(headers),
        "client": ("127.0.0.1", 40000),
        "server": ("bench", 80),
    }
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


async def _cpu_per_request(
    app: ASGIApp, path: str, headers: list[tuple[bytes, bytes]]
) -> list[float]:
    """CPU milliseconds per request of each round, after 50 requests of warm-up."""
    for _ in range(50):
        status = await _call(app, path, headers)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    rounds = []
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(REQUESTS):
            await _call(app, path, headers)
        rounds.append((time.process_time() - started) / REQUESTS * 1000)
    return rounds


def _line(label: str, rounds: list[float]) -> str:
    each = " ".join(f"{r:.3f}" for r in rounds)
    return f"    {label:34s} median {statistics.median(rounds):.3f} ms  ({each})"


async def warm_hits(url: str, seeded: dict[str, Any]) -> None:
    os.environ.update(
        {
            "VALUECALC_DATABASE_URL": url,
            "VALUECALC_ENVIRONMENT": "test",
            "VALUECALC_RATE_LIMIT_ENABLED": "false",
            "VALUECALC_REPORT_CACHE_ENABLED": "true",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    from valuecalc_api.app import create_app

    app = create_app()
    report = f"/v1/trackers/{seeded['tracker_id']}/report"
    key = [(b"host", b"bench"), (b"authorization", f"Bearer {seeded['key']}".encode())]
    identity = [*key, (b"accept-encoding", b"identity")]
    gzip = [*key, (b"accept-encoding", b"gzip, deflate")]
    async with app.router.lifespan_context(app):
        healthz = await _cpu_per_request(app, "/healthz", identity)
        plain = await _cpu_per_request(app, report, identity)
        packed = await _cpu_per_request(app, report, gzip)
    print(f"  CPU per request in this process ({ROUNDS} x {REQUESTS}):")
    print(_line("/healthz", healthz))
    print(_line("warm report, identity", plain))
    print(_line("warm report, gzip", packed))
    base = statistics.median(healthz)
    print(
        f"    warm report / healthz: {statistics.median(plain) / base:.1f}x identity, "
        f"{statistics.median(packed) / base:.1f}x gzip"
    )


class _Format(enum.StrEnum):
    JSON = "json"
    CSV = "csv"


# At module level: the routes' annotations are strings, resolved in this module.
async def read(request: Request) -> int:
    return 1


async def session(request: Request) -> AsyncIterator[int]:
    yield 2


def _stand_in(step: int) -> FastAPI:
    """The route signature up to `step`: 0 bare, 1 + read dependency, 2 + session
    dependency, 3 + the declared tracker_id, as_of and format parameters."""
    body = b"x" * 1000
    app = FastAPI()
    path = "/v1/trackers/{tracker_id}/report"
    if step == 0:

        async def bare(request: Request) -> Response:
            return Response(body, media_type="application/json")

        app.get(path)(bare)
    elif step == 1:

        async def with_read(request: Request, r: Annotated[int, Depends(read)]) -> Response:
            return Response(body, media_type="application/json")

        app.get(path)(with_read)
    elif step == 2:

        async def with_session(
            request: Request,
            r: Annotated[int, Depends(read)],
            s: Annotated[int, Depends(session, scope="function")],
        ) -> Response:
            return Response(body, media_type="application/json")

        app.get(path)(with_session)
    else:

        async def full(
            tracker_id: uuid.UUID,
            request: Request,
            r: Annotated[int, Depends(read)],
            s: Annotated[int, Depends(session, scope="function")],
            as_of: Annotated[str | None, Query()] = None,
            format_: Annotated[
                _Format | None, Query(alias="format", include_in_schema=False)
            ] = None,
        ) -> Response:
            return Response(body, media_type="application/json")

        app.get(path)(full)
    return app


async def floor() -> None:
    body = b"x" * 1000

    async def raw(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await Response(body, media_type="application/json")(scope, receive, send)

    path = f"/v1/trackers/{uuid.uuid4()}/report"
    headers = [(b"host", b"bench")]
    print("  FastAPI's handling of the cached reads' route signature (no middleware, no I/O):")
    print(_line("raw ASGI answer", await _cpu_per_request(raw, path, headers)))
    labels = ["bare route", "+ read dependency", "+ session dependency", "+ declared parameters"]
    for step, label in enumerate(labels):
        print(_line(label, await _cpu_per_request(_stand_in(step), path, headers)))


def main() -> None:
    print(f"cached-read CPU: load average {os.getloadavg()[0]:.2f} at start")
    with bench_database() as url:
        migrate.upgrade(url)
        seeded = asyncio.run(seed(url, Settings(_env_file=None, environment="test")))
        asyncio.run(warm_hits(url, seeded))
    asyncio.run(floor())
    print(f"  load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
