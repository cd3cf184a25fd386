"""gzip for large textual responses when the client accepts it (RFC 9110 §8.4, §12.5.3).

Compressed: a 2xx answer (not to HEAD, not a 206 range) of a textual media type (JSON and problem+json,
CSV, SVG, any `text/*`) of at least `MINIMUM_BYTES`, or streamed without a known length,
to a request whose `Accept-Encoding` allows `gzip`. Never compressed: images other than
SVG (PNG is compressed already), an answer that already has a `Content-Encoding`, or one
marked `Cache-Control: no-transform`. Every answer of a textual type, and every 304,
says `Vary: Accept-Encoding`, so a shared cache never hands gzip to a client that did
not ask for it.

Entity tags: the gzip representation is a different one, so it cannot share a strong
ETag with the identity bytes (RFC 9110 §8.8.3). Its tag is the identity tag with
`-gzip` inside the quotes (`"r7-…"` -> `"r7-…-gzip"`, weak ones alike). Routes keep
computing and comparing identity tags only: this layer removes the suffix from the tags
of `If-None-Match` (for a client that accepts gzip) and `If-Match` before the request
goes on, and a 304 answering a suffixed tag names that tag again.

Bodies of more than `OFF_LOOP_BYTES` are compressed in a worker thread: zlib releases
the GIL while it works, so the event loop keeps answering meanwhile. Their compressed
bytes are kept by the digest of the identity bytes (`_CompressedBodies`), so a large
report served again from the report cache is not compressed again; and by the identity
bytes object itself, so the very bytes a cache hit sends again are neither hashed nor
handed to a thread (hashing a 1 MB report costs more CPU than the rest of its hit).
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import zlib
from collections import OrderedDict

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from valuecalc_api.middleware.asgi_messages import header

# Smaller bodies fit one TCP segment of a typical 1,500-byte MTU anyway.
MINIMUM_BYTES = 1400
OFF_LOOP_BYTES = 64 * 1024
# The fastest level: the 1 MB JSON report of 50 use cases x 2 calculations x 36 months
# compresses to 21 % in ~10 ms, where zlib's default (6) reaches 16 % in 31-46 ms, more
# than the core takes to compute the report.
LEVEL = 1
SUFFIX = "-gzip"

_TEXTUAL = re.compile(
    r"text/.*|application/(.*\+)?json|application/(.*\+)?xml|image/svg\+xml|application/csv"
)
_TAG = re.compile(r'((?:W/)?"[^"]*)"')
_GZIP_ALLOWED = re.compile(r"(?:^|,)\s*(gzip|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*(?=,|$)", re.I)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether `Accept-Encoding` allows gzip (`gzip` or `*` with a q-value above 0)."""
    if not accept_encoding:
        return False
    for match in _GZIP_ALLOWED.finditer(accept_encoding):
        quality = match.group(2)
        try:
            if quality is None or float(quality) > 0:
                return True
        except ValueError:
            continue
    return False


def _without_suffix(tags: str) -> str:
    return _TAG.sub(lambda m: m.group(1).removesuffix(SUFFIX) + '"', tags)


def _with_suffix(tag: str) -> str:
    return _TAG.sub(lambda m: m.group(1) + SUFFIX + '"', tag, count=1)


def _compress(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)


class _CompressedBodies:
    """gzip bytes by the digest (BLAKE2b, 128 bits) of their identity bytes: the same
    bytes always compress to the same output, so a hit can never be stale. Least recently
    used first out, bounded by the compressed bytes kept; used from worker threads.

    Also by the identity bytes object (`kept`): a cached report is sent as the same
    `bytes` object on every hit, so its gzip is found without reading the body. Each
    such entry holds its identity bytes (so their `id` names no other object while it
    lives), bounded by `max_identity_bytes`."""

    def __init__(self, max_bytes: int, max_identity_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.max_identity_bytes = max_identity_bytes
        self._entries: OrderedDict[bytes, bytes] = OrderedDict()
        self._bytes = 0
        self._by_object: OrderedDict[int, tuple[bytes, bytes]] = OrderedDict()
        self._object_bytes = 0
        self._lock = threading.Lock()

    def kept(self, body: bytes) -> bytes | None:
        """The gzip of this very bytes object if it was compressed lately, else None."""
        with self._lock:
            entry = self._by_object.get(id(body))
            if entry is None or entry[0] is not body:
                return None
            self._by_object.move_to_end(id(body))
            return entry[1]

    def compress(self, body: bytes) -> bytes:
        digest = hashlib.blake2b(body, digest_size=16).digest()
        with self._lock:
            kept = self._entries.get(digest)
            if kept is not None:
                self._entries.move_to_end(digest)
                self._remember_object(body, kept)
                return kept
        compressed = _compress(body)
        if len(compressed) <= self.max_bytes:
            with self._lock:
                if digest not in self._entries:
                    self._entries[digest] = compressed
                    self._bytes += len(compressed)
                while self._bytes > self.max_bytes:
                    _, evicted = self._entries.popitem(last=False)
                    self._bytes -= len(evicted)
                self._remember_object(body, compressed)
        return compressed

    def _remember_object(self, body: bytes, compressed: bytes) -> None:
        """Keep `compressed` under `body`'s identity (the lock is held)."""
        if len(body) > self.max_identity_bytes or id(body) in self._by_object:
            return
        self._by_object[id(body)] = (body, compressed)
        self._object_bytes += len(body)
        while self._object_bytes > self.max_identity_bytes:
            _, (evicted, _) = self._by_object.popitem(last=False)
            self._object_bytes -= len(evicted)


# Per process; 32 MiB of gzip is about 150 MiB of report JSON. The identity bytes held
# are mostly the report cache's own entries (the same objects), kept alive a little
# longer when that cache drops them.
_COMPRESSED = _CompressedBodies(32 * 1024 * 1024, max_identity_bytes=64 * 1024 * 1024)


class GzipMiddleware:
    """See the module. Pure ASGI: a body is held only to decide and compress it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gzip_ok = accepts_gzip(header(scope, b"accept-encoding")) and scope["method"] != "HEAD"
        sent_if_none_match = header(scope, b"if-none-match") if gzip_ok else None
        scope = _identity_validators(scope, gzip_ok)
        responder = _Responder(send, gzip_ok, sent_if_none_match)
        await self.app(scope, receive, responder.send)


def _identity_validators(scope: Scope, gzip_ok: bool) -> Scope:
    """The scope with identity tags in `If-Match` (always) and `If-None-Match` (when the
    client may hold the gzip representation)."""
    rewritten = []
    changed = False
    for name, value in scope.get("headers", []):
        if name == b"if-match" or (name == b"if-none-match" and gzip_ok):
            text = value.decode("latin-1")
            identity = _without_suffix(text)
            if identity != text:
                changed = True
                value = identity.encode("latin-1")
        rewritten.append((name, value))
    return {**scope, "headers": rewritten} if changed else scope


class _Responder:
    """The app's `send`: holds the start message until the first body message shows
    whether to compress, then passes the rest on (compressing them if it does)."""

    def __init__(self, send: Send, gzip_ok: bool, sent_if_none_match: str | None) -> None:
        self._send = send
        self._gzip_ok = gzip_ok
        self._sent_if_none_match = sent_if_none_match
        self._start: Message | None = None
        self._compressor: zlib._Compress | None = None

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._start = message
        elif self._compressor is not None:
            await self._stream(message)
        elif self._start is not None and message["type"] == "http.response.body":
            start, self._start = self._start, None
            await self._first_body(start, message)
        elif self._start is not None:  # e.g. `http.response.pathsend`: a file, sent as is
            start, self._start = self._start, None
            await self._send(start)
            await self._send(message)
        else:
            await self._send(message)

    async def _first_body(self, start: Message, message: Message) -> None:
        headers: list[tuple[bytes, bytes]] = list(start.get("headers", []))
        names = {name.lower() for name, _ in headers}
        content_type = _value(headers, b"content-type")
        status: int = start["status"]
        textual = content_type is not None and bool(
            _TEXTUAL.fullmatch(content_type.split(";")[0].strip().lower())
        )
        if status == 304:
            await self._send_304(start, headers)
            await self._send(message)
            return
        if textual:
            headers = _vary(headers)
        body: bytes = message.get("body", b"")
        more = bool(message.get("more_body", False))
        compress = (
            self._gzip_ok
            and textual
            and 200 <= status < 300
            and status not in (204, 206)
            and b"content-encoding" not in names
            and b"content-range" not in names
            and "no-transform" not in (_value(headers, b"cache-control") or "").lower()
            and (more or len(body) >= MINIMUM_BYTES)
        )
        if not compress:
            await self._send({**start, "headers": headers})
            await self._send(message)
            return
        headers = [
            (name, _with_suffix(value.decode("latin-1")).encode("latin-1"))
            if name.lower() == b"etag"
            else (name, value)
            for name, value in headers
            if name.lower() != b"content-length"
        ]
        headers.append((b"content-encoding", b"gzip"))
        if not more:
            if len(body) <= OFF_LOOP_BYTES:
                compressed = _compress(body)
            else:
                kept = _COMPRESSED.kept(body)
                compressed = (
                    kept
                    if kept is not None
                    else await anyio.to_thread.run_sync(_COMPRESSED.compress, body)
                )
            headers.append((b"content-length", str(len(compressed)).encode()))
            await self._send({**start, "headers": headers})
            await self._send({"type": "http.response.body", "body": compressed})
            return
        # A streamed body: compressed as it comes, its length unknown until the end.
        self._compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)
        await self._send({**start, "headers": headers})
        await self._stream(message)

    async def _stream(self, message: Message) -> None:
        if message["type"] != "http.response.body" or self._compressor is None:
            await self._send(message)
            return
        chunk = self._compressor.compress(message.get("body", b""))
        more = bool(message.get("more_body", False))
        if not more:
            chunk += self._compressor.flush()
        elif chunk == b"":
            return
        await self._send({"type": "http.response.body", "body": chunk, "more_body": more})

    async def _send_304(self, start: Message, headers: list[tuple[bytes, bytes]]) -> None:
        """A 304 names the gzip tag when that is the one the client sent."""
        if self._sent_if_none_match is not None:
            sent = {tag.strip().removeprefix("W/") for tag in self._sent_if_none_match.split(",")}
            headers = [
                (name, suffixed.encode("latin-1"))
                if name.lower() == b"etag"
                and (suffixed := _with_suffix(value.decode("latin-1"))).removeprefix("W/") in sent
                else (name, value)
                for name, value in headers
            ]
        await self._send({**start, "headers": _vary(headers)})


def _value(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`Accept-Encoding` added to the answer's `Vary` (one header, as Starlette writes it)."""
    for index, (name, value) in enumerate(headers):
        if name.lower() == b"vary":
            listed = {item.strip().lower() for item in value.decode("latin-1").split(",")}
            if "accept-encoding" in listed or "*" in listed:
                return headers
            return [
                *headers[:index],
                (name, value + b", Accept-Encoding"),
                *headers[index + 1 :],
            ]
    return [*headers, (b"vary", b"Accept-Encoding")]
