"""Properties through the API on random small ledgers (SPEC 4): the HTTP figures are the
core's figures on the same ledger, GRR <= 1, GRR <= NRR, and the API refuses exactly the
ledgers the core refuses, storing nothing and auditing nothing then."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.core.revenue.strategies import ledger_of, ledger_paths
from valuecalc_api.revenue.metrics_schemas import series_out
from valuecalc_core.months import Month, Period
from valuecalc_core.revenue import (
    Granularity,
    InvalidLedgerError,
    Ledger,
    Movement,
    MovementKind,
    SplitBy,
    metric_series,
)

_API = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_TABLES = ("arr_movements", "renewals", "contract_lines", "cs_leads", "customers")


async def _fresh_ledger(session: AsyncSession, tenant: Tenant, ledger: Ledger) -> None:
    """Empty the organization's revenue tables, then create the ledger's customers."""
    for table in _TABLES:
        await session.execute(
            text(f"DELETE FROM {table} WHERE organization_id = :o"),  # noqa: S608 - constants
            {"o": tenant.organization_id},
        )
    for customer in ledger.customers:
        await session.execute(
            text(
                "INSERT INTO customers (id, organization_id, name, external_id, segment, owner, "
                "currency) VALUES (:id, :o, :name, :ext, :segment, :owner, :currency)"
            ),
            {
                "id": uuid.uuid4(),
                "o": tenant.organization_id,
                "name": customer.name,
                "ext": customer.id,
                "segment": customer.segment,
                "owner": customer.owner,
                "currency": customer.currency,
            },
        )
    await session.commit()


def _renewal_rows(ledger: Ledger) -> list[dict[str, Any]]:
    return [
        {
            "external_id": r.id,
            "customer_external_id": r.customer_id,
            "due_date": r.due_date.isoformat(),
            "renewable_arr": str(r.renewable_arr),
            "outcome": r.outcome.value,
            "closed_date": None if r.closed_date is None else r.closed_date.isoformat(),
        }
        for r in ledger.renewals
    ]


def _movement_rows(movements: Sequence[Movement]) -> list[dict[str, Any]]:
    return [
        {
            "external_id": m.id,
            "customer_external_id": m.customer_id,
            "date": m.date.isoformat(),
            "kind": m.kind.value,
            "amount": str(m.amount),
            "renewal_external_id": m.renewal_id,
        }
        for m in movements
    ]


async def _push(client: httpx.AsyncClient, headers: dict[str, str], ledger: Ledger) -> None:
    if ledger.renewals:
        response = await client.post(
            "/v1/revenue/renewals/bulk", json={"rows": _renewal_rows(ledger)}, headers=headers
        )
        assert response.status_code == 200, response.text
    if ledger.movements:
        response = await client.post(
            "/v1/revenue/movements/bulk",
            json={"rows": _movement_rows(ledger.movements)},
            headers=headers,
        )
        assert response.status_code == 200, response.text


@_API
@given(
    paths=ledger_paths(max_customers=4),
    open_renewals=st.booleans(),
    granularity=st.sampled_from(list(Granularity)),
    split_by=st.none() | st.sampled_from(list(SplitBy)),
    first=st.integers(0, 11),
    length=st.integers(1, 12),
)
async def test_http_series_equals_the_core_series_on_the_same_ledger(
    client: httpx.AsyncClient,
    session: AsyncSession,
    tenant: Tenant,
    paths: Any,
    open_renewals: bool,
    granularity: Granularity,
    split_by: SplitBy | None,
    first: int,
    length: int,
) -> None:
    ledger = ledger_of(paths, open_renewals=open_renewals)
    await _fresh_ledger(session, tenant, ledger)
    await _push(client, tenant.editor, ledger)
    start = Month.parse("2026-01") + first
    end = start + (length - 1)
    params: dict[str, str] = {
        "start": str(start),
        "end": str(end),
        "granularity": granularity.value,
    }
    if split_by is not None:
        params["split_by"] = split_by.value
    response = await client.get("/v1/revenue/metrics/series", params=params, headers=tenant.viewer)
    assert response.status_code == 200, response.text
    expected = metric_series(ledger, Period(start, end), granularity, split_by=split_by)
    want = series_out(expected).model_dump(mode="json")
    assert _by_value(response.json()) == _by_value(want)
    for point in response.json()["points"]:
        grr, nrr = point["grr"]["value"], point["nrr"]["value"]
        if grr is not None:
            assert Decimal(0) <= Decimal(grr) <= 1
            assert Decimal(grr) <= Decimal(nrr)


def _by_value(node: Any) -> Any:
    """JSON with every decimal string as a Decimal: "0.00" and "0" are the same figure."""
    if isinstance(node, dict):
        return {key: _by_value(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_by_value(item) for item in node]
    if isinstance(node, str):
        try:
            return Decimal(node)
        except ArithmeticError:
            return node
    return node


_MUTATIONS = st.sampled_from(["double", "half", "kind"])


@_API
@given(
    paths=ledger_paths(max_customers=3),
    mutation=_MUTATIONS,
    index=st.integers(0, 20),
    kind=st.sampled_from(list(MovementKind)),
)
async def test_a_bulk_write_is_refused_exactly_when_the_core_refuses_the_ledger(
    client: httpx.AsyncClient,
    session: AsyncSession,
    tenant: Tenant,
    paths: Any,
    mutation: str,
    index: int,
    kind: MovementKind,
) -> None:
    ledger = ledger_of(paths)
    await _fresh_ledger(session, tenant, ledger)
    if ledger.renewals:
        renewals = {"rows": _renewal_rows(ledger)}
        ok = await client.post("/v1/revenue/renewals/bulk", json=renewals, headers=tenant.editor)
        assert ok.status_code == 200, ok.text
    movements = list(ledger.movements)
    if movements:
        at = index % len(movements)
        m = movements[at]
        if mutation == "double":
            movements[at] = dataclasses.replace(m, amount=m.amount * 2)
        elif mutation == "half":
            movements[at] = dataclasses.replace(m, amount=m.amount / 2)
        else:
            movements[at] = dataclasses.replace(m, kind=kind)
    try:
        changed: Ledger | None = Ledger(ledger.customers, tuple(movements), ledger.renewals)
    except InvalidLedgerError:
        changed = None
    before = await _state(session)
    rows = _movement_rows(movements)
    if not rows:
        return
    response = await client.post(
        "/v1/revenue/movements/bulk", json={"rows": rows}, headers=tenant.editor
    )
    if changed is None:
        assert response.status_code == 422, response.text
        assert response.json()["errors"]
        assert await _state(session) == before
    else:
        assert response.status_code == 200, response.text


async def _state(session: AsyncSession) -> tuple[Any, ...]:
    await session.rollback()
    counts = []
    for table in (*_TABLES, "audit_events"):
        counts.append(
            await session.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 - constants
        )
    counts.append(await session.scalar(text("SELECT coalesce(sum(amount), 0) FROM arr_movements")))
    return tuple(counts)
