"""Migrations: reversible on an empty database, and in step with the ORM models."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from valuecalc_api import migrate
from valuecalc_api.db import async_database_url
from valuecalc_api.models import Base


async def _tables(connection: AsyncConnection) -> set[str]:
    rows = await connection.scalars(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    )
    return set(rows.all())


async def test_upgrade_downgrade_upgrade_on_an_empty_database(
    create_database: Callable[[str], Awaitable[str]],
) -> None:
    engine = create_async_engine(async_database_url(await create_database("migrations")))
    model_tables = set(Base.metadata.tables)
    try:
        async with engine.begin() as connection:
            await migrate.upgrade_on(connection)
            assert await _tables(connection) == model_tables | {"alembic_version"}
            assert await migrate.database_revisions(connection) == migrate.head_revisions()

        async with engine.begin() as connection:
            await migrate.downgrade_on(connection, "base")
            # Only Alembic's bookkeeping table stays, and it is empty.
            assert await _tables(connection) == {"alembic_version"}
            assert await migrate.database_revisions(connection) == frozenset()

        async with engine.begin() as connection:
            await migrate.upgrade_on(connection)
            assert await _tables(connection) == model_tables | {"alembic_version"}
    finally:
        await engine.dispose()


async def test_migrations_match_the_models(database_url: str) -> None:
    """Autogenerate finds nothing to add: every model change has its migration."""
    engine = create_async_engine(async_database_url(database_url))
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()
    assert differences == []


async def test_measurement_pages_keep_room_for_updates_in_place(database_url: str) -> None:
    """Migration 0007: re-sent months are updated as heap-only tuples (no index writes)."""
    engine = create_async_engine(async_database_url(database_url))
    try:
        async with engine.connect() as connection:
            options = await connection.scalar(
                text("SELECT reloptions FROM pg_class WHERE oid = 'measurements'::regclass")
            )
    finally:
        await engine.dispose()
    assert options == ["fillfactor=50"]
