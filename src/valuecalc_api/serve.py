"""`valuecalc serve`: migrate, seed the demo on a first start, serve N worker processes.

One process (`--workers 1`) serves the app object it built; several are started by
uvicorn's supervisor, each building the app from the environment (`create_app()`), so the
resolved database URL is handed to them as `DATABASE_URL`. Everything that must hold
across processes and hosts lives in PostgreSQL (rate limits, idempotency keys, the data
versions that key the report caches).

Stopping is clean whatever the signal: SIGINT (Ctrl+C) and SIGTERM end uvicorn gracefully,
then the embedded PostgreSQL this command started is stopped (uvicorn re-raises SIGTERM
after its shutdown, which would otherwise kill the process before any cleanup runs). A
second `serve` on the same data folder is refused while one runs (`serve.lock`), instead
of attaching to its database and stopping it on the way out. `--stop-with-parent` (used
by `make run`) also stops when the parent process goes away, since make does not pass
SIGTERM on to its children.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING

from valuecalc_api import embedded_postgres, migrate
from valuecalc_api.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

LOCK_FILE = "serve.lock"
PARENT_POLL_SECONDS = 0.5


class ServeError(Exception):
    """A reason not to serve, explained in one line."""


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str
    port: int
    workers: int
    demo: bool
    stop_with_parent: bool = False


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


@contextmanager
def serve_lock(data_dir: Path, url: str) -> Iterator[None]:
    """Hold `data_dir/serve.lock` while serving; refuse if another process holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    handle: IO[str] = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ServeError(
                f"valuecalc serve is already running on {data_dir.resolve()} ({holder}). "
                "Stop it first (Ctrl+C in its terminal), or set VALUECALC_DATA_DIR to serve "
                "another folder."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, {url}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # releases the lock


def _watch_parent() -> None:
    """SIGTERM to this process once its parent has gone (make killed by SIGTERM)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _metrics_directory(stack: ExitStack) -> None:
    """A fresh directory for prometheus-client's multiprocess files, shared by the
    workers (and the separate metrics port), removed when serving stops."""
    directory = tempfile.mkdtemp(prefix="valuecalc-metrics-")
    stack.callback(shutil.rmtree, directory, ignore_errors=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory


def serve(settings: Settings, options: ServeOptions) -> None:
    from valuecalc_api.commands import print_demo, resolve_database_url, run_in_session
    from valuecalc_api.demo import seed_demo_if_empty

    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    base_url = f"http://{options.host}:{options.port}"
    try:
        with ExitStack() as stack:
            if options.stop_with_parent:
                _watch_parent()
            if settings.database_url is None and settings.environment != "production":
                stack.enter_context(serve_lock(settings.data_dir, base_url))
                server, database_url = embedded_postgres.start(settings)
                stack.callback(server.cleanup)  # stops it: this process started or joined it
            else:
                database_url = resolve_database_url(settings)
            migrate.upgrade(database_url)
            if options.demo and settings.environment != "production":
                demo = run_in_session(
                    database_url, lambda session: seed_demo_if_empty(session, settings)
                )
                if demo is not None:
                    print_demo(demo)
            if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
                _metrics_directory(stack)
            served = settings.model_copy(update={"database_url": database_url})
            if served.metrics_port is not None:
                from valuecalc_api.metrics import serve_metrics_port

                serve_metrics_port(options.host, served.metrics_port)
            print(f"API docs: {base_url}/docs", flush=True)
            _run_uvicorn(served, options)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_uvicorn(settings: Settings, options: ServeOptions) -> None:
    import uvicorn

    from valuecalc_api.app import create_app  # imports every route: only when serving
    from valuecalc_api.logs import configure_logging

    configure_logging(settings)
    host, port = options.host, options.port
    try:
        if options.workers == 1:
            app = create_app(settings)
            uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)
        else:
            # The workers build the app from the environment: hand them the resolved URL.
            assert settings.database_url is not None
            os.environ["DATABASE_URL"] = settings.database_url
            uvicorn.run(
                "valuecalc_api.serve:worker_app",
                factory=True,
                workers=options.workers,
                host=host,
                port=port,
                log_config=None,
                access_log=False,
            )
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it shut down for
        pass


def worker_app() -> FastAPI:
    """The app of one of several worker processes (uvicorn imports it by name): its logs
    configured as the parent's, its settings from the environment."""
    from valuecalc_api.app import create_app
    from valuecalc_api.logs import configure_logging
    from valuecalc_api.settings import get_settings

    configure_logging(get_settings())
    return create_app()
