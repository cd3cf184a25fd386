"""Every signal route: 401 without a key, 403 for a viewer's writes, 404 for a missing or
another organization's row, 422 problem+json for bad input (issue 14)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_customer, expect, problem
from valuecalc_api.models import SeatCount, UsageMonth

READS = [
    ("/v1/survey-responses", {}),
    ("/v1/survey-scores", {"kind": "nps"}),
    ("/v1/survey-scores.csv", {"kind": "nps"}),
    ("/v1/survey-scores/series", {"kind": "csat"}),
    ("/v1/survey-scores/series.csv", {"kind": "ces"}),
    ("/v1/renew-today", {}),
    ("/v1/renew-today.csv", {}),
    ("/v1/touches", {}),
    ("/v1/engagement", {}),
    ("/v1/engagement.csv", {}),
    ("/v1/goals", {}),
    ("/v1/goal-summary", {}),
    ("/v1/goal-summary.csv", {}),
    ("/v1/onboarding-milestones", {}),
    ("/v1/onboarding", {}),
    ("/v1/onboarding.csv", {}),
    ("/v1/usage", {"month": "2026-03"}),
    ("/v1/usage.csv", {"month": "2026-03"}),
    ("/v1/signal-settings", {}),
]
BULK_WRITES = [
    "/v1/survey-responses/bulk",
    "/v1/touches/bulk",
    "/v1/goals/bulk",
    "/v1/onboarding-milestones/bulk",
    "/v1/usage-days/bulk",
    "/v1/usage-months/bulk",
    "/v1/seat-counts/bulk",
]
SINGLE = ["survey-responses", "touches", "goals", "onboarding-milestones"]


@pytest.mark.parametrize(("path", "params"), READS)
async def test_every_read_needs_a_key_and_answers_a_viewer(
    client: httpx.AsyncClient, tenant: Tenant, path: str, params: dict[str, str]
) -> None:
    problem(await client.get(path, params=params), 401)
    response = await client.get(path, params=params, headers=tenant.viewer)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", BULK_WRITES)
async def test_every_bulk_write_refuses_viewers_and_bad_envelopes(
    client: httpx.AsyncClient, tenant: Tenant, path: str
) -> None:
    rows = {"rows": [{"customer_external_id": "nobody"}]}
    problem(await client.post(path, json=rows), 401)
    problem(await client.post(path, json=rows, headers=tenant.viewer), 403)
    problem(await client.post(path, json={"rows": []}, headers=tenant.editor), 422)
    problem(await client.post(path, content=b"{", headers=tenant.editor), 422)
    too_many = {"rows": [{}] * 10_001}
    body = problem(await client.post(path, json=too_many, headers=tenant.editor), 422)
    assert body["errors"][0]["code"] == "too_long"


@pytest.mark.parametrize("kind", SINGLE)
async def test_a_missing_row_is_404(client: httpx.AsyncClient, tenant: Tenant, kind: str) -> None:
    problem(await client.get(f"/v1/{kind}/{uuid.uuid4()}", headers=tenant.viewer), 404)
    problem(await client.get(f"/v1/{kind}/not-a-uuid", headers=tenant.viewer), 422)


async def test_future_months_and_bad_seats_store_nothing(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    months = [
        {"customer_external_id": "crm-1", "month": "2026-01", "monthly_active_users": 3},
        {"customer_external_id": "crm-1", "month": "2999-01", "monthly_active_users": 3},
    ]
    body = problem(
        await client.post("/v1/usage-months/bulk", json={"rows": months}, headers=tenant.editor),
        422,
    )
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(1, "month_in_future")]
    seats = [
        {"customer_external_id": "crm-1", "effective_on": "2026-01-01", "seats": -1},
        {"customer_external_id": "crm-1", "effective_on": "2026-01-01"},
    ]
    body = problem(
        await client.post("/v1/seat-counts/bulk", json={"rows": seats}, headers=tenant.editor),
        422,
    )
    assert sorted({e["row"] for e in body["errors"]}) == [0, 1]
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(UsageMonth)) == 0
    assert await session.scalar(select(func.count()).select_from(SeatCount)) == 0
    # A customer named twice, or by neither id, is a bad row too.
    both = [{"customer_id": str(uuid.uuid4()), "customer_external_id": "crm-1", **months[0]}]
    body = problem(
        await client.post("/v1/usage-months/bulk", json={"rows": both}, headers=tenant.editor),
        422,
    )
    assert body["errors"][0]["code"] == "customer_reference"
    expect(
        await client.post(
            "/v1/usage-months/bulk", json={"rows": months[:1]}, headers=tenant.editor
        ),
        200,
    )


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/survey-scores", {"kind": "nps", "window_days": 365, "as_of_day": "0001-01-01"}),
        ("/v1/survey-scores", {"kind": "nps", "from": "1800-01-01", "to": "1800-02-01"}),
        ("/v1/engagement", {"as_of_day": "9999-12-31"}),
        ("/v1/goal-summary", {"as_of_day": "9999-12-31"}),
        ("/v1/onboarding", {"as_of_day": "0001-01-01"}),
        ("/v1/usage", {"month": "0001-01"}),
    ],
)
async def test_days_outside_1900_to_2999_are_422_not_500(
    client: httpx.AsyncClient, tenant: Tenant, path: str, params: dict[str, str]
) -> None:
    body = problem(await client.get(path, params=params, headers=tenant.viewer), 422)
    # A month is checked by the shared month rule (SPEC 2), a day by the signals' own.
    expected = "month_out_of_range" if "month" in params else "date_out_of_range"
    assert body["errors"][0]["code"] == expected


async def test_rows_with_days_outside_the_range_are_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    rows = [{"customer_external_id": "crm-1", "effective_on": "0001-01-01", "seats": 3}]
    body = problem(
        await client.post("/v1/seat-counts/bulk", json={"rows": rows}, headers=tenant.editor), 422
    )
    assert body["errors"][0]["code"] == "date_out_of_range"


async def test_control_characters_in_text_are_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    row = {
        "customer_external_id": "crm-1",
        "external_id": "x\u0000y",
        "respondent": "a\u0007b",
        "answered_on": "2026-03-10",
        "kind": "nps",
        "score": 9,
        "comment": "two\nlines\tand a tab are fine",
        "excluded_reason": "r" * 501,
    }
    body = problem(
        await client.post("/v1/survey-responses/bulk", json={"rows": [row]}, headers=tenant.editor),
        422,
    )
    assert {e["field"] for e in body["errors"]} == {"external_id", "respondent", "excluded_reason"}
