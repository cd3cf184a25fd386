"""Answering a chart: where its figures come from, and the one path every form takes.

A chart family (tracker, calculation, portfolio; later revenue and health) is a FastAPI
dependency that resolves the caller's object and returns a `ChartSource`: what the
chart depends on (tracker and data version, resolved parameters) and how to build its
spec from the report's payload. `answer` then serves any form through the report cache
(`reports.cached_reads`): 304 when `If-None-Match` names the current tag, the cached bytes
when the data version is unchanged, else build and render once.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from fastapi import Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.charts import render
from valuecalc_api.charts.vega import ChartForm, ChartOptions, Spec
from valuecalc_api.db import begin_snapshot
from valuecalc_api.problems import invalid
from valuecalc_api.reports import cached_reads
from valuecalc_api.reports.cache import (
    ReportKey,
    cached_entry,
    etag_of,
    matches_if_none_match,
    not_modified,
    report_cache,
    validators,
)
from valuecalc_api.reports.cached_reads import Built

# The query parameters every chart operation takes (and `format`, the alias only).
OPTION_PARAMETERS = frozenset({"width", "height", "scale", "theme"})
# Served with every chart and the renewal pack: opened in a browser, nothing in them may
# run or load anything (defence in depth: they hold no script and no URL).
DOCUMENT_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}
# A chart over many trackers is keyed under this id (no tracker's data version names it).
NO_TRACKER = uuid.UUID(int=0)

BuildSpec = Callable[[ChartOptions], Awaitable[tuple[Spec, tuple[str, ...]]]]
# What a chart spanning trackers depends on, read in the snapshot it is built in: a digest
# of every tracker's data version (None when one has no version: then it is not cached).
SpanningVersion = Callable[[], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class ChartSource:
    """What one chart request draws.

    `version` is the tracker's data version (None when the chart spans trackers: then
    `spanning_version` names their data, or the chart is computed each time and tagged by
    its content). `parameters` are the request's
    resolved parameters; `build` returns the spec and the parameters it was really built
    with (read in the snapshot: they differ if the contract changed meanwhile)."""

    kind: str
    organization_id: uuid.UUID
    tracker_id: uuid.UUID | None
    version: int | None
    parameters: tuple[str, ...]
    build: BuildSpec
    filename: str
    query_names: Collection[str] = ()
    spanning_version: SpanningVersion | None = None


def spec_bytes(spec: Spec) -> bytes:
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":")).encode()


def check_query(request: Request, allowed: Collection[str]) -> None:
    """Refuse any query parameter the operation does not take (a `url`, `data`, ...):
    nothing a caller sends can reach a chart but the documented, checked options."""
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        raise invalid(
            [
                {
                    "field": f"query.{name[:100]}",
                    "code": "unknown_parameter",
                    "message": "This operation takes only the parameters "
                    f"{', '.join(sorted(allowed))}.",
                }
                for name in unknown
            ]
        )


async def answer(
    request: Request,
    session: AsyncSession,
    source: ChartSource,
    options: ChartOptions,
    form: ChartForm,
    *,
    negotiated: bool = False,
) -> Response:
    """The chart in `form`: from the cache keyed by the data version, or built now."""
    names = OPTION_PARAMETERS | set(source.query_names) | ({"format"} if negotiated else set())
    check_query(request, names)
    fixed = (*options.parameters(), render.renderer_version())
    key = ReportKey(
        f"chart:{source.kind}:{form.value}",
        source.organization_id,
        source.tracker_id or NO_TRACKER,
        (*source.parameters, *fixed),
    )
    disposition = f'inline; filename="{source.filename}.{form.value}"'

    async def build() -> Built:
        spec, used = await source.build(options)
        if form is ChartForm.VEGA_LITE:
            body = spec_bytes(spec)
        else:
            body = await render.off_the_loop(lambda: render.rendered(spec, form, options.scale))
        response = Response(
            body,
            media_type=form.media_type,
            headers={"Content-Disposition": disposition, **DOCUMENT_HEADERS},
        )
        return response, (*used, *fixed)

    if source.version is not None and source.tracker_id is not None:
        return await cached_reads.respond(request, session, key, source.version, build)
    if source.spanning_version is not None:
        cached = await _spanning(request, session, key, source.spanning_version, build)
        if cached is not None:
            return cached
    response, _ = await build()
    # Not describable by data versions: the tag is the content's.
    etag = f'"c-{hashlib.sha256(bytes(response.body)).hexdigest()[:32]}"'
    if matches_if_none_match(request.headers.get("if-none-match"), etag):
        return not_modified(etag)
    response.headers.update(validators(etag))
    return response


async def _spanning(
    request: Request,
    session: AsyncSession,
    key: ReportKey,
    spanning_version: SpanningVersion,
    build: Callable[[], Awaitable[Built]],
) -> Response | None:
    """A chart over many trackers, cached under the digest of their data versions: the
    digest and the figures are read in one snapshot, so an entry holds exactly the data
    its digest names. None when a tracker has no version (then computed as it is)."""
    await begin_snapshot(session)
    digest = await spanning_version()
    if digest is None:
        return None
    keyed = ReportKey(key.kind, key.organization_id, key.tracker_id, (*key.parameters, digest))
    answer = cached_reads.cached_answer(request.app, request.headers.get("if-none-match"), keyed, 0)
    if answer is not None:
        return answer
    response, _ = await build()
    response.headers.update(validators(etag_of(keyed, 0)))
    cache = report_cache(request.app)
    if cache is not None:
        cache.put(keyed, 0, cached_entry(response))
    return response
