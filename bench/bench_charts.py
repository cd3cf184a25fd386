"""How fast charts and the renewal pack come out of the API (`make bench-charts`).

One tracker of 50 use cases x 2 calculations x 36 months (`api_seed.py`, as bench-api),
served in this process through the ASGI app (httpx, no network). For each chart, best of
N and median milliseconds of:
- the report JSON alone, computed (cache cleared before each request): the baseline;
- the chart's spec (.vl.json), SVG and PNG computed and rendered (cache cleared);
- the renderer alone on the same spec (vl-convert, SVG and PNG);
- the same chart again from the cache (same data version), and a 304;
and the renewal pack, computed and cached. Each figure is printed with its ratio to the
report JSON measured in the same run. Targets: cached chart <= 5 ms, uncached SVG <=
100 ms, pack <= 1 s. Prints, never asserts.

"Uncached" clears both the report cache and the render cache (`render.RENDERS`, keyed by
the spec's digest); the lines "render cached" clear the report cache only: the report is
computed again, and a spec equal to one already drawn is not rendered again (what
happens after a change elsewhere in the tracker). The renderer's floor is vl-convert on a
two-bar spec; the pack is also timed after one measurement changed.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import vl_convert

from api_seed import MONTHS, USE_CASES, bench_database, seed
from valuecalc_api import migrate
from valuecalc_api.app import create_app
from valuecalc_api.charts import render
from valuecalc_api.charts.render import VEGA_LITE_VERSION
from valuecalc_api.reports.cache import report_cache
from valuecalc_api.settings import Settings

REPEATS = 7
CACHED_REPEATS = 50


async def _timed(
    call: Callable[[], Awaitable[httpx.Response]],
    repeats: int,
    before: Callable[[], None] = lambda: None,
) -> tuple[float, float, httpx.Response]:
    """Best and median milliseconds of `call` (`before` runs outside the clock)."""
    times: list[float] = []
    response: httpx.Response | None = None
    for _ in range(repeats):
        before()
        started = time.perf_counter()
        response = await call()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 304), response.text[:300]
    assert response is not None
    return min(times), statistics.median(times), response


def _render_alone(spec: dict[str, Any], form: str) -> tuple[float, float]:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        if form == "svg":
            vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION, allowed_base_urls=[])
        else:
            vl_convert.vegalite_to_png(spec, vl_version=VEGA_LITE_VERSION, allowed_base_urls=[])
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times)


MINIMAL_SPEC: dict[str, Any] = {
    "data": {"values": [{"a": "x", "b": 1}, {"a": "y", "b": 2}]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "a", "type": "nominal"},
        "y": {"field": "b", "type": "quantitative"},
    },
    "config": {"font": "Liberation Sans"},
}


def _line(name: str, best: float, median: float, baseline: float) -> None:
    print(
        f"    {name:34s} best {best:8.1f} ms  median {median:8.1f} ms  "
        f"{best / baseline:6.2f}x the report JSON"
    )


async def run(settings: Settings, seeded: dict[str, Any]) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        reports = report_cache(app)
        assert reports is not None

        class _Both:
            """Clears the report cache and the render cache (an uncached chart)."""

            @staticmethod
            def clear() -> None:
                reports.clear()
                render.RENDERS.clear()

        cache = _Both()
        headers = {"Authorization": f"Bearer {seeded['key']}"}
        tracker = seeded["tracker_id"]
        calculation = seeded["calculations"][2]  # of an active use case
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            def get(path: str, extra: dict[str, str] | None = None) -> Any:
                return lambda: client.get(path, headers=headers | (extra or {}))

            await client.get(f"/v1/trackers/{tracker}/report", headers=headers)  # warm up
            best, median, _ = await _timed(
                get(f"/v1/trackers/{tracker}/report"), REPEATS, cache.clear
            )
            baseline = best
            print(f"  baseline: the report JSON, computed: best {best:.1f} ms, median {median:.1f}")
            for form in ("svg", "png"):
                best, median = _render_alone(MINIMAL_SPEC, form)
                _line(f"renderer floor: two bars, {form.upper()}", best, median, baseline)
            charts = {
                "realized-vs-projected": f"/v1/trackers/{tracker}/charts/realized-vs-projected",
                "cumulative-realized-vs-projected": (
                    f"/v1/trackers/{tracker}/charts/cumulative-realized-vs-projected"
                ),
                "benefit-vs-cost": f"/v1/trackers/{tracker}/charts/benefit-vs-cost",
                "metric-trend": f"/v1/calculations/{calculation}/charts/metric-trend",
                "realized-by-customer (portfolio)": (
                    "/v1/reports/portfolio/charts/realized-by-customer"
                ),
            }
            for name, path in charts.items():
                print(f"  {name}:")
                best, median, response = await _timed(get(f"{path}.vl.json"), REPEATS, cache.clear)
                spec = response.json()
                _line("spec (.vl.json), computed", best, median, baseline)
                for form in ("svg", "png"):
                    best, median, _ = await _timed(get(f"{path}.{form}"), REPEATS, cache.clear)
                    _line(f"{form.upper()}, computed and rendered", best, median, baseline)
                    best, median = _render_alone(spec, form)
                    _line("  of which the renderer alone", best, median, baseline)
                best, median, _ = await _timed(get(f"{path}.svg"), REPEATS, reports.clear)
                _line("SVG, report computed, render cached", best, median, baseline)
                best, median, response = await _timed(get(f"{path}.svg"), CACHED_REPEATS)
                _line("SVG again (cache, same version)", best, median, baseline)
                etag = response.headers["ETag"]
                best, median, _ = await _timed(
                    get(f"{path}.svg", {"If-None-Match": etag}), CACHED_REPEATS
                )
                _line("SVG 304 (If-None-Match)", best, median, baseline)
            print("  renewal pack (summary, 45 use cases' trend charts, evidence):")
            pack = f"/v1/trackers/{tracker}/renewal-pack"
            best, median, response = await _timed(get(pack), 3, cache.clear)
            _line("pack, computed and rendered", best, median, baseline)
            print(f"    {'':34s} {len(response.content) / 1024:.0f} KiB of HTML")
            best, median, _ = await _timed(get(pack), 3, reports.clear)
            _line("pack, computed, charts render-cached", best, median, baseline)
            best, median, _ = await _timed(get(pack), CACHED_REPEATS)
            _line("pack again (cache, same version)", best, median, baseline)
            changed: list[float] = []
            for value in ("171", "172", "173"):
                put = await client.put(
                    f"/v1/calculations/{calculation}/measurements/2025-06",
                    json={"value": value},
                    headers=headers,
                )
                assert put.status_code in (200, 201), put.text[:300]
                started = time.perf_counter()
                response = await client.get(pack, headers=headers)
                changed.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            _line(
                "pack after one measurement changed",
                min(changed),
                statistics.median(changed),
                baseline,
            )


def main() -> None:
    settings = Settings(_env_file=None, environment="test")
    print(f"bench-charts: one tracker, {USE_CASES} use cases x 2 calculations x {MONTHS} months")
    print(f"  machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    with bench_database() as url:
        migrate.upgrade(url)
        seeded = asyncio.run(seed(url, settings))
        asyncio.run(run(settings.model_copy(update={"database_url": url}), seeded))
    print(f"  load average {os.getloadavg()[0]:.2f} at the end (2 shared cores: figures vary)")
    print("  targets: cached chart <= 5 ms; uncached SVG <= 100 ms; pack <= 1 s")


if __name__ == "__main__":
    main()
