"""The signal routes' contract is their behaviour (issue 11, `make fuzz`): a `customer_id`
query naming no customer is a documented 404; `/bulk` paths allow POST alone; days carry
their range as a pattern and are refused outside it (never read as a Unix timestamp);
integers take 3.0 as 3; usage features accept only feature names; score kinds exclude
renew_today; text patterns refuse C1 control characters as the API does."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_customer, expect, problem
from valuecalc_api.signals.schemas import DAY_PATTERN

CUSTOMER_READS = [
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
]


@pytest.mark.parametrize(("path", "params"), CUSTOMER_READS)
async def test_an_unknown_customer_id_is_a_documented_404(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, path: str, params: dict[str, str]
) -> None:
    query = {**params, "customer_id": str(uuid.uuid4())}
    body = problem(await client.get(path, params=query, headers=tenant.viewer), 404)
    assert body["type"].endswith("/not-found")
    documented = app.openapi()["paths"][path]["get"]["responses"]["404"]
    assert "customer-not-found" in documented["content"]["application/problem+json"]["examples"]


@pytest.mark.parametrize(
    "path", ["/v1/survey-responses", "/v1/touches", "/v1/goals", "/v1/onboarding-milestones"]
)
async def test_a_bulk_path_allows_post_alone(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, path: str
) -> None:
    for method in ("GET", "OPTIONS", "DELETE"):
        response = await client.request(method, f"{path}/bulk", headers=tenant.editor)
        assert response.status_code == 405, (method, response.text)
        assert response.headers["Allow"] == "POST"
    assert set(app.openapi()["paths"][f"{path}/bulk"]) == {"post"}
    # A row is still read by its id.
    problem(await client.get(f"{path}/{uuid.uuid4()}", headers=tenant.viewer), 404)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/survey-responses", {"to": "0"}),
        ("/v1/survey-responses", {"from": "20260301"}),
        ("/v1/goal-summary", {"as_of_day": "0417-02-11"}),
        ("/v1/engagement", {"as_of_day": "3952-06-13"}),
    ],
)
async def test_a_day_query_outside_its_pattern_is_422(
    client: httpx.AsyncClient, tenant: Tenant, path: str, params: dict[str, str]
) -> None:
    problem(await client.get(path, params=params, headers=tenant.viewer), 422)


def test_day_parameters_and_fields_carry_the_day_pattern(app: FastAPI) -> None:
    document = app.openapi()
    parameter = next(
        p for p in document["paths"]["/v1/engagement"]["get"]["parameters"] if p["name"] == "from"
    )
    assert parameter["schema"]["pattern"] == DAY_PATTERN
    due_on = document["components"]["schemas"]["GoalRow"]["properties"]["due_on"]
    assert {"type": "null"} in due_on["anyOf"]
    assert any(branch.get("pattern") == DAY_PATTERN for branch in due_on["anyOf"])
    assert re.fullmatch(DAY_PATTERN, "1900-01-01")
    assert re.fullmatch(DAY_PATTERN, "2999-12-31")
    assert not re.fullmatch(DAY_PATTERN, "1899-12-31")
    assert not re.fullmatch(DAY_PATTERN, "0")


async def test_a_rolling_window_starting_before_1900_is_422(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    params = {"kind": "nps", "window_days": "90", "as_of_day": "1900-01-10"}
    body = problem(await client.get("/v1/survey-scores", params=params, headers=tenant.viewer), 422)
    assert body["errors"][0]["code"] == "window_out_of_range"


async def test_a_day_given_as_a_number_is_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    row = {"customer_external_id": "crm-1", "effective_on": 0, "seats": 3}
    body = problem(
        await client.post("/v1/seat-counts/bulk", json={"rows": [row]}, headers=tenant.editor), 422
    )
    assert body["errors"][0]["field"] == "effective_on"


async def test_whole_numbers_written_with_a_point_are_integers(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    documented = app.openapi()["components"]["schemas"]["UsageMonthRow"]["properties"]
    users = documented["monthly_active_users"]
    assert (users["type"], users["minimum"], users["maximum"]) == ("integer", 0, 100_000_000)
    await create_customer(client, tenant.admin, external_id="crm-1")
    seats = {"customer_external_id": "crm-1", "effective_on": "2026-01-01", "seats": 60.0}
    expect(
        await client.post("/v1/seat-counts/bulk", json={"rows": [seats]}, headers=tenant.editor),
        200,
    )
    for bad in (60.5, "60", True):
        row = {**seats, "seats": bad}
        problem(
            await client.post("/v1/seat-counts/bulk", json={"rows": [row]}, headers=tenant.editor),
            422,
        )


async def test_usage_features_are_feature_names_in_behaviour_and_contract(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    row: dict[str, Any] = {
        "customer_external_id": "crm-1",
        "day": "2026-03-10",
        "active_users": 3,
        "feature_actives": {"": {"x": 1}},
    }
    problem(
        await client.post("/v1/usage-days/bulk", json={"rows": [row]}, headers=tenant.editor), 422
    )
    features = app.openapi()["components"]["schemas"]["UsageDayRow"]["properties"]
    assert features["feature_actives"]["additionalProperties"] is False


async def test_scores_are_for_nps_csat_and_ces(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    params = {"kind": "renew_today"}
    problem(await client.get("/v1/survey-scores", params=params, headers=tenant.viewer), 422)
    kind = next(
        p
        for p in app.openapi()["paths"]["/v1/survey-scores"]["get"]["parameters"]
        if p["name"] == "kind"
    )
    enum = app.openapi()["components"]["schemas"][kind["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert enum["enum"] == ["nps", "csat", "ces"]


async def test_c1_control_characters_are_refused_as_the_contract_says(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    goal = {
        "customer_external_id": "crm-1",
        "external_id": "g\u0091",
        "title": "t",
        "status": "in_progress",
    }
    problem(await client.post("/v1/goals", json=goal, headers=tenant.editor), 422)
    pattern = app.openapi()["components"]["schemas"]["GoalRow"]["properties"]["external_id"]
    assert not re.search(pattern["pattern"], "g\u0091")
    assert re.search(pattern["pattern"], "goal-deflect-20")


async def test_a_blank_line_is_refused_as_the_contract_says(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    row = {
        "customer_external_id": "crm-1",
        "external_id": "r-1",
        "respondent": "   ",
        "answered_on": "2026-03-10",
        "kind": "nps",
        "score": 9,
    }
    problem(
        await client.post("/v1/survey-responses/bulk", json={"rows": [row]}, headers=tenant.editor),
        422,
    )
    schema = app.openapi()["components"]["schemas"]["SurveyResponseRow"]["properties"]
    assert not re.fullmatch(schema["respondent"]["pattern"], "   ")
    assert re.fullmatch(schema["respondent"]["pattern"], " cfo@northwind.example ")


async def test_a_survey_comment_is_long_text(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    row = {
        "customer_external_id": "crm-1",
        "external_id": "r-1",
        "respondent": "cfo@northwind.example",
        "answered_on": "2026-03-10",
        "kind": "nps",
        "score": 9,
        "comment": "two\r\nlines\tand a tab",
        "excluded": True,
        "excluded_reason": "a test\nanswer",
    }
    expect(await client.post("/v1/survey-responses", json=row, headers=tenant.editor), 201)
    row = {**row, "external_id": "r-2", "comment": "a\u0007b"}
    problem(await client.post("/v1/survey-responses", json=row, headers=tenant.editor), 422)
