"""The app served by uvicorn in a subprocess on 127.0.0.1, on a fresh local database:
for the fault tests (kill and restart the server) and `make fuzz` (Schemathesis)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from valuecalc_api import embedded_postgres, migrate
from valuecalc_api.db import async_database_url


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A migrated, empty database on TEST_DATABASE_URL's server, else on an embedded one."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url is None:
        with tempfile.TemporaryDirectory(prefix=f"vc-{prefix}-") as folder:
            server = embedded_postgres.start_server(Path(folder) / "pg")
            embedded_postgres.create_database_if_missing(server)
            url = embedded_postgres.server_url(server, embedded_postgres.DATABASE_NAME)
            migrate.upgrade(url)
            yield url
            server.cleanup()
        return
    name = f"valuecalc_{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    async def run(statement: str) -> None:
        admin = create_async_engine(async_database_url(server_url), isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(text(statement))
        await admin.dispose()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        migrate.upgrade(url)
        yield url
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """uvicorn serving `create_app` on 127.0.0.1:`port` against `database_url`."""

    def __init__(
        self,
        database_url: str,
        *,
        port: int | None = None,
        log: Path | None = None,
        **settings: str,
    ) -> None:
        self.port = port or free_port()
        self.log = log
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = os.environ | {
            "VALUECALC_DATABASE_URL": database_url,
            "VALUECALC_ENVIRONMENT": "test",
            "VALUECALC_RATE_LIMIT_ENABLED": "false",
            **{f"VALUECALC_{name.upper()}": value for name, value in settings.items()},
        }
        self.env.pop("DATABASE_URL", None)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "valuecalc_api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        # Our own interpreter and fixed arguments: nothing untrusted reaches the command.
        output = self.log.open("ab") if self.log is not None else None
        try:
            self.process = subprocess.Popen(  # noqa: S603
                command, env=self.env, cwd=tempfile.gettempdir(), stderr=output, stdout=output
            )
        finally:
            if output is not None:
                output.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"uvicorn did not start within {timeout} s")

    def kill(self) -> None:
        """SIGKILL: the process dies at once, wherever it is."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


@contextmanager
def serving(database_url: str, **settings: str) -> Iterator[ServerProcess]:
    server = ServerProcess(database_url, **settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()
