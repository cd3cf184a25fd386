"""Running the Alembic migrations of `migrations/` and comparing a database with their head.

`alembic.ini` is looked up beside the source checkout first (a development install),
then in the working directory (the Docker image copies it to `/app`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def find_alembic_ini() -> Path:
    for candidate in (_SOURCE_ROOT / "alembic.ini", Path.cwd() / "alembic.ini"):
        if candidate.is_file():
            return candidate
    raise RuntimeError(
        "alembic.ini not found beside the source nor in the working directory; "
        "run valuecalc from the project folder."
    )


def alembic_config(
    database_url: str | None = None, *, connection: Connection | None = None
) -> Config:
    """Alembic's configuration for `database_url`, or for an open (sync) `connection`."""
    config = Config(str(find_alembic_ini()))
    if database_url is not None:
        # ConfigParser interpolates '%': escape it (percent-encoded passwords).
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database to `revision`. Synchronous: call it outside a running event loop."""
    command.upgrade(alembic_config(database_url), revision)


async def upgrade_on(connection: AsyncConnection, revision: str = "head") -> None:
    """Migrate through an open async connection (inside a running event loop)."""
    await connection.run_sync(
        lambda sync: command.upgrade(alembic_config(connection=sync), revision)
    )


async def downgrade_on(connection: AsyncConnection, revision: str = "base") -> None:
    await connection.run_sync(
        lambda sync: command.downgrade(alembic_config(connection=sync), revision)
    )


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The head revision(s) of `migrations/`, read once per process."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


async def database_revisions(connection: AsyncConnection) -> frozenset[str]:
    """The revision(s) the database is at; empty when it was never migrated."""
    if await connection.scalar(text("SELECT to_regclass('alembic_version')")) is None:
        return frozenset()
    rows = await connection.scalars(text("SELECT version_num FROM alembic_version"))
    return frozenset(rows.all())
