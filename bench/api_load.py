"""A small load generator for `bench_api.py`, run in its own process (loopback only).

Reads one JSON plan from argv[1] (or standard input if it is `-`): {"base_url", "headers", "phases": [{"name", "seconds",
"max_requests", "streams": [{"label", "method", "requests": [[path, body|null], ...],
"concurrency", optional "headers" replacing the plan's}]}]}. Each stream's workers send its requests in turn (cycling) until the
phase's time or request budget is spent; every phase is bounded by both. Prints one JSON
object: per phase and stream, the latencies (ms) of successful requests, the count of
failed ones (status >= 400 or transport errors), how many distinct ETags the stream
saw (report versions), and the phase's wall time.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from typing import Any

import httpx


async def _worker(
    client: httpx.AsyncClient,
    stream: dict[str, Any],
    requests: itertools.cycle[list[Any]],
    deadline: float,
    budget: list[int],
    result: dict[str, Any],
) -> None:
    method = stream["method"]
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1
        path, body = next(requests)
        started = time.perf_counter()
        try:
            response = await client.request(method, path, json=body, headers=stream.get("headers"))
            await response.aread()
            failed = response.status_code >= 400
            if "etag" in response.headers:
                result["etags"].add(response.headers["etag"])
            if failed and len(result["errors"]) < 3:
                result["errors"].append(f"{response.status_code} {response.text[:200]}")
        except httpx.HTTPError as error:
            failed = True
            if len(result["errors"]) < 3:
                result["errors"].append(repr(error))
        elapsed = (time.perf_counter() - started) * 1000
        if failed:
            result["failed"] += 1
        else:
            result["latencies_ms"].append(elapsed)


async def _phase(client: httpx.AsyncClient, phase: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    deadline = started + phase["seconds"]
    budget = [phase["max_requests"]]
    results: dict[str, Any] = {}
    tasks = []
    for stream in phase["streams"]:
        result: dict[str, Any] = {"latencies_ms": [], "failed": 0, "errors": [], "etags": set()}
        results[stream["label"]] = result
        requests = itertools.cycle(stream["requests"])
        tasks += [
            _worker(client, stream, requests, deadline, budget, result)
            for _ in range(stream["concurrency"])
        ]
    await asyncio.gather(*tasks)
    for result in results.values():
        result["distinct_etags"] = len(result.pop("etags"))
    return {"wall_seconds": time.perf_counter() - started, "streams": results}


async def main(plan: dict[str, Any]) -> dict[str, Any]:
    assert plan["base_url"].startswith(("http://127.0.0.1:", "http://localhost:"))
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(
        base_url=plan["base_url"], headers=plan["headers"], limits=limits, timeout=60
    ) as client:
        return {phase["name"]: await _phase(client, phase) for phase in plan["phases"]}


if __name__ == "__main__":
    given = sys.stdin.read() if sys.argv[1] == "-" else sys.argv[1]
    print(json.dumps(asyncio.run(main(json.loads(given)))))
