"""The embedded PostgreSQL copes with data folders too long for a unix socket path."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from valuecalc_api import embedded_postgres
from valuecalc_api.db import async_database_url

UNIX_SOCKET_PATH_MAX = 107


async def test_a_long_data_folder_still_gets_a_working_server(tmp_path: Path) -> None:
    pgdata = tmp_path / ("deeply-nested-folder-" * 4) / ("another-long-name-" * 3) / "postgres"
    assert len(str(pgdata / ".s.PGSQL.5432")) > UNIX_SOCKET_PATH_MAX
    server = await asyncio.to_thread(embedded_postgres.start_server, pgdata)
    try:
        await asyncio.to_thread(embedded_postgres.create_database_if_missing, server)
        url = embedded_postgres.server_url(server, embedded_postgres.DATABASE_NAME)
        engine = create_async_engine(async_database_url(url))
        try:
            async with engine.connect() as connection:
                assert await connection.scalar(text("SELECT current_database()")) == "valuecalc"
        finally:
            await engine.dispose()
    finally:
        await asyncio.to_thread(server.cleanup)
    assert not (pgdata / "postmaster.pid").exists()
    shutil.rmtree(pgdata)  # ~40 MB; pytest keeps recent tmp folders
