"""Exactly-once writes: the Idempotency-Key is claimed, the write done and the response
stored in one transaction, and database failures answer a retryable 503 (issue 11)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from valuecalc_api.app import create_app
from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.models import Customer, IdempotencyKey
from valuecalc_api.settings import Settings

PROBLEM_JSON = "application/problem+json"


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def customers_named(session: AsyncSession, name: str) -> int:
    await session.rollback()
    count = await session.scalar(
        select(func.count()).select_from(Customer).where(Customer.name == name)
    )
    return count or 0


async def keys(session: AsyncSession) -> list[tuple[str, str]]:
    await session.rollback()
    rows = await session.execute(select(IdempotencyKey.key, IdempotencyKey.state))
    return [(key, state) for key, state in rows.all()]


@pytest.fixture
async def probe(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, Any]]]:
    """`create_app` plus POST /probe/customers: adds a customer through the request's
    session, then (as `control` says) waits for `release`, or has its own database
    connection terminated from another one before it answers."""
    app = create_app(settings)
    control: dict[str, Any] = {
        "wait": False,
        "terminate": False,
        "entered": asyncio.Event(),
        "release": asyncio.Event(),
    }

    @app.post("/probe/customers", status_code=201)
    async def add_customer(
        body: dict[str, str], principal: PrincipalDep, session: SessionDep
    ) -> JSONResponse:
        customer = Customer(organization_id=principal.organization_id, name=body["name"])
        session.add(customer)
        await session.flush()
        if control["wait"]:
            control["entered"].set()
            await control["release"].wait()
        if control["terminate"]:
            pid = await session.scalar(text("SELECT pg_backend_pid()"))
            async with app.state.engine.connect() as other:
                await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            if control["terminate"] == "before-answer":
                await session.execute(text("SELECT 1"))
        return JSONResponse({"id": str(customer.id)}, status_code=201)

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield http, control


async def test_the_key_is_claimed_in_the_writes_own_transaction(
    probe: tuple[httpx.AsyncClient, dict[str, Any]], tenant: Tenant, session: AsyncSession
) -> None:
    http, control = probe
    control["wait"] = True
    first = asyncio.create_task(
        http.post("/probe/customers", json={"name": "A"}, headers=keyed(tenant.editor, "one"))
    )
    await control["entered"].wait()

    # Mid-request, nothing is committed: a crash now would leave no key in flight.
    assert await keys(session) == []
    assert await customers_named(session, "A") == 0

    control["release"].set()
    done = await first
    assert done.status_code == 201
    assert await keys(session) == [("one", "completed")]
    assert await customers_named(session, "A") == 1


@pytest.mark.parametrize("moment", ["before-answer", "while-storing"])
async def test_a_terminated_connection_answers_503_and_the_retry_applies_it_once(
    probe: tuple[httpx.AsyncClient, dict[str, Any]],
    tenant: Tenant,
    session: AsyncSession,
    moment: str,
) -> None:
    http, control = probe
    control["terminate"] = moment
    headers = keyed(tenant.editor, f"cut-{moment}")
    cut = await http.post("/probe/customers", json={"name": "B"}, headers=headers)

    assert cut.status_code == 503
    assert cut.headers["content-type"] == PROBLEM_JSON
    assert cut.json()["type"].endswith("/database-interrupted")
    assert cut.headers["retry-after"] == "1"
    assert await keys(session) == []
    assert await customers_named(session, "B") == 0

    control["terminate"] = False
    retried = await http.post("/probe/customers", json={"name": "B"}, headers=headers)
    replayed = await http.post("/probe/customers", json={"name": "B"}, headers=headers)
    assert retried.status_code == 201
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.json() == retried.json()
    assert await customers_named(session, "B") == 1
    assert await keys(session) == [(f"cut-{moment}", "completed")]


async def test_a_write_without_a_key_answers_503_when_its_connection_dies(
    probe: tuple[httpx.AsyncClient, dict[str, Any]], tenant: Tenant, session: AsyncSession
) -> None:
    http, control = probe
    control["terminate"] = "before-answer"
    cut = await http.post("/probe/customers", json={"name": "C"}, headers=tenant.editor)

    assert cut.status_code == 503
    assert cut.headers["content-type"] == PROBLEM_JSON
    assert cut.headers["retry-after"] == "1"
    assert await customers_named(session, "C") == 0


async def test_a_waiting_retry_gets_the_first_answer_once_it_commits(
    probe: tuple[httpx.AsyncClient, dict[str, Any]], tenant: Tenant, session: AsyncSession
) -> None:
    http, control = probe
    control["wait"] = True
    headers = keyed(tenant.editor, "racing")
    first = asyncio.create_task(http.post("/probe/customers", json={"name": "D"}, headers=headers))
    await control["entered"].wait()
    second = asyncio.create_task(http.post("/probe/customers", json={"name": "D"}, headers=headers))
    await asyncio.sleep(0)
    control["release"].set()
    answers = await asyncio.gather(first, second)

    assert answers[0].status_code == 201
    # The second waited on the first's transaction (or, on a slow machine, gave up: 409).
    assert answers[1].status_code in {201, 409}
    if answers[1].status_code == 201:
        assert answers[1].headers["idempotent-replayed"] == "true"
        assert answers[1].json() == answers[0].json()
    assert await customers_named(session, "D") == 1
    assert await keys(session) == [("racing", "completed")]


async def test_no_key_is_left_in_flight_by_a_refused_request(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    """A 4xx is kept as the key's answer in the same transaction (Stripe semantics)."""
    headers = keyed(tenant.editor, str(uuid.uuid4()))
    refused = await client.post("/v1/customers", json={"name": ""}, headers=headers)
    assert refused.status_code == 422
    assert [state for _, state in await keys(session)] == ["completed"]
