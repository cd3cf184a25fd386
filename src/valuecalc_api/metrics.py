"""Prometheus metrics (`prometheus-client`), one set per process, summed across workers.

`valuecalc serve` points `PROMETHEUS_MULTIPROC_DIR` at a fresh directory before any worker
starts, so each process writes its samples there and whichever process answers a scrape
reports the sum of all (prometheus-client's multiprocess mode; the pool gauge counts
live processes only). Without that variable (tests, an app built by hand) the process's
own registry is reported.

The instruments are made on first use, not at import: prometheus-client decides between
in-memory and multiprocess values when its values are created, which must come after
`serve` has set the directory.

`/metrics` answers only `Authorization: Bearer <VALUECALC_METRICS_TOKEN>`; with
`VALUECALC_METRICS_PORT` the `serve` process also answers on that port (no token: bind it
to a private interface); with neither it answers 404.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from valuecalc_api.settings import Settings

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# Seconds: a cached report is ~3 ms, a cold one ~80 ms, a 10,000-row bulk write ~0.5 s.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
WRITTEN_STATUSES = ("created", "updated", "deleted")


@dataclass(frozen=True)
class Instruments:
    requests: Counter
    latency: Histogram
    pool_in_use: Gauge
    report_cache: Counter
    bulk_rows: Counter
    idempotent_replays: Counter
    rate_limited: Counter


@cache
def instruments() -> Instruments:
    from prometheus_client import Counter, Gauge, Histogram

    return Instruments(
        requests=Counter(
            "valuecalc_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
        ),
        latency=Histogram(
            "valuecalc_http_request_duration_seconds",
            "Time from request to the end of the answer, by route template and method.",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
        ),
        pool_in_use=Gauge(
            "valuecalc_db_pool_connections_in_use",
            "Database connections checked out of the pools (live processes).",
            multiprocess_mode="livesum",
        ),
        report_cache=Counter(
            "valuecalc_report_cache_lookups",
            "Report cache lookups, by result (hit or miss).",
            ["result"],
        ),
        bulk_rows=Counter(
            "valuecalc_bulk_rows_written",
            "Rows written by bulk requests, by status (created, updated, deleted).",
            ["status"],
        ),
        idempotent_replays=Counter(
            "valuecalc_idempotent_replays",
            "Requests answered by replaying the stored answer of their Idempotency-Key.",
        ),
        rate_limited=Counter(
            "valuecalc_rate_limited", "Requests refused with 429 (rate limit exceeded)."
        ),
    )


def report_cache_lookup(hit: bool) -> None:
    instruments().report_cache.labels("hit" if hit else "miss").inc()


def bulk_rows_written(counts: Mapping[str, int]) -> None:
    rows = instruments().bulk_rows
    for status in WRITTEN_STATUSES:
        if counts.get(status):
            rows.labels(status).inc(counts[status])


def watch_pool(engine: AsyncEngine) -> None:
    """Keep `pool_in_use` up to date from the pool's checkout and checkin events."""
    gauge = instruments().pool_in_use

    def checked_out(*_: Any) -> None:
        gauge.inc()

    def checked_in(*_: Any) -> None:
        gauge.dec()

    event.listen(engine.sync_engine.pool, "checkout", checked_out)
    event.listen(engine.sync_engine.pool, "checkin", checked_in)


def _registry() -> CollectorRegistry:
    from prometheus_client import REGISTRY, CollectorRegistry, multiprocess

    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def exposition() -> tuple[bytes, str]:
    """The current samples in the Prometheus text format, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    instruments()  # every family appears, even before its first sample
    return generate_latest(_registry()), CONTENT_TYPE_LATEST


def process_stopped() -> None:
    """Drop this process's live gauges from the multiprocess files (lifespan end)."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def serve_metrics_port(host: str, port: int) -> None:
    """Answer scrapes on `host:port` from a thread of the calling process."""
    from prometheus_client import start_http_server

    start_http_server(port, addr=host, registry=_registry())


def _token_matches(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


async def metrics_endpoint(request: Request) -> Response:
    """`GET /metrics`: the samples for a caller with the metrics token; 404 otherwise, so
    the path reveals nothing to anyone else."""
    settings: Settings = request.app.state.settings
    token = settings.metrics_token
    if token is None or not _token_matches(request, token.get_secret_value()):
        raise HTTPException(404)  # the app's problem+json 404, as for any unknown path
    body, content_type = exposition()
    return Response(body, media_type=content_type)
