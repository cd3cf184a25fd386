"""Rate limits per API key (per client address without one), shared through PostgreSQL
(SPEC 6); unknown keys limited before any database lookup."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from valuecalc_api.rate_limits.buckets import RateLimiter
from valuecalc_api.rate_limits.shared import SharedRateLimiter

PROBLEM_JSON = "application/problem+json"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limited(app: FastAPI, clock: FakeClock) -> Iterator[SharedRateLimiter]:
    """The app limited to 3 requests per minute per caller, on a hand-moved clock."""
    previous = app.state.rate_limiter
    app.state.rate_limiter = SharedRateLimiter(app.state.engine, 3, clock=clock)
    yield app.state.rate_limiter
    app.state.rate_limiter = previous


# ---- the limiter itself


def test_limiter_spends_and_refills_evenly(clock: FakeClock) -> None:
    limiter = RateLimiter(3, clock=clock)
    decisions = [limiter.take("a") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert [d.reset_seconds for d in decisions] == [20, 40, 60, 60]
    assert decisions[3].retry_after_seconds == 20  # 60 s / 3 requests per token
    clock.now += 19
    assert not limiter.take("a").allowed
    clock.now += 1
    assert limiter.take("a").allowed
    clock.now += 60
    assert limiter.take("a").remaining == 2  # full again, never more than the limit


def test_limiter_budgets_are_per_identity(clock: FakeClock) -> None:
    limiter = RateLimiter(1, clock=clock)
    assert limiter.take("a").allowed
    assert not limiter.take("a").allowed
    assert limiter.take("b").allowed


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one"):
        RateLimiter(0)


# ---- through the app


@pytest.mark.usefixtures("limited")
async def test_fourth_request_in_a_minute_is_429_with_headers(
    client: httpx.AsyncClient, tenant: Tenant, clock: FakeClock
) -> None:
    answers = [await client.get("/v1/api-keys", headers=tenant.admin) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    for answer in answers:
        assert answer.headers["ratelimit-policy"] == '"default";q=3;w=60'
        assert answer.headers["ratelimit-limit"] == "3"
    assert [a.headers["ratelimit"] for a in answers] == [
        '"default";r=2;t=20',
        '"default";r=1;t=40',
        '"default";r=0;t=60',
        '"default";r=0;t=60',
    ]
    refused = answers[3]
    assert refused.headers["retry-after"] == "20"
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert refused.json()["type"].endswith("/rate-limited")
    assert refused.json()["status"] == 429

    clock.now += 20
    again = await client.get("/v1/api-keys", headers=tenant.admin)
    assert again.status_code == 200
    assert again.headers["ratelimit"] == '"default";r=0;t=60'


@pytest.mark.usefixtures("limited")
async def test_each_api_key_has_its_own_budget(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for _ in range(3):
        assert (await client.get("/v1/organization", headers=tenant.admin)).status_code == 200
    assert (await client.get("/v1/organization", headers=tenant.admin)).status_code == 429
    editor = await client.get("/v1/organization", headers=tenant.editor)
    assert editor.status_code == 200
    assert editor.headers["ratelimit"] == '"default";r=2;t=20'
    # Without a key the budget is the client address's, untouched so far.
    anonymous = await client.get("/v1/organization")
    assert anonymous.status_code == 401
    assert anonymous.headers["ratelimit"] == '"default";r=2;t=20'


@pytest.mark.usefixtures("limited")
async def test_unknown_keys_share_the_address_budget(client: httpx.AsyncClient) -> None:
    statuses = [
        (await client.get("/v1/organization", headers={"Authorization": f"Bearer vc_live_x{n}"}))
        for n in range(4)
    ]
    assert [s.status_code for s in statuses] == [401, 401, 401, 429]


@pytest.mark.usefixtures("limited")
async def test_probes_are_not_limited(client: httpx.AsyncClient) -> None:
    for _ in range(5):
        answer = await client.get("/healthz")
        assert answer.status_code == 200
        assert "ratelimit" not in answer.headers


@contextmanager
def _statements(app: FastAPI) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the block runs."""
    sent: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        sent.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", record)


@pytest.mark.usefixtures("limited")
async def test_an_unknown_key_past_the_address_budget_costs_no_database_lookup(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    for n in range(3):
        answer = await client.get(
            "/v1/organization", headers={"Authorization": f"Bearer vc_live_{n}"}
        )
        assert answer.status_code == 401
    with _statements(app) as sent:
        refused = await client.get(
            "/v1/organization", headers={"Authorization": "Bearer vc_live_random-fake"}
        )
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "20"
    assert sent == []  # no key lookup, and no other statement either


@pytest.mark.usefixtures("limited")
async def test_the_budget_is_kept_in_the_database(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    """The budget is a row every process and host shares, not this process's memory."""
    for _ in range(2):
        assert (await client.get("/v1/organization", headers=tenant.admin)).status_code == 200
    rows = (await session.execute(text("SELECT identity FROM rate_limit_buckets"))).all()
    assert [row[0][:4] for row in rows] == ["key:"]
