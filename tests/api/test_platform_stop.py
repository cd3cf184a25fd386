"""`make run` stops cleanly: SIGTERM (or its parent going away) stops the embedded
PostgreSQL it started, and a second `serve` on the same data folder is refused while the
first runs, instead of attaching to its database (and stopping it on the way out).

Bounded: every wait gives up after a fixed time and fails with the server's output.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_run_smoke import _free_port, _valuecalc, _wait_until_ready

STOP_TIMEOUT_SECONDS = 30


def _environment(data_dir: Path, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "VALUECALC_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR"}
    }
    return env | {
        "VALUECALC_DATA_DIR": str(data_dir),
        "VALUECALC_PORT": str(port),
        "VALUECALC_HOST": "127.0.0.1",
        "VALUECALC_ENVIRONMENT": "dev",
        "VALUECALC_DEMO": "false",
    }


def _postgres_running(data_dir: Path) -> bool:
    return (data_dir / "postgres" / "postmaster.pid").exists()


def _wait_for_exit(process: subprocess.Popen[bytes], log: Path) -> int:
    try:
        return process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"serve did not stop:\n{log.read_text()}")


def _wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting until {what}")


def test_sigterm_stops_postgres_and_a_second_serve_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    port = _free_port()
    log = tmp_path / "first.log"
    with log.open("w") as output:
        first = subprocess.Popen(  # noqa: S603 - our own console script
            [*_valuecalc(), "serve"],
            cwd=data_dir,
            env=_environment(data_dir, port),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(first, f"http://127.0.0.1:{port}", log)

        second = subprocess.run(  # noqa: S603
            [*_valuecalc(), "serve"],
            cwd=data_dir,
            env=_environment(data_dir, _free_port()),
            capture_output=True,
            text=True,
            timeout=STOP_TIMEOUT_SECONDS,
            check=False,
        )
        assert second.returncode == 1
        assert "already running" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        # The first one serves on, its database untouched by the refused second.
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
    finally:
        first.send_signal(signal.SIGTERM)
        status = _wait_for_exit(first, log)
    assert status == 0, log.read_text()
    assert not _postgres_running(data_dir), log.read_text()


def test_serve_stops_with_its_parent_as_under_make(tmp_path: Path) -> None:
    """make passes no SIGTERM on to its children: `--stop-with-parent` notices instead."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    port = _free_port()
    log = tmp_path / "serve.log"
    command = " ".join([*_valuecalc(), "serve", "--stop-with-parent"])
    with log.open("w") as output:
        parent = subprocess.Popen(  # noqa: S603 - a shell standing in for make
            ["/bin/sh", "-c", f"{command}; exit 0"],
            cwd=data_dir,
            env=_environment(data_dir, port),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    _wait_until_ready(parent, f"http://127.0.0.1:{port}", log)
    assert _postgres_running(data_dir)
    parent.send_signal(signal.SIGKILL)  # the parent is gone at once, telling no one
    parent.wait()
    _wait_until(lambda: not _postgres_running(data_dir), "the embedded PostgreSQL stopped")
    _wait_until(lambda: not _port_open(port), "the server stopped listening")


def _port_open(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
    except httpx.TransportError:
        return False
    return True


@pytest.fixture(autouse=True)
def _remove_the_data_folder(tmp_path: Path) -> Iterator[None]:
    yield
    shutil.rmtree(tmp_path / "data", ignore_errors=True)
