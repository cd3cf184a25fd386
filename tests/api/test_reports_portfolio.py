"""The portfolio report: per tracker and per currency (never adding currencies), scoped to
the caller's trackers, in a constant number of queries whatever the number of trackers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from tests.api.conftest import Tenant
from tests.api.test_value_examples_http import v1_graph
from tests.api.value_tracking_builders import create_customer, expect, problem
from valuecalc_api.models import Role
from valuecalc_api.reports import loading as report_service
from valuecalc_api.reports.schemas import PortfolioOut


@contextmanager
def counting_queries(app: FastAPI) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs inside the block."""
    statements: list[str] = []
    engine = app.state.engine.sync_engine

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _portfolio(
    client: httpx.AsyncClient, headers: dict[str, str], query: str = ""
) -> dict[str, Any]:
    body: dict[str, Any] = expect(
        await client.get(f"/v1/reports/portfolio{query}", headers=headers), 200
    )
    PortfolioOut.model_validate(body)
    return body


async def test_query_count_does_not_grow_with_trackers(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await v1_graph(client, tenant.editor)
    await _portfolio(client, tenant.viewer)  # warm the middleware's per-key caches
    with counting_queries(app) as one:
        first = await _portfolio(client, tenant.viewer, "?as_of=2026-03")
    assert first["tracker_count"] == 1
    for _ in range(4):
        await v1_graph(client, tenant.editor)
    with counting_queries(app) as five:
        body = await _portfolio(client, tenant.viewer, "?as_of=2026-03")
    assert body["tracker_count"] == 5
    assert body["currencies"][0]["realized"] == "545000.00"  # 5 x 109000.00
    assert len(one) == len(five), "\n\n".join(s[:90] for s in [*one, "-----", *five])


async def test_currencies_are_never_added(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await v1_graph(client, tenant.editor, recurring_fee_amount="10000")
    await v1_graph(client, tenant.editor, recurring_fee_amount="10000")
    await v1_graph(client, tenant.editor, currency="EUR")
    await v1_graph(client, tenant.editor, currency="JPY", recurring_fee_amount="5000")
    body = await _portfolio(client, tenant.viewer, "?as_of=2026-03")
    by_currency = {c["currency"]: c for c in body["currencies"]}
    assert set(by_currency) == {"EUR", "JPY", "USD"}
    assert by_currency["JPY"]["realized"] == "109000"  # no minor unit
    assert by_currency["JPY"]["cost"] == "15000"
    assert by_currency["USD"]["tracker_count"] == 2
    assert by_currency["USD"]["realized"] == "218000.00"
    assert by_currency["USD"]["cost"] == "60000.00"
    assert by_currency["USD"]["value_multiple"]["value"] == "3.6333"  # 218000 / 60000
    assert by_currency["EUR"]["realized"] == "109000.00"
    assert by_currency["EUR"]["net_roi"]["reason"] == "no_cost"
    assert not any(key in body for key in ("realized", "total"))  # no cross-currency total
    assert [t["currency"] for t in body["trackers"]] == ["USD", "USD", "EUR", "JPY"]
    assert body["trackers"][0]["net_roi"]["value"] == "2.6333"  # (109000 - 30000) / 30000


async def test_scoped_to_customer_and_to_the_key(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    first = await v1_graph(client, tenant.editor)
    second = await v1_graph(client, tenant.editor)
    await v1_graph(client, other_tenant.editor)

    everything = await _portfolio(client, tenant.viewer)
    assert everything["as_of"] == "2026-12"  # default: the latest contract end
    assert {t["tracker_id"] for t in everything["trackers"]} == {
        first.tracker["id"],
        second.tracker["id"],
    }
    of_customer = await _portfolio(client, tenant.viewer, f"?customer_id={first.customer['id']}")
    assert [t["tracker_id"] for t in of_customer["trackers"]] == [first.tracker["id"]]
    assert of_customer["trackers"][0]["customer_name"] == "Northwind Support Ltd"

    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(second.tracker["id"])])
    mine = await _portfolio(client, limited)
    assert [t["tracker_id"] for t in mine["trackers"]] == [second.tracker["id"]]

    problem(
        await client.get(
            f"/v1/reports/portfolio?customer_id={uuid.uuid4()}", headers=tenant.viewer
        ),
        404,
    )
    foreign_customer = await create_customer(client, other_tenant.admin, name="Globex customer")
    problem(
        await client.get(
            f"/v1/reports/portfolio?customer_id={foreign_customer['id']}", headers=tenant.viewer
        ),
        404,
    )
    problem(await client.get("/v1/reports/portfolio"), 401)


async def test_empty_portfolio_and_bad_month(client: httpx.AsyncClient, tenant: Tenant) -> None:
    empty = await _portfolio(client, tenant.viewer)
    assert (empty["tracker_count"], empty["currencies"], empty["as_of"]) == (0, [], None)
    bad = problem(
        await client.get("/v1/reports/portfolio?as_of=2026-1", headers=tenant.viewer), 422
    )
    assert bad["errors"][0]["field"] == "as_of"


async def test_too_many_trackers_is_refused_not_truncated(
    client: httpx.AsyncClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await v1_graph(client, tenant.editor)
    await v1_graph(client, tenant.editor)
    monkeypatch.setattr(report_service, "MAX_PORTFOLIO_TRACKERS", 1)
    body = problem(
        await client.get("/v1/reports/portfolio", headers=tenant.viewer), 422, "portfolio-too-large"
    )
    assert (body["tracker_count"], body["limit"]) == (2, 1)
    narrowed = await _portfolio(client, tenant.viewer, f"?customer_id={first.customer['id']}")
    assert narrowed["tracker_count"] == 1
