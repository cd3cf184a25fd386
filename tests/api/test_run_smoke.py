"""`make run` end to end: `valuecalc serve` on a fresh data folder with the embedded
PostgreSQL, stopped and started again; the demo is seeded once and its key keeps working.

Bounded: each wait gives up after a fixed time and fails with the server's output.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from valuecalc_api.embedded_postgres import DATABASE_NAME

START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 30
KEY_PATTERN = re.compile(r"vc_live_[A-Za-z0-9_-]+")
TRACKER_PATTERN = re.compile(r"Demo Value Tracker: ([0-9a-f-]{36})")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _valuecalc() -> list[str]:
    script = Path(sys.executable).with_name("valuecalc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "valuecalc_api.cli"]


@contextmanager
def _serving(data_dir: Path, port: int, log: Path) -> Iterator[str]:
    """Run `valuecalc serve` until ready; yield its base URL; stop it with SIGINT."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "VALUECALC_DATABASE_URL"}
    }
    env |= {
        "VALUECALC_DATA_DIR": str(data_dir),
        "VALUECALC_PORT": str(port),
        "VALUECALC_HOST": "127.0.0.1",
        "VALUECALC_ENVIRONMENT": "dev",
    }
    base_url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        # cwd: the data folder, so a developer's .env is not picked up.
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [*_valuecalc(), "serve"],
            cwd=data_dir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(process, base_url, log)
        yield base_url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"valuecalc serve did not stop on SIGINT:\n{log.read_text()}")
    assert process.returncode == 0, log.read_text()


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"valuecalc serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"valuecalc serve was not ready after {START_TIMEOUT_SECONDS}s:\n{log.read_text()}")


def _count_organizations(pgdata: Path) -> int:
    """Ask the embedded server (still running) directly, with its own psql."""
    from pgserver._commands import POSTGRES_BIN_PATH
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    assert info is not None
    result = subprocess.run(  # noqa: S603 - pgserver's own psql
        [
            str(POSTGRES_BIN_PATH / "psql"),
            info.get_uri(database=DATABASE_NAME),
            "-tAc",
            "SELECT count(*) FROM organizations",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return int(result.stdout.strip())


def test_serve_seeds_the_demo_once_and_keeps_data_across_restarts(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    port = _free_port()
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"

    with _serving(data_dir, port, first_log) as base_url:
        output = first_log.read_text()
        assert f"http://127.0.0.1:{port}/docs" in output
        keys = KEY_PATTERN.findall(output)
        assert len(keys) == 1, output
        headers = {"Authorization": f"Bearer {keys[0]}"}
        first = httpx.get(f"{base_url}/v1/organization", headers=headers, timeout=10)
        assert first.status_code == 200, first.text
        assert first.json()["name"] == "Demo Vendor"
        trackers = TRACKER_PATTERN.findall(output)
        assert len(trackers) == 1, output
        report_path = f"{base_url}/v1/trackers/{trackers[0]}/report?as_of=2026-03"
        report = httpx.get(report_path, headers=headers, timeout=10)
        assert report.status_code == 200, report.text
        # The seed's sentence: "$109,000 in realized benefit" by March.
        assert report.json()["totals"]["realized"] == "109000.00"

    # Stopping the API stopped its embedded PostgreSQL too.
    assert not (data_dir / "postgres" / "postmaster.pid").exists()

    with _serving(data_dir, port, second_log) as base_url:
        output = second_log.read_text()
        assert KEY_PATTERN.search(output) is None, output  # no second demo, no new key
        again = httpx.get(f"{base_url}/v1/organization", headers=headers, timeout=10)
        assert again.status_code == 200, again.text
        assert again.json() == first.json()
        report_again = httpx.get(report_path, headers=headers, timeout=10)
        assert report_again.status_code == 200, report_again.text
        assert report_again.json() == report.json()
        assert _count_organizations(data_dir / "postgres") == 1


@pytest.fixture(autouse=True)
def _remove_the_data_folder(tmp_path: Path) -> Iterator[None]:
    """pytest keeps recent tmp folders; a PostgreSQL data folder is ~40 MB."""
    yield
    shutil.rmtree(tmp_path / "data", ignore_errors=True)
