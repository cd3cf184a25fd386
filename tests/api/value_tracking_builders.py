"""Building Value Tracker objects through the API for the value-tracking tests.

Everything is created over HTTP (never inserted directly), so the tests exercise the
same paths a client does. The calculation is the seed's support-ticket example
(SPEC 3, worked example V1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

PROBLEM_JSON = "application/problem+json"

SUPPORT_CALCULATION: dict[str, Any] = {
    "key": "ticket-handling",
    "name": "Support cost savings",
    "kind": "cost_savings",
    "metric": {
        "name": "Avg. tickets handled per day",
        "unit": "tickets/day",
        "baseline": "100",
        "direction": "higher_is_better",
        "target": "150",
    },
    "inputs": [
        {"key": "reps", "name": "# of reps", "unit": "reps", "initial_value": "10"},
        {
            "key": "cost_per_rep_month",
            "name": "Cost per rep per month",
            "unit": "USD/month",
            "initial_value": "10000",
        },
    ],
    "formula": "improvement * reps * cost_per_rep_month",
    "ramp": [{"from_month": 1, "share": "0.5"}, {"from_month": 4, "share": "1"}],
}


def expect(response: httpx.Response, status: int) -> Any:
    """The JSON body of a response that must have `status` (shows the body if not)."""
    assert response.status_code == status, (response.status_code, response.text)
    return response.json() if response.content else None


def problem(response: httpx.Response, status: int, slug: str | None = None) -> dict[str, Any]:
    """The problem+json body of an error response, checked for status and type."""
    body: dict[str, Any] = expect(response, status)
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert body["status"] == status
    if slug is not None:
        assert body["type"] == f"https://valuecalc.dev/problems/{slug}", body
    return body


def error_fields(response: httpx.Response) -> list[str]:
    """The `field` of every item of a 422's `errors` list."""
    return [item["field"] for item in problem(response, 422, "validation-error")["errors"]]


async def create_customer(
    client: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    body = {"name": "Northwind Support Ltd", **fields}
    result: dict[str, Any] = expect(
        await client.post("/v1/customers", json=body, headers=headers), 201
    )
    return result


async def create_tracker(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    customer_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    if customer_id is None:
        customer_id = (await create_customer(client, headers))["id"]
    body = {
        "customer_id": customer_id,
        "name": "Support automation 2026",
        "currency": "USD",
        "start_month": "2026-01",
        "end_month": "2026-12",
        **fields,
    }
    result: dict[str, Any] = expect(
        await client.post("/v1/trackers", json=body, headers=headers), 201
    )
    return result


async def create_use_case(
    client: httpx.AsyncClient, headers: dict[str, str], tracker_id: str, **fields: Any
) -> dict[str, Any]:
    body = {"name": "Faster ticket handling", "status": "active", **fields}
    result: dict[str, Any] = expect(
        await client.post(f"/v1/trackers/{tracker_id}/use-cases", json=body, headers=headers), 201
    )
    return result


async def create_calculation(
    client: httpx.AsyncClient, headers: dict[str, str], use_case_id: str, **fields: Any
) -> dict[str, Any]:
    body = {**SUPPORT_CALCULATION, **fields}
    result: dict[str, Any] = expect(
        await client.post(f"/v1/use-cases/{use_case_id}/calculations", json=body, headers=headers),
        201,
    )
    return result


@dataclass(frozen=True)
class Graph:
    """One of each: customer, tracker (USD, 2026-01..2026-12), active use case, calculation."""

    customer: dict[str, Any]
    tracker: dict[str, Any]
    use_case: dict[str, Any]
    calculation: dict[str, Any]

    @property
    def calculation_id(self) -> str:
        return str(self.calculation["id"])


async def create_graph(
    client: httpx.AsyncClient, headers: dict[str, str], **tracker_fields: Any
) -> Graph:
    customer = await create_customer(client, headers)
    tracker = await create_tracker(client, headers, customer["id"], **tracker_fields)
    use_case = await create_use_case(client, headers, tracker["id"])
    calculation = await create_calculation(client, headers, use_case["id"])
    return Graph(customer, tracker, use_case, calculation)


async def put_measurement(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    calculation_id: str,
    month: str,
    value: str,
    **fields: Any,
) -> httpx.Response:
    return await client.put(
        f"/v1/calculations/{calculation_id}/measurements/{month}",
        json={"value": value, **fields},
        headers=headers,
    )
