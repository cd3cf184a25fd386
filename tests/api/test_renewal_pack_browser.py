"""The renewal pack in a real headless browser (Debian's chromium, driven by Playwright):
it loads with no console error and no network request, its headline and every chart are
visible on a screenshot, and printing it to PDF gives one page per part.

`make test` installs chromium first where it can (`make browser`: apt-get, as root);
where it cannot, these tests skip and say why.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from tests.api.chart_checks import PNG_SIGNATURE, png_size
from tests.api.conftest import Tenant
from tests.api.test_renewal_pack import pack_path, pack_tracker, with_revenue_and_health

playwright_api = pytest.importorskip("playwright.async_api")

CHROMIUM = os.environ.get("VALUECALC_CHROMIUM") or shutil.which("chromium") or ""
# The flags of a quiet, isolated headless browser (no sandbox: tests may run as root).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM,
    reason="chromium is not installed: `make browser` installs Debian's chromium with "
    "apt-get when run as root; elsewhere install it or set VALUECALC_CHROMIUM",
)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


async def test_the_pack_renders_in_a_real_browser(
    client: httpx.AsyncClient, tenant: Tenant, browser: Any
) -> None:
    made = await pack_tracker(client, tenant.editor)
    response = await client.get(pack_path(made["graph"].tracker["id"]), headers=tenant.viewer)
    assert response.status_code == 200, response.text
    page = await browser.new_page(viewport={"width": 900, "height": 1200})
    console: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    await page.set_content(response.text, wait_until="load")

    assert [m for m in console if m.startswith(("error", "pageerror"))] == []
    assert requests == []

    headline = page.locator("h1.headline")
    assert await headline.is_visible()
    assert "158 tickets/day by March 2026" in await headline.inner_text()
    charts = page.locator("figure.chart svg")
    assert await charts.count() == 4  # 2 on the summary, 1 per use case
    headline_box = await headline.bounding_box()
    blank = await page.screenshot(clip={"x": 0, "y": 0, "width": 10, "height": 10})
    for index in range(await charts.count()):
        chart = charts.nth(index)
        assert await chart.is_visible()
        box = await chart.bounding_box()
        assert box["width"] > 500, index  # fills the page's width
        assert box["height"] > 150, index
        assert box["y"] > headline_box["y"], index  # below the headline
        shot = await chart.screenshot()
        assert shot.startswith(PNG_SIGNATURE)
        assert len(shot) > 5 * len(blank), index  # drawn, not blank

    full = await page.screenshot(full_page=True)
    width, height = png_size(full)
    assert width == 900
    assert height > 2000

    pdf = await page.pdf(format="A4", print_background=True)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages == 1 + 2 + 1  # the summary, one page per use case, the evidence
    await page.close()


async def test_the_customers_revenue_and_health_print_on_a_page_of_their_own(
    client: httpx.AsyncClient, tenant: Tenant, browser: Any
) -> None:
    made = await with_revenue_and_health(client, tenant)
    response = await client.get(pack_path(made["graph"].tracker["id"]), headers=tenant.viewer)
    assert response.status_code == 200, response.text
    page = await browser.new_page(viewport={"width": 900, "height": 1200})
    console: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    await page.set_content(response.text, wait_until="load")
    assert [m for m in console if m.startswith(("error", "pageerror"))] == []
    assert requests == []
    section = page.locator("section.customer")
    assert await section.is_visible()
    text = await section.inner_text()
    assert "$204,500.50" in text
    assert "80.00 (green)" in text
    explanation = page.locator("section.customer table.explanation")
    assert await explanation.is_visible()
    box = await explanation.bounding_box()
    assert box["width"] > 500
    pdf = await page.pdf(format="A4", print_background=True)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages == 1 + 1 + 2 + 1  # the summary, the customer, each use case, the evidence
    await page.close()
