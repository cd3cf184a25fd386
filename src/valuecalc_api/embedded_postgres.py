"""The embedded PostgreSQL (the `pgserver` wheel) used when `DATABASE_URL` is not set.

The server keeps its files in `settings.data_dir / "postgres"`, so data survives a
restart; it listens only on a unix socket and stops when the process that started it
exits. `pgserver` puts the socket in a short runtime directory when the data path is
too long for a unix socket (about 107 bytes).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from valuecalc_api.settings import Settings

DATABASE_NAME = "valuecalc"


def _pgserver() -> Any:
    # pgserver imports platformdirs at import time, which warns when XDG_RUNTIME_DIR is unset.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    return pgserver


def start_server(pgdata: Path) -> Any:
    """Start (or attach to) the server whose data folder is `pgdata`, creating it if needed."""
    pgdata = pgdata.expanduser().resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _pgserver().get_server(pgdata, cleanup_mode="stop")
    except Exception as error:
        raise RuntimeError(
            f"Could not start the embedded PostgreSQL in {pgdata} ({error}). "
            f"Set DATABASE_URL to use another PostgreSQL server."
        ) from error


def server_url(server: Any, database: str) -> str:
    """The `postgresql://` URL of `database` on a running embedded server."""
    url: str = server.get_uri(database)
    return url


def create_database_if_missing(server: Any) -> None:
    """Create the `valuecalc` database on the embedded server unless it already exists."""
    server.psql(
        "SELECT 'CREATE DATABASE valuecalc' "
        "WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'valuecalc')\\gexec\n"
    )


def start(settings: Settings) -> tuple[Any, str]:
    """Start the embedded server in `data_dir/postgres`: the server (its `cleanup()` stops
    it once no other process uses it) and the URL of its database."""
    server = start_server(settings.data_dir / "postgres")
    create_database_if_missing(server)
    return server, server_url(server, DATABASE_NAME)


def embedded_database_url(settings: Settings) -> str:
    """Start the embedded server in `data_dir/postgres` and return the URL of its database."""
    return start(settings)[1]
