"""Fixtures of the API tests: real PostgreSQL (never mocked), the app, clients, tenants.

The server is the one named by `TEST_DATABASE_URL` if set (any database on it: the tests
create and drop their own), else an embedded PostgreSQL (`pgserver`) in `.pgdata-test/`.
Every async fixture runs on the session event loop.

Session-scoped
- `database_url: str`  a fresh database `valuecalc_test_<pid>`, schema by `alembic upgrade head`.
- `settings: Settings`  `environment="test"`, that database.
- `app: FastAPI`  `create_app(settings)` with its lifespan running.
- `sessionmaker: async_sessionmaker[AsyncSession]`  the app's own (same engine).
- `create_database`  `await create_database("suffix") -> url` of an extra EMPTY database
  (no migrations), dropped at the end of the session; for migration / readiness tests.
- `application_tables: list[str]`  every table the migrations created.

Function-scoped
- `client: httpx.AsyncClient`  on the app (`ASGITransport`, base_url `http://test`), no
  auth header: pass `headers=tenant.admin` (or `.editor`, `.viewer`) per request.
- `session: AsyncSession`  to arrange or assert rows directly; `commit()` what you arrange.
  It keeps loaded objects (`expire_on_commit=False`): `expire_all()` or `rollback()` before
  re-reading rows the app changed. Within one transaction `pg_stat_activity` is a
  snapshot: `rollback()` between polls of it.
- `tenant`, `other_tenant: Tenant`  two organizations, created through the organizations
  service and committed:
    `organization_id: uuid.UUID`,
    `admin`, `editor`, `viewer: dict[str, str]`  ready headers `{"Authorization": "Bearer vc_live_…"}`,
    `await tenant.key(Role.viewer, tracker_ids=[...])`  headers of a new key limited to
    those trackers (`tracker_ids=None`: all trackers).
- `bearer(secret) -> dict[str, str]`  (a plain function) headers for a secret you got back.

Isolation: tests really commit; after each test every table the migrations created is
emptied (`TRUNCATE … RESTART IDENTITY CASCADE`; `alembic_version` excepted).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from valuecalc_api import embedded_postgres, migrate
from valuecalc_api.app import create_app
from valuecalc_api.db import async_database_url
from valuecalc_api.models import Role
from valuecalc_api.organizations import service as organizations
from valuecalc_api.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEST_PGDATA = PROJECT_ROOT / ".pgdata-test"


def _start_embedded_server() -> str:
    """URL of the `postgres` database of the embedded test server.

    pgserver moves the unix socket to a short runtime directory when the data path is
    too long for one (~107 bytes); if even that fails, keep the data in a short
    directory under the system temp dir instead.
    """
    try:
        server = embedded_postgres.start_server(TEST_PGDATA)
    except RuntimeError:
        digest = hashlib.sha256(str(PROJECT_ROOT).encode()).hexdigest()[:10]
        server = embedded_postgres.start_server(Path(tempfile.gettempdir()) / f"vc-pgtest-{digest}")
    return embedded_postgres.server_url(server, "postgres")


@pytest.fixture(scope="session")
def server_url() -> str:
    """A URL on the test server through which databases can be created and dropped."""
    return os.environ.get("TEST_DATABASE_URL") or _start_embedded_server()


def _url_of_database(server_url: str, database: str) -> str:
    return make_url(server_url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
async def create_database(server_url: str) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    engine = create_async_engine(async_database_url(server_url), isolation_level="AUTOCOMMIT")
    created: list[str] = []

    async def create(suffix: str) -> str:
        name = f"valuecalc_test_{os.getpid()}{'_' + suffix if suffix else ''}"
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return _url_of_database(server_url, name)

    yield create
    async with engine.connect() as connection:
        for name in created:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


@pytest.fixture(scope="session")
async def database_url(create_database: Callable[[str], Awaitable[str]]) -> str:
    url = await create_database("")
    engine = create_async_engine(async_database_url(url))
    async with engine.begin() as connection:
        await migrate.upgrade_on(connection)
    await engine.dispose()
    return url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url, environment="test")


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def sessionmaker(app: FastAPI) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return maker


@pytest.fixture(scope="session")
async def application_tables(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    """Every table the migrations created, except Alembic's own."""
    async with sessionmaker() as db_session:
        names = await db_session.scalars(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename <> 'alembic_version' ORDER BY tablename"
            )
        )
        return list(names.all())


@pytest.fixture(autouse=True)
async def _empty_tables_after_test(
    sessionmaker: async_sessionmaker[AsyncSession], application_tables: list[str]
) -> AsyncIterator[None]:
    yield
    tables = ", ".join(f'"{name}"' for name in application_tables)
    async with sessionmaker() as db_session:
        # A test that leaves a transaction open would make TRUNCATE wait forever.
        await db_session.execute(text("SET LOCAL lock_timeout = '10s'"))
        await db_session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await db_session.commit()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
async def session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as db_session:
        yield db_session


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@dataclass(frozen=True)
class Tenant:
    """An organization with one key per role, as ready-made request headers."""

    organization_id: uuid.UUID
    admin: dict[str, str]
    editor: dict[str, str]
    viewer: dict[str, str]
    _sessionmaker: async_sessionmaker[AsyncSession] = field(repr=False)
    _settings: Settings = field(repr=False)

    async def key(self, role: Role, tracker_ids: list[uuid.UUID] | None = None) -> dict[str, str]:
        """Headers of a new key of `role`, limited to `tracker_ids` (None: every tracker)."""
        async with self._sessionmaker() as db_session:
            _, secret = await organizations.create_api_key(
                db_session,
                self._settings,
                self.organization_id,
                f"test {Role(role).value} key",
                Role(role),
                tracker_ids=tracker_ids,
            )
            await db_session.commit()
        return bearer(secret)


async def _make_tenant(
    name: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> Tenant:
    async with sessionmaker() as db_session:
        organization = await organizations.create_organization(db_session, name)
        secrets: dict[Role, str] = {}
        for role in Role:
            _, secrets[role] = await organizations.create_api_key(
                db_session, settings, organization.id, f"{name} {role.value}", role
            )
        await db_session.commit()
    return Tenant(
        organization_id=organization.id,
        admin=bearer(secrets[Role.admin]),
        editor=bearer(secrets[Role.editor]),
        viewer=bearer(secrets[Role.viewer]),
        _sessionmaker=sessionmaker,
        _settings=settings,
    )


@pytest.fixture
async def tenant(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> Tenant:
    return await _make_tenant("Acme Analytics", sessionmaker, settings)


@pytest.fixture
async def other_tenant(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> Tenant:
    return await _make_tenant("Globex Software", sessionmaker, settings)
