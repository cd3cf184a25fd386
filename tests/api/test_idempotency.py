"""Idempotency-Key on writes (SPEC 6, Stripe semantics), against real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from valuecalc_api.app import create_app
from valuecalc_api.idempotency import purge_expired_idempotency_keys
from valuecalc_api.models import ApiKey, Customer, IdempotencyKey
from valuecalc_api.settings import Settings

PROBLEM_JSON = "application/problem+json"
NORTHWIND = {"name": "Northwind Support Ltd", "segment": "mid-market"}


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def customer_count(session: AsyncSession, organization_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Customer)
        .where(Customer.organization_id == organization_id)
    )
    return count or 0


async def stored_keys(session: AsyncSession) -> list[IdempotencyKey]:
    session.expunge_all()
    return list((await session.scalars(select(IdempotencyKey))).all())


def assert_same_answer(first: httpx.Response, replayed: httpx.Response) -> None:
    assert replayed.status_code == first.status_code
    assert replayed.content == first.content
    for name in ("content-type", "location", "etag"):
        assert replayed.headers.get(name) == first.headers.get(name)
    assert replayed.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers


async def test_same_key_same_body_creates_once_and_replays(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    first = await client.post("/v1/customers", json=NORTHWIND, headers=keyed(tenant.editor, "k1"))
    second = await client.post("/v1/customers", json=NORTHWIND, headers=keyed(tenant.editor, "k1"))

    assert first.status_code == 201
    assert_same_answer(first, second)
    assert await customer_count(session, tenant.organization_id) == 1
    [row] = await stored_keys(session)
    assert row.state == "completed"
    assert row.response_status == 201
    assert (row.expires_at - row.created_at).total_seconds() == 24 * 3600


async def test_same_key_different_body_is_422_and_creates_nothing_more(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    first = await client.post("/v1/customers", json=NORTHWIND, headers=keyed(tenant.editor, "k2"))
    other = await client.post(
        "/v1/customers", json={"name": "Globex"}, headers=keyed(tenant.editor, "k2")
    )

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.headers["content-type"] == PROBLEM_JSON
    assert other.json()["type"].endswith("/idempotency-key-reused")
    assert await customer_count(session, tenant.organization_id) == 1


async def test_same_key_on_another_path_is_422(client: httpx.AsyncClient, tenant: Tenant) -> None:
    body = {"name": "Northwind"}
    assert (
        await client.post("/v1/customers", json=body, headers=keyed(tenant.admin, "k3"))
    ).status_code == 201
    elsewhere = await client.post(
        "/v1/customers?dry_run=1", json=body, headers=keyed(tenant.admin, "k3")
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["type"].endswith("/idempotency-key-reused")


async def test_another_api_key_of_the_organization_gets_no_replay(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    assert (
        await client.post("/v1/customers", json=NORTHWIND, headers=keyed(tenant.editor, "k4"))
    ).status_code == 201
    other_key = await client.post(
        "/v1/customers", json=NORTHWIND, headers=keyed(tenant.admin, "k4")
    )
    assert other_key.status_code == 422
    assert other_key.json()["type"].endswith("/idempotency-key-reused")
    assert await customer_count(session, tenant.organization_id) == 1


async def test_concurrent_requests_with_one_key_create_one_row(
    app: FastAPI, tenant: Tenant, session: AsyncSession
) -> None:
    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.post(
                "/v1/customers", json=NORTHWIND, headers=keyed(tenant.editor, "race")
            )

    answers = await asyncio.gather(post(), post())

    assert await customer_count(session, tenant.organization_id) == 1
    fresh = [a for a in answers if "idempotent-replayed" not in a.headers and a.status_code == 201]
    assert len(fresh) == 1
    [other] = [a for a in answers if a is not fresh[0]]
    if other.status_code == 409:
        assert other.json()["type"].endswith("/idempotency-request-in-progress")
        assert other.headers["retry-after"] == "1"
    else:
        assert_same_answer(fresh[0], other)


async def test_organizations_use_the_same_key_independently(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    ours = await client.post("/v1/customers", json=NORTHWIND, headers=keyed(tenant.editor, "k5"))
    theirs = await client.post(
        "/v1/customers", json=NORTHWIND, headers=keyed(other_tenant.editor, "k5")
    )

    assert ours.status_code == theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert ours.json()["id"] != theirs.json()["id"]
    assert await customer_count(session, tenant.organization_id) == 1
    assert await customer_count(session, other_tenant.organization_id) == 1


@pytest.mark.parametrize(
    ("headers_of", "body", "status"),
    [
        ("viewer", NORTHWIND, 403),  # not allowed to write
        ("editor", {"name": ""}, 422),  # invalid body
    ],
)
async def test_a_4xx_result_is_replayed(
    client: httpx.AsyncClient,
    tenant: Tenant,
    session: AsyncSession,
    headers_of: str,
    body: dict[str, Any],
    status: int,
) -> None:
    headers = keyed(getattr(tenant, headers_of), "k6")
    first = await client.post("/v1/customers", json=body, headers=headers)
    second = await client.post("/v1/customers", json=body, headers=headers)

    assert first.status_code == status
    assert_same_answer(first, second)
    assert await customer_count(session, tenant.organization_id) == 0


async def test_an_expired_key_runs_again(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    first = await client.post("/v1/customers", json=NORTHWIND, headers=keyed(tenant.editor, "k7"))
    await session.execute(
        update(IdempotencyKey).values(expires_at=func.now() - text("interval '1 second'"))
    )
    await session.commit()
    again = await client.post("/v1/customers", json=NORTHWIND, headers=keyed(tenant.editor, "k7"))

    assert first.status_code == again.status_code == 201
    assert "idempotent-replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert await customer_count(session, tenant.organization_id) == 2
    [row] = await stored_keys(session)  # the expired row was replaced
    assert row.state == "completed"


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\there"])
async def test_a_malformed_key_is_422_before_anything_runs(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession, key: str
) -> None:
    answer = await client.post(
        "/v1/customers",
        json=NORTHWIND,
        headers=[
            *((name.encode(), value.encode()) for name, value in tenant.editor.items()),
            (b"Idempotency-Key", key.encode("latin-1")),
        ],
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json()["errors"][0]["field"] == "header.idempotency-key"
    assert await customer_count(session, tenant.organization_id) == 0


async def test_the_longest_key_is_accepted(client: httpx.AsyncClient, tenant: Tenant) -> None:
    answer = await client.post(
        "/v1/customers", json=NORTHWIND, headers=keyed(tenant.editor, "k" * 255)
    )
    assert answer.status_code == 201


async def test_without_a_valid_api_key_the_route_answers_401_and_nothing_is_kept(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    headers = {"Authorization": "Bearer vc_live_unknown", "Idempotency-Key": "x" * 300}
    answer = await client.post("/v1/customers", json=NORTHWIND, headers=headers)
    assert answer.status_code == 401
    assert await stored_keys(session) == []


async def test_purge_deletes_expired_keys_only(tenant: Tenant, session: AsyncSession) -> None:
    api_key_id = await session.scalar(
        select(ApiKey.id).where(ApiKey.organization_id == tenant.organization_id).limit(1)
    )
    for key, expires in [("old-1", "-1 hour"), ("old-2", "-1 second"), ("fresh", "+1 hour")]:
        session.add(
            IdempotencyKey(
                organization_id=tenant.organization_id,
                key=key,
                api_key_id=api_key_id,
                fingerprint="0" * 64,
                state="in_flight",
                expires_at=func.now() + text(f"interval '{expires}'"),
            )
        )
    await session.commit()

    assert await purge_expired_idempotency_keys(session) == 2
    await session.commit()
    assert [row.key for row in await stored_keys(session)] == ["fresh"]


async def test_a_no_store_response_is_not_kept_and_not_run_twice(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    headers = keyed(tenant.admin, "new-crm-key")
    body = {"name": "CRM sync", "role": "editor"}
    first = await client.post("/v1/api-keys", json=body, headers=headers)
    retry = await client.post("/v1/api-keys", json=body, headers=headers)

    assert first.status_code == 201
    assert first.headers["cache-control"] == "no-store"
    assert retry.status_code == 409
    assert retry.json()["type"].endswith("/idempotency-response-not-stored")
    assert retry.json()["original_status"] == 201
    assert first.json()["secret"] not in retry.text
    named = select(func.count()).select_from(ApiKey).where(ApiKey.name == "CRM sync")
    assert await session.scalar(named) == 1
    [row] = await stored_keys(session)
    assert row.state == "completed"
    assert row.response_body is None


# ---- a probe app: the real stack plus routes that fail or wait on demand


@pytest.fixture
async def probe(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, Any]]]:
    """`create_app` with two extra routes: POST /probe/flaky (500 until told otherwise) and
    POST /probe/slow (sets `control["entered"]`, then waits for `control["release"]`)."""
    app = create_app(settings)
    control: dict[str, Any] = {
        "fail": True,
        "runs": 0,
        "entered": asyncio.Event(),
        "release": asyncio.Event(),
    }

    @app.post("/probe/flaky", status_code=201)
    async def flaky() -> JSONResponse:
        control["runs"] += 1
        if control["fail"] == "raise":
            raise RuntimeError("the database went away")
        if control["fail"]:
            return JSONResponse({"detail": "unavailable"}, status_code=503)
        return JSONResponse({"run": control["runs"]}, status_code=201)

    @app.post("/probe/slow")
    async def slow() -> JSONResponse:
        control["runs"] += 1
        control["entered"].set()
        await control["release"].wait()
        return JSONResponse({"run": control["runs"]}, status_code=201)

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield http, control


@pytest.mark.parametrize("failure", [True, "raise"])
async def test_a_5xx_or_an_error_releases_the_key(
    probe: tuple[httpx.AsyncClient, dict[str, Any]],
    tenant: Tenant,
    session: AsyncSession,
    failure: object,
) -> None:
    http, control = probe
    control["fail"] = failure
    failed = await http.post("/probe/flaky", json={}, headers=keyed(tenant.editor, "k8"))
    assert failed.status_code in {500, 503}
    assert await stored_keys(session) == []

    control["fail"] = False
    retried = await http.post("/probe/flaky", json={}, headers=keyed(tenant.editor, "k8"))
    assert retried.status_code == 201
    assert retried.json() == {"run": 2}
    assert "idempotent-replayed" not in retried.headers


async def test_a_retry_while_the_first_is_in_flight_is_409(
    probe: tuple[httpx.AsyncClient, dict[str, Any]], tenant: Tenant
) -> None:
    http, control = probe
    headers = keyed(tenant.editor, "k9")
    first = asyncio.create_task(http.post("/probe/slow", json={"a": 1}, headers=headers))
    await control["entered"].wait()  # the first request is inside the route

    busy = await http.post("/probe/slow", json={"a": 1}, headers=headers)
    assert busy.status_code == 409
    assert busy.json()["type"].endswith("/idempotency-request-in-progress")
    assert busy.headers["retry-after"] == "1"

    control["release"].set()
    done = await first
    replayed = await http.post("/probe/slow", json={"a": 1}, headers=headers)
    assert done.json() == {"run": 1}
    assert_same_answer(done, replayed)
    assert control["runs"] == 1


async def test_expired_keys_are_purged_in_passing(
    probe: tuple[httpx.AsyncClient, dict[str, Any]], tenant: Tenant, session: AsyncSession
) -> None:
    http, control = probe
    control["fail"] = False
    api_key_id = await session.scalar(
        select(ApiKey.id).where(ApiKey.organization_id == tenant.organization_id).limit(1)
    )
    session.add(
        IdempotencyKey(
            organization_id=tenant.organization_id,
            key="long-gone",
            api_key_id=api_key_id,
            fingerprint="0" * 64,
            state="in_flight",
            expires_at=func.now() - text("interval '1 day'"),
        )
    )
    await session.commit()

    # The first keyed request of a new app process purges.
    await http.post("/probe/flaky", json={}, headers=keyed(tenant.editor, "k10"))
    assert [row.key for row in await stored_keys(session)] == ["k10"]
