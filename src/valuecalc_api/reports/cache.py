"""Serialized reports kept in memory, keyed by the tracker's data version.

A report is a pure function of the tracker's data, the request's parameters and the
code. The data is named by `tracker_data_versions.version` (migration 0005: database
triggers renew it on every write a report depends on, whatever code path wrote it), so
an entry keyed by (organization, tracker, version, kind, parameters) can never be stale:
any write makes the next request look up a different key. Old entries are simply never
asked for again and age out of the LRU.

Bounded by entry count and total bytes (settings `report_cache_max_entries`,
`report_cache_max_bytes`). Each worker process has its own cache; they agree on ETags
because the tag is derived from the key and the code, not from the process.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from fastapi import FastAPI, Response

import valuecalc_api
import valuecalc_core
from valuecalc_api.settings import Settings


@dataclass(frozen=True, slots=True)
class ReportKey:
    """What a response depends on besides the tracker's data version. `parameters` are
    the resolved request parameters (as-of month, format, ...) as text."""

    kind: str
    organization_id: uuid.UUID
    tracker_id: uuid.UUID
    parameters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """The bytes of a 200 response and the headers that go with them.

    The headers are encoded once, when the entry is made (`_kept` and `_framing`, as
    Starlette would encode them); a hit only adds its validators and sends the bytes as
    they are, in one body message, never copied or re-encoded."""

    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...]
    _kept: tuple[tuple[bytes, bytes], ...] = field(init=False, repr=False, compare=False)
    _framing: tuple[tuple[bytes, bytes], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kept = dict(self.headers)
        # Starlette's own encoding: the kept headers, then Content-Length and Content-Type.
        raw = Response(content=self.body, media_type=self.media_type, headers=kept).raw_headers
        object.__setattr__(self, "_kept", tuple(raw[: len(kept)]))
        object.__setattr__(self, "_framing", tuple(raw[len(kept) :]))

    def response(self, etag: str) -> Response:
        """The 200 response: the same headers, in the same order, as
        `Response(body, media_type, headers={**headers, **validators(etag)})`."""
        return _PreparedResponse(self.body, [*self._kept, *_raw_validators(etag), *self._framing])


class _PreparedResponse(Response):
    """A 200 response whose header list is already encoded."""

    def __init__(self, body: bytes, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code = 200
        self.background = None
        self.body = body
        self.raw_headers = raw_headers


class ResponseCache:
    """A least-recently-used map of (key, data version) -> response bytes, bounded by
    entries and bytes. Used from the event loop only (no locking needed)."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[ReportKey, int], CachedResponse] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get(self, key: ReportKey, version: int) -> CachedResponse | None:
        entry = self._entries.get((key, version))
        if entry is not None:
            self._entries.move_to_end((key, version))
        return entry

    def put(self, key: ReportKey, version: int, entry: CachedResponse) -> None:
        """Keep `entry`; one larger than the whole budget is not kept."""
        size = len(entry.body)
        if size > self.max_bytes or self.max_entries <= 0:
            return
        old = self._entries.pop((key, version), None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[(key, version)] = entry
        self._bytes += size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0


def report_cache(app: FastAPI) -> ResponseCache | None:
    """The app's cache, made on first use from its settings; None when disabled."""
    existing: ResponseCache | None = getattr(app.state, "report_cache", None)
    if existing is None:
        settings: Settings = app.state.settings
        if not settings.report_cache_enabled:
            return None
        existing = ResponseCache(settings.report_cache_max_entries, settings.report_cache_max_bytes)
        app.state.report_cache = existing
    return existing


def cached_entry(response: Response) -> CachedResponse:
    """What to keep of a computed 200 response (its body and non-framing headers)."""
    kept = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name not in {"content-length", "content-type", "etag", "cache-control", "vary"}
    )
    return CachedResponse(bytes(response.body), response.media_type or "", kept)


# --- validators (RFC 9110 §8.8.3, §13.1.2) ---------------------------------------------


@cache
def code_fingerprint() -> str:
    """A digest of the code that shapes a report (the core and this package), so that a
    deployment with different code never answers 304 to a tag of the old output."""
    digest = hashlib.sha256()
    for package in (valuecalc_core, valuecalc_api):
        root = Path(package.__file__ or "").parent
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def etag_of(key: ReportKey, version: int) -> str:
    """The strong ETag of the response for `key` at data version `version`."""
    text = "|".join(
        (
            code_fingerprint(),
            key.kind,
            str(key.organization_id),
            str(key.tracker_id),
            str(version),
            *key.parameters,
        )
    )
    return f'"r{version}-{hashlib.sha256(text.encode()).hexdigest()[:24]}"'


def validators(etag: str) -> dict[str, str]:
    """Headers of a cacheable report: its tag, and `no-cache` so that any client or proxy
    keeping it asks again (If-None-Match) before every use: never a stale number."""
    return {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept, Authorization"}


def _raw_validators(etag: str) -> list[tuple[bytes, bytes]]:
    """`validators(etag)` as Starlette encodes response headers (lower-case, Latin-1)."""
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in validators(etag).items()
    ]


def matches_if_none_match(header: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (weak comparison) or is `*`."""
    if not header:
        return False
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def not_modified(etag: str) -> Response:
    return Response(status_code=304, headers=validators(etag))
