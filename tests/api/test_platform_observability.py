"""/metrics, the request log line, SQL errors without their values, and offline /docs."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.api.conftest import Tenant
from tests.api.test_run_smoke import _free_port
from tests.api.value_tracking_builders import create_graph
from valuecalc_api.logs import configure_logging
from valuecalc_api.metrics import serve_metrics_port
from valuecalc_api.settings import Settings

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def metrics_token(app: FastAPI, settings: Settings) -> Iterator[str]:
    app.state.settings = settings.model_copy(update={"metrics_token": SecretStr(TOKEN)})
    yield TOKEN
    app.state.settings = settings


@pytest.fixture
def json_log(settings: Settings) -> Iterator[io.StringIO]:
    """Everything logged while the test runs, as the production JSON lines."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(settings.model_copy(update={"log_format": "json"}), stream)
    yield stream
    root.handlers, level = saved
    root.setLevel(level)


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line]


def _sample(exposition: str, name: str, **labels: str) -> float:
    """The value of sample `name` with exactly `labels` (0 if absent)."""
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


# ---- /metrics


async def test_metrics_need_the_token(client: httpx.AsyncClient, metrics_token: str) -> None:
    assert (await client.get("/metrics")).status_code == 404
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 404
    assert wrong.headers["content-type"] == "application/problem+json"
    answer = await client.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    assert "# TYPE valuecalc_http_request_duration_seconds histogram" in answer.text


async def test_metrics_on_their_own_port_need_no_token(client: httpx.AsyncClient) -> None:
    """`VALUECALC_METRICS_PORT`: `serve` answers scrapes on that port (a private network)."""
    port = _free_port()
    serve_metrics_port("127.0.0.1", port)
    assert (await client.get("/healthz")).status_code == 200
    async with httpx.AsyncClient() as scraper:
        answer = await scraper.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert answer.status_code == 200
    assert (
        _sample(
            answer.text,
            "valuecalc_http_requests_total",
            route="/healthz",
            method="GET",
            status="200",
        )
        >= 1
    )


async def test_without_a_token_metrics_are_not_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics", headers={"Authorization": "Bearer "})).status_code == 404


async def test_metrics_count_requests_cache_bulk_rows_and_replays(
    client: httpx.AsyncClient, tenant: Tenant, metrics_token: str
) -> None:
    auth = {"Authorization": f"Bearer {metrics_token}"}
    graph = await create_graph(client, tenant.editor)
    report = f"/v1/trackers/{graph.tracker['id']}/report"
    before = (await client.get("/metrics", headers=auth)).text

    for _ in range(2):  # a miss, then a hit
        assert (
            await client.get(report + "?as_of=2026-06", headers=tenant.viewer)
        ).status_code == 200
    rows = [
        {"calculation_id": graph.calculation_id, "month": f"2026-0{m}", "value": "120"}
        for m in (1, 2, 3)
    ]
    bulk = f"/v1/trackers/{graph.tracker['id']}/measurements/bulk"
    once = {**tenant.editor, "Idempotency-Key": "metrics-test-1"}
    for _ in range(2):  # applied, then replayed
        assert (await client.post(bulk, json={"rows": rows}, headers=once)).status_code == 200
    after = (await client.get("/metrics", headers=auth)).text

    def grew(name: str, **labels: str) -> float:
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    route = "/v1/trackers/{tracker_id}/report"
    assert grew("valuecalc_http_requests_total", route=route, method="GET", status="200") == 2
    assert grew("valuecalc_http_request_duration_seconds_count", route=route, method="GET") == 2
    assert grew("valuecalc_report_cache_lookups_total", result="miss") >= 1
    assert grew("valuecalc_report_cache_lookups_total", result="hit") >= 1
    assert grew("valuecalc_bulk_rows_written_total", status="created") == 3
    assert grew("valuecalc_idempotent_replays_total") == 1
    assert "valuecalc_db_pool_connections_in_use" in after


# ---- logs


async def test_a_request_logs_one_json_line_with_its_context(
    client: httpx.AsyncClient, tenant: Tenant, json_log: io.StringIO
) -> None:
    secret = tenant.viewer["Authorization"].split(" ")[1]
    answer = await client.get(
        "/v1/customers", headers={**tenant.viewer, "X-Request-ID": "log-test-1"}
    )
    assert answer.status_code == 200
    [line] = [r for r in _records(json_log) if r.get("event") == "request"]
    assert line["request_id"] == "log-test-1"
    assert line["organization_id"] == str(tenant.organization_id)
    assert line["key_prefix"] == secret[:14]
    assert line["route"] == "/v1/customers"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert line["duration_ms"] > 0
    assert line["level"] == "info"
    assert secret not in json_log.getvalue()


async def test_a_failing_sql_statement_is_logged_without_its_values(
    app: FastAPI, json_log: io.StringIO
) -> None:
    user_text = "Confidential customer note 4711"
    statement = text("SELECT CAST(CAST(:note AS text) AS integer)")
    async with app.state.engine.connect() as connection:
        with pytest.raises(DBAPIError) as failed:
            await connection.execute(statement, {"note": user_text})
    # The engine hides the parameters, but PostgreSQL's own message quotes the value.
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(failed.value)
    assert user_text in str(failed.value)
    try:
        raise RuntimeError("while serving a request") from failed.value
    except RuntimeError:
        logging.getLogger("valuecalc.api").exception("unhandled error on GET /v1/x")
    [record] = [r for r in _records(json_log) if r.get("event") == "unhandled error on GET /v1/x"]
    assert "SELECT CAST(CAST($1 AS text) AS integer)" in record["exception"]
    assert "SQLSTATE 22P02" in record["exception"]
    assert "RuntimeError: while serving a request" in record["exception"]
    assert "4711" not in json_log.getvalue()  # not even in the driver's own message


# ---- offline docs


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_pages_load_only_what_the_app_serves(
    client: httpx.AsyncClient, page: str
) -> None:
    html = await client.get(page)
    assert html.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url:\\s*["']([^"']+)["']""", html.text)
    referenced = [url for pair in urls for url in pair if url]
    assert referenced, html.text
    for url in referenced:
        assert url.startswith("/"), url  # no other host
        if url.startswith("/docs-assets/"):
            asset = await client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 1000
    assert "cdn" not in html.text.lower()
    assert "fonts.googleapis" not in html.text
