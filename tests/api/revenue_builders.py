"""Helpers of the revenue API tests: customers and ledger rows through HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.value_tracking_builders import expect


async def customer(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    external_id: str,
    *,
    segment: str | None = None,
    owner: str | None = None,
    currency: str | None = "USD",
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": f"Customer {external_id}", "external_id": external_id}
    if segment:
        body["segment"] = segment
    if owner:
        body["owner"] = owner
    if currency:
        body["currency"] = currency
    return expect(await client.post("/v1/customers", json=body, headers=headers), 201)


def movement(
    external_id: str, customer: str, date: str, kind: str, amount: str, **extra: Any
) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "customer_external_id": customer,
        "date": date,
        "kind": kind,
        "amount": amount,
        **extra,
    }


async def bulk(
    client: httpx.AsyncClient, headers: dict[str, str], resource: str, rows: list[dict[str, Any]]
) -> httpx.Response:
    return await client.post(f"/v1/revenue/{resource}/bulk", json={"rows": rows}, headers=headers)
