"""The contract as generated clients consume it (issue 19): operation ids a person would
write, declared tags, a description on every operation, a server to call."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx
import pytest

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_graph, expect, put_measurement
from valuecalc_api.app import create_app
from valuecalc_api.openapi_names import TAGS
from valuecalc_api.settings import Settings

LOWER_CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    settings = Settings(environment="test", database_url="postgresql://unused@127.0.0.1/unused")
    return create_app(settings).openapi()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_operation_ids_are_short_unique_lower_camel_case(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in _operations(document)]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not LOWER_CAMEL.match(i) or len(i) > 40] == []
    by_route = {(p, m): o["operationId"] for p, m, o in _operations(document)}
    assert by_route[("/v1/trackers/{tracker_id}/report", "get")] == "getTrackerReport"
    assert by_route[("/v1/measurements/bulk", "post")] == "bulkMeasurements"


def test_every_tag_is_declared_with_a_description(document: dict[str, Any]) -> None:
    declared = {tag["name"]: tag["description"] for tag in document["tags"]}
    used = {tag for _, _, operation in _operations(document) for tag in operation["tags"]}
    assert used == set(declared)
    assert [name for name, text in declared.items() if not text] == [], (
        "add a sentence for each new tag to openapi_names.TAGS"
    )
    assert set(declared) <= set(TAGS)


def test_every_operation_has_a_description(document: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(document)
        if not operation.get("description", "").strip()
    ]
    assert missing == []


def test_no_component_name_carries_a_module_path(document: dict[str, Any]) -> None:
    names = list(document["components"]["schemas"])
    assert [n for n in names if "__" in n or n.startswith("valuecalc")] == []


def test_a_server_is_named(document: dict[str, Any]) -> None:
    assert document["servers"][0]["url"].startswith("http://127.0.0.1")


def test_every_request_body_is_a_named_component(document: dict[str, Any]) -> None:
    inline = [
        f"{method.upper()} {path} {media_type}"
        for path, method, operation in _operations(document)
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items()
        if "$ref" not in content["schema"]
    ]
    assert inline == []
    schemas = document["components"]["schemas"]
    bulk = schemas["BulkTrackerMeasurementsBody"]
    assert bulk["properties"]["rows"]["items"] == {"$ref": "#/components/schemas/MeasurementRow"}
    assert "ImportMeasurementsCsvBody" in schemas
    assert "AddEvidenceUploadBody" in schemas


def test_each_operation_documents_one_success_media_type(document: dict[str, Any]) -> None:
    several = [
        f"{method.upper()} {path}: {sorted(response.get('content', {}))}"
        for path, method, operation in _operations(document)
        for status, response in operation["responses"].items()
        if status.startswith("2")
        and len(response.get("content", {})) > 1
        # A file download answers in the stored file's own type: one binary body.
        and not all(
            c.get("schema", {}).get("format") == "binary" for c in response["content"].values()
        )
    ]
    assert several == []
    csv_paths = [p for p, m, _ in _operations(document) if p.endswith(".csv") and m == "get"]
    assert set(csv_paths) >= {
        "/v1/trackers/{tracker_id}/report.csv",
        "/v1/trackers/{tracker_id}/table.csv",
        "/v1/use-cases/{use_case_id}/table.csv",
    }


async def test_csv_operations_answer_what_the_alias_answers(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.editor)
    expect(
        await put_measurement(client, tenant.editor, graph.calculation_id, "2026-01", "121"), 201
    )
    tracker = graph.tracker["id"]
    use_case = graph.use_case["id"]
    for csv_path, json_path in [
        (f"/v1/trackers/{tracker}/report.csv", f"/v1/trackers/{tracker}/report"),
        (f"/v1/trackers/{tracker}/table.csv", f"/v1/trackers/{tracker}/table"),
        (f"/v1/use-cases/{use_case}/table.csv", f"/v1/use-cases/{use_case}/table"),
    ]:
        own = await client.get(f"{csv_path}?as_of=2026-01", headers=tenant.viewer)
        alias = await client.get(f"{json_path}?as_of=2026-01&format=csv", headers=tenant.viewer)
        assert own.status_code == alias.status_code == 200
        assert own.headers["content-type"].startswith("text/csv")
        assert own.text == alias.text
        assert "121" in own.text or "21000.00" in own.text
        as_json = await client.get(f"{json_path}?as_of=2026-01", headers=tenant.viewer)
        assert as_json.headers["content-type"] == "application/json"
    missing = await client.get(f"/v1/trackers/{uuid.uuid4()}/report.csv", headers=tenant.viewer)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_optional_query_parameters_are_not_typed_nullable(document: dict[str, Any]) -> None:
    nullable = [
        f"{method.upper()} {path} ?{parameter.get('name')}"
        for path, method, operation in _operations(document)
        for parameter in operation.get("parameters", ())
        if parameter.get("in") == "query" and "null" in json.dumps(parameter["schema"])
    ]
    assert nullable == []
    report = document["paths"]["/v1/trackers/{tracker_id}/report"]["get"]
    [as_of] = [p for p in report["parameters"] if p.get("name") == "as_of"]
    assert as_of["schema"]["type"] == "string"


def test_decimal_inputs_and_report_figures_are_declared_decimal_strings(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    baseline = schemas["MetricIn"]["properties"]["baseline"]
    assert (baseline["type"], baseline["format"]) == ("string", "decimal")
    realized = schemas["TotalsOut"]["properties"]["realized"]
    assert (realized["type"], realized["format"]) == ("string", "decimal")
    kind = schemas["FindingOut"]["properties"]["kind"]
    assert "$ref" in kind or "enum" in kind
