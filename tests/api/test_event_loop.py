"""Never block the event loop: while a portfolio's CPU-bound steps run (rows -> the core's
input, the core, serialization), cheap requests of the same process keep being answered.

Each test holds one step busy in pure Python (it keeps the GIL, as the real step does)
until the cheap requests have been answered, or at most `GATE_SECONDS`. A step run on the
event loop would keep those requests from even starting, so they could only finish after
the portfolio: the test checks the order in which the answers arrive, never a duration.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.api.conftest import Tenant
from tests.api.test_value_examples_http import v1_graph
from valuecalc_api.reports import loading, routes

GATE_SECONDS = 10.0
CHEAP_REQUESTS = 4


class Gate:
    """Wraps a step: runs it, then stays busy in pure Python until released (or timed out),
    recording whether it was entered and whether it had to give up waiting."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()
        self.timed_out = False

    def around(self, step: Callable[..., Any]) -> Callable[..., Any]:
        def gated(*args: Any, **kwargs: Any) -> Any:
            result = step(*args, **kwargs)
            self.entered.set()
            deadline = time.monotonic() + GATE_SECONDS
            while not self.released.is_set():
                if time.monotonic() > deadline:
                    self.timed_out = True
                    break
                sum(range(20_000))  # CPU work that holds the GIL between switches
            return result

        return gated


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (loading, "tracker_specs"),  # rows -> the core's input
        (routes, "portfolio_report"),  # the core
        (routes, "json_response"),  # serialization
    ],
)
async def test_cheap_requests_are_answered_while_a_portfolio_computes(
    client: httpx.AsyncClient,
    tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
    module: Any,
    name: str,
) -> None:
    await v1_graph(client, tenant.editor)
    await v1_graph(client, tenant.editor)
    gate = Gate()
    monkeypatch.setattr(module, name, gate.around(getattr(module, name)))
    answered: list[str] = []

    async def portfolio() -> None:
        response = await client.get("/v1/reports/portfolio?as_of=2026-03", headers=tenant.viewer)
        assert response.status_code == 200, response.text
        assert response.json()["tracker_count"] == 2
        answered.append("portfolio")

    computing = asyncio.create_task(portfolio())
    # Wait for the step without blocking the loop (a step on the loop blocks this too).
    for _ in range(int(GATE_SECONDS * 100)):
        if gate.entered.is_set() or computing.done():
            break
        await asyncio.sleep(0.01)
    assert gate.entered.is_set()
    for index in range(CHEAP_REQUESTS):
        # A probe without the database and an authenticated read with it.
        path = "/healthz" if index % 2 == 0 else "/v1/organization"
        response = await client.get(path, headers=tenant.viewer)
        assert response.status_code == 200
        answered.append(path)
    gate.released.set()
    await asyncio.wait_for(computing, GATE_SECONDS * 2)

    assert not gate.timed_out, f"{name} held the event loop"
    assert answered[-1] == "portfolio", answered
    assert len(answered) == CHEAP_REQUESTS + 1
