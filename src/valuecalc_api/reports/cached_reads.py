"""Answering a tracker's read: 304, from the cache, or computed in one snapshot.

The request path on a hit: one query (`tracker_read.read_tracker`, in autocommit, no
transaction) that resolves the key and reads the tracker (only if it belongs to the
key's organization) and its data version; then the key's tracker scope is checked and
the cached bytes are sent.
On a miss the read runs in one REPEATABLE READ snapshot that reads the data version first
and then the data, so the stored entry holds exactly the data that version names
(migration 0005), and no write that commits meanwhile can tear the report.

Concurrent misses of one key and version (every reader right after a write) compute it
once: the first computes, the others wait for its bytes (`_Flights`). What they get was
read at least as late as the version they saw, so it is never older than a computation
of their own would have been.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api import metrics
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.db import begin_snapshot, release_connection
from valuecalc_api.problems import not_found
from valuecalc_api.reports import repository
from valuecalc_api.reports.cache import (
    CachedResponse,
    ReportKey,
    ResponseCache,
    cached_entry,
    etag_of,
    matches_if_none_match,
    not_modified,
    report_cache,
    validators,
)
from valuecalc_api.reports.repository import TrackerDataState

# A computed response and the parameters it was computed with, resolved in the snapshot
# (they can differ from the key's if the contract period changed in between).
Built = tuple[Response, tuple[str, ...]]


async def tracker_state(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID
) -> TrackerDataState:
    """The tracker's period and data version; 404 if not the organization's or the key's.
    (A tracker's own reads get it with the key instead: `tracker_read.read_tracker`.)"""
    principal.check_tracker(tracker_id)
    state = await repository.tracker_data_state(session, principal.organization_id, tracker_id)
    if state is None:
        raise not_found("tracker")
    return state


# A computation in flight: its result (the entry and the version it holds), or None if it
# failed or could not be kept (the waiters then compute for themselves).
_Flight = asyncio.Future[tuple[CachedResponse, int] | None]


def _flights(app: FastAPI) -> dict[tuple[ReportKey, int], _Flight]:
    flights: dict[tuple[ReportKey, int], _Flight] | None = getattr(
        app.state, "report_flights", None
    )
    if flights is None:
        flights = app.state.report_flights = {}
    return flights


def cached_answer(
    app: FastAPI, if_none_match: str | None, key: ReportKey, version: int | None
) -> Response | None:
    """304 if `if_none_match` names the current tag, else the cached bytes of `key` at
    `version`; None when neither applies (no version, cache off, or a miss)."""
    cache = report_cache(app)
    if version is None or cache is None:
        return None
    etag = etag_of(key, version)
    if matches_if_none_match(if_none_match, etag):
        return not_modified(etag)
    entry = cache.get(key, version)
    metrics.report_cache_lookup(hit=entry is not None)
    return None if entry is None else entry.response(etag)


async def respond(
    request: Request,
    session: AsyncSession,
    key: ReportKey,
    version: int | None,
    build: Callable[[], Awaitable[Built]],
) -> Response:
    """304 if `If-None-Match` names the current tag, the cached bytes if any, else `build()`
    in a fresh snapshot, kept under the version that snapshot read."""
    answer = cached_answer(request.app, request.headers.get("if-none-match"), key, version)
    if answer is not None:
        return answer
    cache = report_cache(request.app)
    if version is None or cache is None:
        return (await _computed(session, key, build, cache))[0]
    flights = _flights(request.app)
    pending = flights.get((key, version))
    if pending is not None:
        # Hold no connection while waiting: the computing request may need one.
        await release_connection(session)
        shared = await asyncio.shield(pending)
        if shared is not None:
            entry, computed_version = shared
            return entry.response(etag_of(key, computed_version))
        return (await _computed(session, key, build, cache))[0]
    flight: _Flight = asyncio.get_running_loop().create_future()
    flights[(key, version)] = flight
    result: tuple[CachedResponse, int] | None = None
    try:
        response, result = await _computed(session, key, build, cache)
        return response
    finally:
        del flights[(key, version)]
        flight.set_result(result)


async def _computed(
    session: AsyncSession,
    key: ReportKey,
    build: Callable[[], Awaitable[Built]],
    cache: ResponseCache | None,
) -> tuple[Response, tuple[CachedResponse, int] | None]:
    """`build()` in a fresh snapshot; tagged and kept if it is what `key` describes. Also
    returns what it kept and under which data version (None if it kept nothing)."""
    await begin_snapshot(session)
    version = await repository.data_version(session, key.tracker_id)
    response, used = await build()
    if version is None or used != key.parameters or response.status_code != 200:
        return response, None  # not describable by the key: served, not kept, no tag
    response.headers.update(validators(etag_of(key, version)))
    entry = cached_entry(response)
    if cache is not None:
        cache.put(key, version, entry)
    return response, (entry, version)
