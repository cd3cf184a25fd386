"""The contract is the behaviour (issue 11): `Allow` on a 405 names every method of the
path; PATCH fields the contract declares nullable accept null, the others are declared
non-nullable; body-parse 400s, JSON depth and database 503s are documented; month path
and query parameters carry their pattern; evidence content types are documented."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_graph, expect, problem
from valuecalc_api.schema_types import MONTH_PATTERN


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/v1/customers", "GET, POST"),
        ("POST", "/v1/customers/{customer}", "DELETE, GET, PATCH"),
        ("PUT", "/v1/trackers/{tracker}", "DELETE, GET, PATCH"),
        ("POST", "/v1/calculations/{calculation}/measurements/2026-03", "DELETE, GET, PUT"),
    ],
)
async def test_a_405_allows_every_method_of_the_path(
    client: httpx.AsyncClient, tenant: Tenant, method: str, path: str, allowed: str
) -> None:
    graph = await create_graph(client, tenant.admin)
    url = path.format(
        customer=graph.customer["id"],
        tracker=graph.tracker["id"],
        calculation=graph.calculation_id,
    )
    answer = await client.request(method, url, headers=tenant.admin)
    problem(answer, 405)
    assert answer.headers["allow"] == allowed


def _nullable_patch_properties(app: FastAPI) -> dict[str, list[str]]:
    document = app.openapi()
    schemas = document["components"]["schemas"]
    found: dict[str, list[str]] = {}
    for path, operations in document["paths"].items():
        operation = operations.get("patch")
        if operation is None:
            continue
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        body = schemas[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema
        found[path] = sorted(
            name
            for name, member in body["properties"].items()
            if any(branch.get("type") == "null" for branch in member.get("anyOf", []))
            or member.get("type") == "null"
        )
    return found


async def test_a_patch_field_declared_nullable_accepts_null(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    paths = {
        "/v1/customers/{customer_id}": f"/v1/customers/{graph.customer['id']}",
        "/v1/trackers/{tracker_id}": f"/v1/trackers/{graph.tracker['id']}",
        "/v1/use-cases/{use_case_id}": f"/v1/use-cases/{graph.use_case['id']}",
        "/v1/calculations/{calculation_id}": f"/v1/calculations/{graph.calculation_id}",
    }
    nullable = _nullable_patch_properties(app)
    assert nullable["/v1/customers/{customer_id}"] == [
        "currency",
        "external_id",
        "owner",
        "segment",
    ]
    assert nullable["/v1/trackers/{tracker_id}"] == []
    for template, names in nullable.items():
        if template not in paths:
            continue
        for name in names:
            answer = await client.patch(paths[template], json={name: None}, headers=tenant.admin)
            assert answer.status_code == 200, (template, name, answer.text)


async def test_null_for_a_field_not_declared_nullable_is_a_clear_422(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    answer = await client.patch(
        f"/v1/trackers/{graph.tracker['id']}", json={"name": None}, headers=tenant.admin
    )
    assert problem(answer, 422)["errors"][0]["code"] == "null_not_allowed"


async def test_the_metric_target_is_nullable_in_the_contract(app: FastAPI) -> None:
    target = app.openapi()["components"]["schemas"]["MetricPatch"]["properties"]["target"]
    assert {"type": "null"} in target["anyOf"]


def _operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_body_documents_its_parse_error_and_depth_limit(app: FastAPI) -> None:
    for method, path, operation in _operations(app):
        content = operation.get("requestBody", {}).get("content")
        if content is None:
            continue
        examples = operation["responses"]["400"]["content"]["application/problem+json"]
        assert "body-unreadable" in examples["examples"], (method, path)
        if "multipart/form-data" in content:
            assert "too-many-fields" in examples["examples"], (method, path)
        if "application/json" in content:
            description = operation["responses"]["422"]["description"]
            assert "`json-too-deep`" in description, (method, path)


def test_every_authenticated_operation_documents_the_retryable_503(app: FastAPI) -> None:
    for method, path, operation in _operations(app):
        if "401" in operation["responses"]:
            response = operation["responses"]["503"]
            assert "`database-interrupted`" in response["description"], (method, path)
            assert "Retry-After" in response["headers"], (method, path)


def test_month_parameters_carry_their_pattern(app: FastAPI) -> None:
    seen = 0
    for method, path, operation in _operations(app):
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if schema.get("format") == "date":
                continue  # a calendar date (the revenue reads' as_of), not a month
            if parameter.get("name") in {"month", "as_of"}:
                seen += 1
                patterns = [schema.get("pattern")] + [
                    branch.get("pattern") for branch in schema.get("anyOf", [])
                ]
                assert MONTH_PATTERN in patterns, (method, path, parameter["name"], schema)
    assert seen >= 10


async def test_too_many_multipart_fields_answer_the_documented_400(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    answer = await client.post(
        f"/v1/calculations/{graph.calculation_id}/months/2026-03/evidence",
        data={"caption": "a", "b": "c", "d": "e"},
        files={"file": ("a.csv", b"a,b\n1,2\n", "text/csv")},
        headers=tenant.admin,
    )
    body = problem(answer, 400, "bad-request")
    assert body["detail"].startswith("Too many fields")


def test_evidence_content_is_documented_with_every_served_type(app: FastAPI) -> None:
    document = app.openapi()
    served = document["paths"]["/v1/evidence/{evidence_id}/content"]["get"]["responses"]["200"]
    assert {"image/png", "application/pdf", "text/csv; charset=utf-8"} <= set(served["content"])
    upload = document["paths"]["/v1/calculations/{calculation_id}/months/{month}/evidence"]["post"][
        "requestBody"
    ]["content"]["multipart/form-data"]
    assert "image/png" in upload["encoding"]["file"]["contentType"]


async def test_a_served_png_has_a_documented_type(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    created = expect(
        await client.post(
            f"/v1/calculations/{graph.calculation_id}/months/2026-03/evidence",
            files={"file": ("chart.png", png, "image/png")},
            headers=tenant.admin,
        ),
        201,
    )
    content = await client.get(f"/v1/evidence/{created['id']}/content", headers=tenant.admin)
    documented = app.openapi()["paths"]["/v1/evidence/{evidence_id}/content"]["get"]
    assert content.headers["content-type"] in documented["responses"]["200"]["content"]


# ---- what `make fuzz` found -------------------------------------------------------------


async def test_an_empty_if_match_is_malformed_not_absent(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    answer = await client.patch(
        f"/v1/trackers/{graph.tracker['id']}",
        json={"name": "x"},
        headers={**tenant.admin, "If-Match": ""},
    )
    problem(answer, 400, "invalid-if-match")


async def test_a_boolean_is_not_a_position(client: httpx.AsyncClient, tenant: Tenant) -> None:
    graph = await create_graph(client, tenant.admin)
    answer = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/use-cases",
        json={"name": "x", "position": True},
        headers=tenant.admin,
    )
    assert problem(answer, 422)["errors"][0]["field"] == "position"
    whole = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/use-cases",
        json={"name": "y", "position": 3.0},
        headers=tenant.admin,
    )
    assert expect(whole, 201)["position"] == 3


async def test_a_history_window_takes_iso_times_only(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    path = f"/v1/trackers/{graph.tracker['id']}/history"
    problem(await client.get(f"{path}?until=0.5", headers=tenant.admin), 422)
    expect(await client.get(f"{path}?until=2030-01-01T00:00:00Z", headers=tenant.admin), 200)


async def test_a_csv_import_refuses_unknown_form_fields(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    answer = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/measurements/import",
        files={"other": ("x.csv", b"a\n", "text/csv")},
        headers=tenant.admin,
    )
    assert answer.status_code in {400, 422}
    assert answer.headers["content-type"] == "application/problem+json"


async def test_an_upload_caption_with_a_control_character_is_422(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    answer = await client.post(
        f"/v1/calculations/{graph.calculation_id}/months/2026-03/evidence",
        data={"caption": "a\u0000b"},
        files={"file": ("a.csv", b"a,b\n1,2\n", "text/csv")},
        headers=tenant.admin,
    )
    assert problem(answer, 422)["errors"][0]["field"] == "caption"


def test_free_text_is_documented_with_the_text_rule(app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    assert schemas["CustomerCreate"]["properties"]["name"]["pattern"].startswith("^[^\\u0000")
    assert "\\u0009" not in schemas["NoteIn"]["properties"]["text"]["pattern"]
    assert (
        schemas["NoteIn"]["properties"]["text"]["pattern"]
        != (schemas["CustomerCreate"]["properties"]["name"]["pattern"])
    )
