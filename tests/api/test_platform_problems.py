"""Errors are RFC 9457 problem+json (SPEC 6): unknown paths, wrong methods, bad bodies,
and decimals that are not exact (SPEC 2)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from tests.api.conftest import Tenant
from valuecalc_api.problems import install_problem_handlers
from valuecalc_api.schema_types import DecimalStr, InputModel

PROBLEM_JSON = "application/problem+json"


def _assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert str(body["type"]).startswith("https://valuecalc.dev/problems/")
    assert body["title"]
    assert body["detail"]
    return body


async def test_unknown_path_is_a_404_problem(client: httpx.AsyncClient) -> None:
    body = _assert_problem(await client.get("/v1/no-such-thing"), 404)
    assert body["instance"] == "/v1/no-such-thing"


async def test_wrong_method_is_a_405_problem(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.put("/v1/organization", headers=tenant.admin, json={})
    body = _assert_problem(response, 405)
    assert body["detail"] == "PUT is not allowed here."


async def test_bad_body_names_each_bad_field(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.post(
        "/v1/api-keys",
        headers=tenant.admin,
        json={"name": "", "role": "owner", "tracker_ids": ["not-a-uuid"], "colour": "red"},
    )
    body = _assert_problem(response, 422)
    errors = body["errors"]
    assert isinstance(errors, list)
    assert {error["field"] for error in errors} == {"name", "role", "tracker_ids.0", "colour"}
    assert all(error["code"] and error["message"] for error in errors)


async def test_body_that_is_not_json_is_a_422_problem(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await client.post(
        "/v1/api-keys",
        headers={**tenant.admin, "content-type": "application/json"},
        content=b"{not json",
    )
    _assert_problem(response, 422)


class _Amount(InputModel):
    amount: DecimalStr


@pytest.fixture
async def decimal_client() -> AsyncIterator[httpx.AsyncClient]:
    """A test-only app with one route taking a `DecimalStr`, behind the real error handlers."""
    app = FastAPI()
    install_problem_handlers(app)
    router = APIRouter()

    @router.post("/echo")
    async def echo(body: _Amount) -> _Amount:
        return body

    app.include_router(router)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


@pytest.mark.parametrize(
    ("raw_body", "message"),
    [
        (b'{"amount": 109000.5}', "not a floating-point number"),
        (b'{"amount": 1e3}', "not a floating-point number"),
        (b'{"amount": NaN}', "not a floating-point number"),
        (b'{"amount": Infinity}', "not a floating-point number"),
        (b'{"amount": "NaN"}', "finite"),
        (b'{"amount": "-Infinity"}', "finite"),
        (b'{"amount": "1234567890123456"}', "more than 15 digits"),
        (b'{"amount": 1234567890123456}', "more than 15 digits"),
        (b'{"amount": "12,5"}', "decimal number"),
        (b'{"amount": true}', "not a floating-point number"),
    ],
)
async def test_inexact_decimals_are_refused(
    decimal_client: httpx.AsyncClient, raw_body: bytes, message: str
) -> None:
    response = await decimal_client.post(
        "/echo", content=raw_body, headers={"content-type": "application/json"}
    )
    body = _assert_problem(response, 422)
    errors = body["errors"]
    assert isinstance(errors, list)
    assert [error["field"] for error in errors] == ["amount"]
    assert message in errors[0]["message"]


@pytest.mark.parametrize(
    ("sent", "returned"),
    [("109000.00", "109000.00"), (42, "42"), ("999999999999999.999999", "999999999999999.999999")],
)
async def test_exact_decimals_travel_as_strings(
    decimal_client: httpx.AsyncClient, sent: object, returned: str
) -> None:
    response = await decimal_client.post("/echo", json={"amount": sent})
    assert response.status_code == 200, response.text
    assert response.json() == {"amount": returned}
