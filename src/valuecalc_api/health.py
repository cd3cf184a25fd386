"""Liveness and readiness probes, outside `/v1` and without authentication.

`/healthz` answers while the process runs (no database). `/readyz` answers 200 only when
the database is reachable and migrated to the head of `migrations/`, so a load balancer
never routes to an instance whose schema is older (or newer) than its code.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from valuecalc_api import migrate
from valuecalc_api.problem_refs import problem_doc
from valuecalc_api.problems import database_not_migrated, database_unreachable

READINESS_TIMEOUT_SECONDS = 5.0

logger = logging.getLogger("valuecalc.api")
router = APIRouter(tags=["health"])


class Alive(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ready", "database_revision": "0005"}]}
    )

    status: Literal["ready"] = "ready"
    database_revision: str


@router.get("/healthz", response_model=Alive)
async def healthz() -> Alive:
    """The process is up. Touches nothing else."""
    return Alive()


@router.get(
    "/readyz",
    response_model=Ready,
    responses={
        503: problem_doc(
            "Not ready: `database-unreachable`, or `database-not-migrated` (the schema is not "
            "at this code's migration head; run `valuecalc migrate`).",
            "database-unreachable",
            "database-not-migrated",
        )
    },
)
async def readyz(request: Request) -> Ready:
    """The database is reachable and at the head revision of the migrations."""
    engine: AsyncEngine = request.app.state.engine
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS), engine.connect() as connection:
            current = await migrate.database_revisions(connection)
    except (OSError, SQLAlchemyError, TimeoutError) as error:
        logger.warning("readiness: database unreachable: %s", error)
        raise database_unreachable() from None
    expected = migrate.head_revisions()
    if current != expected:
        raise database_not_migrated(current, expected)
    return Ready(database_revision=", ".join(sorted(current)))
