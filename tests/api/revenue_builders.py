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


async def create_revenue_records(
    client: httpx.AsyncClient, headers: dict[str, str], *, customer_external_id: str
) -> None:
    """One record of each ledger resource, each with the external_id `acme-rev-1` (a
    contract line for a second customer), and an EUR rate for 2026-03."""
    other = f"{customer_external_id}-contracts"
    await customer(client, headers, other)
    writes: list[tuple[str, dict[str, Any]]] = [
        ("renewals", {"external_id": "acme-rev-1", "customer_external_id": customer_external_id,
                      "due_date": "2026-06-30", "renewable_arr": "1000", "currency": None}),
        ("movements", movement("acme-rev-1", customer_external_id, "2026-01-01", "new", "1000",
                               currency="USD")),
        ("contract-lines", {"external_id": "acme-rev-1", "customer_external_id": other,
                            "start_month": "2026-01", "end_month": "2026-12", "arr": "500",
                            "currency": "USD"}),
        ("leads", {"external_id": "acme-rev-1", "customer_external_id": customer_external_id,
                   "raised_on": "2026-03-03", "status": "open"}),
        ("fx-rates", {"currency": "EUR", "month": "2026-03",
                      "units_of_reporting_currency_per_unit": "1.1"}),
    ]  # fmt: skip
    for resource, row in writes:
        row.pop("currency", None) if resource == "renewals" else None
        expect(await bulk(client, headers, resource, [row]), 200)
