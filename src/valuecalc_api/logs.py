"""Logs (structlog): one JSON object per line in production, a readable line in development.

Every record of every library (uvicorn, SQLAlchemy, ours) goes through the same
processors on the root logger: a timestamp, the level, the logger's name, the request's
context (`structlog.contextvars`: request id, route, organization) and, for an exception,
its traceback with the messages of database errors left out. Those messages echo what
was sent to the database: SQLAlchemy prints the bound parameters (key hashes, user text)
unless the engine hides them (`db.create_engine(hide_parameters=True)`), and the driver's
own message quotes the offending value ("invalid input for query argument $1: 'a\\x00b'").
A database error is logged as its class, its SQLSTATE and the statement (bound
parameters are placeholders in it), never its message.

One line per request is written by `middleware.observe`: request id, organization id,
key prefix (the first characters shown in key lists; never the key or its hash), method,
route template, status and duration.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
import uuid
from collections.abc import MutableMapping
from typing import Any

import structlog
from sqlalchemy.exc import StatementError
from starlette.types import Scope

from valuecalc_api.settings import Settings

_STATEMENT_CHARS = 500
_ORGANIZATION_KEY = "valuecalc.organization_id"


def note_organization(scope: Scope, organization_id: uuid.UUID) -> None:
    """Record the caller's organization for the request's log line (`middleware.observe`):
    whoever identifies the caller notes it, the log line reads it; nothing else does."""
    scope[_ORGANIZATION_KEY] = organization_id


def noted_organization(scope: Scope) -> uuid.UUID | None:
    organization: uuid.UUID | None = scope.get(_ORGANIZATION_KEY)
    return organization


def _is_database_error(error: BaseException) -> bool:
    """An error raised by the database driver, whose message may quote bound values."""
    module = type(error).__module__
    drivers = ("asyncpg", "psycopg", "sqlalchemy.dialects", "sqlalchemy.connectors")
    return module.startswith(drivers) or isinstance(error, StatementError)


def describe_error(error: BaseException) -> str:
    """`Type: message`, or for a database error `Type (SQLSTATE x) in: statement`."""
    name = type(error).__qualname__
    if not _is_database_error(error):
        return "".join(traceback.format_exception_only(error)).strip()
    original = error.orig if isinstance(error, StatementError) else error
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    text = f"{name} ({type(original).__qualname__}"
    text += f", SQLSTATE {sqlstate})" if sqlstate else ")"
    if isinstance(error, StatementError) and error.statement:
        text += " in: " + " ".join(error.statement.split())[:_STATEMENT_CHARS]
    return text + " [message withheld: it may quote bound values]"


def format_exception(error: BaseException) -> str:
    """The traceback of `error` and its causes, as Python prints it, with `describe_error`
    in place of each exception's own line."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "The above exception was the direct cause of:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "During handling of the above exception:"
        else:
            current = None
    parts: list[str] = []
    for exception, following in reversed(chain):
        frames = "".join(traceback.format_tb(exception.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{describe_error(exception)}")
        if following:
            parts.append(following)
    return "\n".join(parts)


def _exception_without_values(
    logger: Any, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace `exc_info` by the withheld-values traceback (`format_exception`)."""
    exc_info = event.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        event["exception"] = format_exception(exc_info)
    elif isinstance(exc_info, tuple) and exc_info[1] is not None:
        event["exception"] = format_exception(exc_info[1])
    return event


def _add_process(
    logger: Any, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """The worker's process id (which of N workers wrote the line); uvicorn's terminal
    colouring of its own message left out."""
    event["pid"] = os.getpid()
    event.pop("color_message", None)
    return event


def _processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        _add_process,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _exception_without_values,
    ]


def configure_logging(settings: Settings, stream: Any = None) -> None:
    """Route every logger through structlog's processors to `stream` (stderr)."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if settings.logs_as_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    # The embedded PostgreSQL's wrapper narrates every command it runs at info.
    logging.getLogger("pgserver").setLevel(max(logging.WARNING, root.level))
    structlog.configure(
        processors=[*_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
