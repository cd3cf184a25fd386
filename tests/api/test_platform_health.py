"""Probes: /healthz needs nothing; /readyz needs a reachable database at the migrations' head."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from valuecalc_api import migrate
from valuecalc_api.app import create_app
from valuecalc_api.db import async_database_url
from valuecalc_api.settings import Settings

PROBLEM_JSON = "application/problem+json"


@asynccontextmanager
async def _client_for(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(_env_file=None, database_url=database_url, environment="test"))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        yield client


async def test_healthz_answers_without_auth(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_healthz_needs_no_database() -> None:
    # An app whose database does not exist is still alive.
    async with _client_for("postgresql://nobody@127.0.0.1:1/nothing") as client:
        response = await client.get("/healthz")
    assert response.status_code == 200


async def test_readyz_when_the_database_is_at_head(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ready",
        "database_revision": ", ".join(sorted(migrate.head_revisions())),
    }


async def test_readyz_is_503_on_a_database_never_migrated(
    create_database: Callable[[str], Awaitable[str]],
) -> None:
    async with _client_for(await create_database("readyz_empty")) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["type"].endswith("/database-not-migrated")
    assert body["status"] == 503
    assert "never migrated" in body["detail"]
    assert "valuecalc migrate" in body["detail"]


async def test_readyz_is_503_when_the_database_cannot_be_reached(database_url: str) -> None:
    missing = make_url(database_url).set(database="valuecalc_no_such_database")
    async with _client_for(missing.render_as_string(hide_password=False)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"].endswith("/database-unreachable")


async def test_readyz_is_503_on_a_database_behind_the_code(
    create_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await create_database("readyz_behind")
    engine = create_async_engine(async_database_url(url))
    async with engine.begin() as connection:
        await migrate.upgrade_on(connection, "0001")
    await engine.dispose()
    async with _client_for(url) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    head = ", ".join(sorted(migrate.head_revisions()))
    assert head != "0001"
    assert response.json()["detail"] == (
        f"The database is at revision 0001 but this code needs {head}: run `valuecalc migrate`."
    )
