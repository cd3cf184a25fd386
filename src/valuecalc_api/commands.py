"""What the `valuecalc` commands share: the database they use, one transaction, the demo's
printout, and the one-line failure they report."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api import embedded_postgres
from valuecalc_api.db import create_engine, create_sessionmaker, separate_transaction
from valuecalc_api.demo import DemoResult
from valuecalc_api.settings import Settings

T = TypeVar("T")


class CommandError(Exception):
    """A failure explained to the user in one line, exit status 1."""


def resolve_database_url(settings: Settings) -> str:
    """`DATABASE_URL` if set; otherwise start the embedded server (not in production)."""
    if settings.database_url is not None:
        return settings.database_url
    if settings.environment == "production":
        raise CommandError("Set DATABASE_URL: the embedded PostgreSQL is not for production.")
    return embedded_postgres.embedded_database_url(settings)


def run_in_session(database_url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction, committed if it returns."""

    async def run() -> T:
        engine = create_engine(database_url, pool_size=1)
        try:
            async with separate_transaction(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def print_demo(demo: DemoResult) -> None:
    print(f'Created the demo organization "{demo.organization_name}" ({demo.organization_id}).')
    print(f"Its admin API key, shown only this once: {demo.admin_key}")
    print(f"Demo Value Tracker: {demo.tracker_id} (GET /v1/trackers/{demo.tracker_id}/report)")
