"""Rendering a spec to SVG or PNG in-process with vl-convert (no browser), on a budget.

- Never a URL: `allowed_base_urls=[]` makes the renderer refuse any external data (and
  our specs carry inline data only; `vega.data_urls` is checked before every render).
- Time: a render runs in a worker thread, off the event loop; a request waits for it at
  most `RENDER_SECONDS` and then answers 503 `chart-render-timeout`. vl-convert 1.9 has
  no V8 heap or execution-time cap of its own (those arrive in 2.0), so the inputs are
  bounded instead: at most `vega.MAX_DATA_ROWS` rows and `vega.MAX_PIXELS_PER_SIDE`
  pixels a side, checked before rendering.
- Size: an output larger than `MAX_OUTPUT_BYTES` is refused (503 `chart-too-large`).
- One render at a time per process (vl-convert serializes its calls on one JavaScript
  worker anyway); others wait their turn within their time budget.
- Rendered once per spec: the output is kept in a process-wide cache keyed by a digest of
  the exact spec, form, scale and renderer (`RENDERS`, at most `RENDER_CACHE_BYTES`). A
  chart whose figures did not change is not drawn again when its tracker's data version
  moves on, so a renewal pack after a change in one use case re-renders only the charts
  that change (its summary and that use case), not all of them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from html import escape
from typing import TypeVar

import vl_convert
from fastapi.concurrency import run_in_threadpool

from valuecalc_api.charts.chart_problems import chart_too_large, render_timeout
from valuecalc_api.charts.vega import VEGA_LITE_VERSION, ChartForm, Spec, data_urls

RENDER_SECONDS = 20.0
MAX_OUTPUT_BYTES = 16 * 1024 * 1024
RENDER_CACHE_BYTES = 64 * 1024 * 1024
_ONE_AT_A_TIME = threading.Lock()

T = TypeVar("T")


@cache
def renderer_version() -> str:
    """What shapes a rendered chart besides our code: vl-convert's Vega and Vega-Lite."""
    return f"vega{vl_convert.get_vega_version()}-vl{VEGA_LITE_VERSION}"


class RenderCache:
    """Rendered charts by the digest of what was rendered, least recently used out first,
    at most `limit` bytes in all (thread-safe: renders run in worker threads)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: str, value: bytes) -> None:
        if len(value) > self.limit:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            self._size += len(value) - (0 if previous is None else len(previous))
            self._entries[key] = value
            while self._size > self.limit:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


RENDERS = RenderCache(RENDER_CACHE_BYTES)


def _render_key(spec: Spec, form: str) -> str:
    # Keys in the order the builders write them (the same figures give the same text):
    # sorting them would cost more than the digest itself.
    text = json.dumps(spec, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{renderer_version()}|{form}|{text}".encode()).hexdigest()


def svg_text(spec: Spec) -> str:
    """The chart as SVG text (blocking: call from a worker thread). A spec already
    rendered (checked then) comes from the cache."""
    key = _render_key(spec, "svg")
    kept = RENDERS.get(key)
    if kept is not None:
        return kept.decode()
    _check_inline(spec)
    with _ONE_AT_A_TIME:
        svg: str = vl_convert.vegalite_to_svg(
            spec, vl_version=VEGA_LITE_VERSION, allowed_base_urls=[]
        )
    svg = accessible(svg, spec)
    _check_size(len(svg))
    RENDERS.put(key, svg.encode())
    return svg


def png_bytes(spec: Spec, scale: int) -> bytes:
    """The chart as PNG, `scale` device pixels per CSS pixel (blocking)."""
    key = _render_key(spec, f"png@{scale}")
    kept = RENDERS.get(key)
    if kept is not None:
        return kept
    _check_inline(spec)
    with _ONE_AT_A_TIME:
        png: bytes = vl_convert.vegalite_to_png(
            spec, vl_version=VEGA_LITE_VERSION, scale=scale, allowed_base_urls=[]
        )
    _check_size(len(png))
    RENDERS.put(key, png)
    return png


def accessible(svg: str, spec: Spec) -> str:
    """The SVG with the chart's title and description as its accessible name
    (`role="img"`, `<title>`, `<desc>`): Vega's SVG labels each mark but not the whole."""
    title = spec.get("title", {})
    name = title.get("text", "") if isinstance(title, dict) else str(title)
    end = svg.index(">", svg.index("<svg")) + 1
    head = svg[: end - 1] + ' role="img">'
    named = (
        f"<title>{escape(str(name))}</title><desc>{escape(str(spec.get('description', '')))}</desc>"
    )
    return head + named + svg[end:]


def rendered(spec: Spec, form: ChartForm, scale: int) -> bytes:
    """The chart's bytes in a rendered form (blocking)."""
    if form is ChartForm.PNG:
        return png_bytes(spec, scale)
    return svg_text(spec).encode()


async def off_the_loop(work: Callable[[], T], seconds: float = RENDER_SECONDS) -> T:
    """Run rendering work in a worker thread within its time budget (503 past it)."""
    try:
        return await asyncio.wait_for(run_in_threadpool(work), seconds)
    except TimeoutError:
        raise render_timeout(seconds) from None


def _check_inline(spec: Spec) -> None:
    urls = data_urls(spec)
    if urls:  # pragma: no cover - our builders never write one; a programming error
        raise RuntimeError(f"a chart spec names a URL: {urls[0][:80]!r}")


def _check_size(size: int) -> None:
    if size > MAX_OUTPUT_BYTES:
        raise chart_too_large(MAX_OUTPUT_BYTES)
