"""The OpenAPI contract is something a frontend developer can copy from (SPEC 6).

Issue "The HTTP API for value tracking": every schema has examples a frontend developer can
copy. These tests hold the contract to that: every object schema and every request body
has an example, every example is accepted by the code that reads it (the pydantic model,
or the hand-written parser of the routes that read their body themselves), and months are
plain `YYYY-MM` strings. The document is built from `create_app()` alone: no database.

Errors: every 4xx/5xx response of every operation is `application/problem+json` with the
`Problem` schema (FastAPI's `HTTPValidationError` is gone), its examples are problems of
that status, the standard headers are documented, and real error bodies of the running
app (the tests at the end, on conftest's database) are valid `Problem`s.
"""

from __future__ import annotations

import json
import re
import typing
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, get_args

import httpx
import pytest
from fastapi import FastAPI, routing
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_graph
from valuecalc_api.app import create_app
from valuecalc_api.bulk_writes.row_parsing import rows_of_body, validate_rows
from valuecalc_api.bulk_writes.schemas import InputChangeRow, MeasurementRow
from valuecalc_api.csv_ingest.format import measurement_rows, missing_columns, read_csv
from valuecalc_api.engagement.schemas import TouchRow
from valuecalc_api.evidence.file_types import detect_file_type
from valuecalc_api.evidence.schemas import JSON_EVIDENCE, MAX_CAPTION_CHARS
from valuecalc_api.goals.schemas import GoalRow
from valuecalc_api.onboarding.schemas import MilestoneRow
from valuecalc_api.openapi_errors import document_errors
from valuecalc_api.openapi_headers import HEADERS
from valuecalc_api.problem_examples import EXAMPLES
from valuecalc_api.problem_refs import HeaderName, ProblemExample, problem_doc
from valuecalc_api.problem_schemas import (
    ProblemError,
    ProblemOut,
    problem_component_schemas,
)
from valuecalc_api.rate_limits.buckets import RateDecision
from valuecalc_api.rate_limits.shared import SharedRateLimiter
from valuecalc_api.revenue.row_schemas import (
    ContractLineRow,
    FxRateRow,
    LeadRow,
    LedgerRow,
    MovementRow,
    RenewalRow,
)
from valuecalc_api.revenue.write_service import parse_rows
from valuecalc_api.schema_types import MONTH_PATTERN, InputModel
from valuecalc_api.settings import Settings
from valuecalc_api.surveys.schemas import SurveyResponseRow
from valuecalc_api.usage.schemas import SeatRow, UsageDayRow, UsageMonthRow

# Properties that hold a calendar month; each must be a `YYYY-MM` string in the contract.
MONTH_PROPERTIES = frozenset(
    {"month", "as_of", "start_month", "end_month", "through", "locked_through"}
    | {"payback_month", "measured_in"}
)
# `from_month` of a ramp step is a contract-month NUMBER (1 = the first month), not a month.
MONTH_NUMBER_PROPERTIES = frozenset({"from_month"})
MONTH_LIST_PROPERTIES = frozenset({"months", "locked_months"})


@pytest.fixture(autouse=True)
def _empty_tables_after_test() -> None:
    """Overrides tests/api/conftest.py's fixture of this name: the contract tests need no
    database (the few tests of real error bodies empty the tables with `_tables_emptied`)."""


@pytest.fixture(scope="module")
def contract_app() -> FastAPI:
    """The app as `valuecalc openapi` builds it: never started, no database. (Named apart
    from conftest's `app`, the started one the tests of real error bodies use.)"""
    return create_app(
        Settings(database_url="postgresql://openapi@localhost/unused", _env_file=None)
    )


@pytest.fixture(scope="module")
def spec(contract_app: FastAPI) -> dict[str, Any]:
    return contract_app.openapi()


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """Every documented route with its full path (FastAPI >= 0.16x keeps included routers
    nested and exposes them as route contexts; older versions list APIRoutes directly)."""
    iterate = getattr(routing, "iter_route_contexts", None)
    candidates = iterate(app.routes) if iterate is not None else iter(app.routes)
    for route in candidates:
        original = getattr(route, "original_route", route)
        if isinstance(original, routing.APIRoute) and original.include_in_schema:
            yield route


def _operation(spec: dict[str, Any], route: Any, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"][route.path_format][method.lower()]
    return operation


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if isinstance(reference, str):
        resolved: dict[str, Any] = spec["components"]["schemas"][reference.rsplit("/", 1)[1]]
        return resolved
    return schema


def _media_examples(spec: dict[str, Any], media: dict[str, Any]) -> list[Any]:
    """Every example a reader of the document sees for one media type of a request body."""
    found: list[Any] = []
    if "example" in media:
        found.append(media["example"])
    found.extend(named["value"] for named in media.get("examples", {}).values())
    schema = _resolve(spec, media.get("schema", {}))
    found.extend(schema.get("examples", []))
    for branch in schema.get("oneOf", []):
        found.extend(_resolve(spec, branch).get("examples", []))
    return found


# --- routes that read their body themselves (so FastAPI has no body model to validate) ------


def _bulk_rows(row: type[InputModel]) -> Callable[[Any], None]:
    def check(example: Any) -> None:
        rows, problems = validate_rows(rows_of_body(json.dumps(example).encode()), row)
        assert problems == []
        assert all(parsed is not None for parsed in rows)

    return check


def _evidence_json(example: Any) -> None:
    JSON_EVIDENCE.validate_json(json.dumps(example))


def _evidence_upload(example: Any) -> None:
    assert isinstance(example, dict)
    assert set(example) <= {"file", "caption"}
    assert isinstance(example["file"], str)
    assert detect_file_type(example["file"].encode(), "export.csv") is not None
    assert len(example.get("caption") or "") <= MAX_CAPTION_CHARS


def _measurement_csv(text: Any) -> None:
    assert isinstance(text, str)
    header, lines = read_csv(text.encode())
    assert missing_columns(header) == []
    raw_rows, cell_problems = measurement_rows(lines)
    assert cell_problems == []
    assert raw_rows, "the example CSV has no line with a value"
    rows, problems = validate_rows(raw_rows, MeasurementRow)
    assert problems == []
    assert all(row is not None for row in rows)


def _csv_upload(example: Any) -> None:
    assert isinstance(example, dict)
    assert set(example) == {"file"}
    _measurement_csv(example["file"])


def _ledger_rows(row: type[LedgerRow]) -> Callable[[Any], None]:
    def check(example: Any) -> None:
        rows, errors = parse_rows(json.dumps(example).encode(), row)
        assert errors == []
        assert all(parsed is not None for parsed in rows)

    return check


def _csv_lines(example: Any) -> None:
    header, lines = read_csv(example.encode())
    assert "external_id" in header
    assert lines


def _csv_upload_lines(example: Any) -> None:
    _csv_lines(example["file"])


REVENUE_BULK_ROWS: tuple[tuple[str, type[LedgerRow]], ...] = (
    ("movements", MovementRow),
    ("renewals", RenewalRow),
    ("contract-lines", ContractLineRow),
    ("leads", LeadRow),
    ("fx-rates", FxRateRow),
)

HAND_READ_BODIES: dict[tuple[str, str], dict[str, Callable[[Any], None]]] = {
    ("POST", "/v1/trackers/{tracker_id}/measurements/bulk"): {
        "application/json": _bulk_rows(MeasurementRow)
    },
    ("POST", "/v1/measurements/bulk"): {"application/json": _bulk_rows(MeasurementRow)},
    ("POST", "/v1/trackers/{tracker_id}/input-changes/bulk"): {
        "application/json": _bulk_rows(InputChangeRow)
    },
    ("POST", "/v1/calculations/{calculation_id}/months/{month}/evidence"): {
        "application/json": _evidence_json,
        "multipart/form-data": _evidence_upload,
    },
    ("POST", "/v1/survey-responses/bulk"): {"application/json": _bulk_rows(SurveyResponseRow)},
    ("POST", "/v1/usage-days/bulk"): {"application/json": _bulk_rows(UsageDayRow)},
    ("POST", "/v1/usage-months/bulk"): {"application/json": _bulk_rows(UsageMonthRow)},
    ("POST", "/v1/seat-counts/bulk"): {"application/json": _bulk_rows(SeatRow)},
    ("POST", "/v1/touches/bulk"): {"application/json": _bulk_rows(TouchRow)},
    ("POST", "/v1/goals/bulk"): {"application/json": _bulk_rows(GoalRow)},
    ("POST", "/v1/onboarding-milestones/bulk"): {"application/json": _bulk_rows(MilestoneRow)},
    ("POST", "/v1/trackers/{tracker_id}/measurements/import"): {
        "text/csv": _measurement_csv,
        "multipart/form-data": _csv_upload,
    },
    **{
        ("POST", f"/v1/revenue/{resource}/bulk"): {"application/json": _ledger_rows(row)}
        for resource, row in REVENUE_BULK_ROWS
    },
    **{
        ("POST", f"/v1/revenue/{resource}/import"): {
            "text/csv": _csv_lines,
            "multipart/form-data": _csv_upload_lines,
        }
        for resource in ("movements", "contract-lines")
    },
}


def _request_bodies(
    app: FastAPI, spec: dict[str, Any]
) -> Iterator[tuple[str, str, Any, dict[str, Any]]]:
    """(method, path, route, requestBody) of every operation that takes a body."""
    for route in _api_routes(app):
        for method in sorted(route.methods):
            body = _operation(spec, route, method).get("requestBody")
            if body is not None:
                yield method, route.path_format, route, body


# --- models reachable from the routes --------------------------------------------------------


def _models_in(annotation: Any, found: dict[str, type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        key = f"{annotation.__module__}.{annotation.__qualname__}"
        if key in found:
            return
        found[key] = annotation
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, found)


def _route_models(app: FastAPI) -> dict[str, type[BaseModel]]:
    """Every pydantic model a route reads or answers with, and the models nested in them."""
    found: dict[str, type[BaseModel]] = {}
    for route in _api_routes(app):
        if route.body_field is not None:
            _models_in(route.body_field.field_info.annotation, found)
        if route.response_model is not None:
            _models_in(route.response_model, found)
    return found


def _examples_of(model: type[BaseModel]) -> list[Any]:
    examples = model.model_json_schema(mode="validation").get("examples", [])
    assert isinstance(examples, list)
    return examples


# --- the tests -------------------------------------------------------------------------------


def _schemas_without_examples(schemas: dict[str, Any]) -> list[str]:
    return sorted(
        name
        for name, schema in schemas.items()
        # Enums are exempt: their `enum` list is the example.
        if "enum" not in schema and not schema.get("examples")
    )


def test_every_object_schema_has_an_example(spec: dict[str, Any]) -> None:
    assert _schemas_without_examples(spec["components"]["schemas"]) == []


def test_a_schema_without_examples_is_noticed(spec: dict[str, Any]) -> None:
    schemas = json.loads(json.dumps(spec["components"]["schemas"]))
    before = _schemas_without_examples(schemas)
    del schemas["TrackerOut"]["examples"]
    assert _schemas_without_examples(schemas) == sorted([*before, "TrackerOut"])


def test_every_request_body_has_an_example(contract_app: FastAPI, spec: dict[str, Any]) -> None:
    missing = [
        f"{method} {path} ({media_type})"
        for method, path, _route, body in _request_bodies(contract_app, spec)
        for media_type, media in body["content"].items()
        if not _media_examples(spec, media)
    ]
    assert missing == []


def test_request_body_examples_are_accepted_by_the_code_that_reads_them(
    contract_app: FastAPI, spec: dict[str, Any]
) -> None:
    checked = 0
    checks: dict[str, Callable[[Any], Any]]
    for method, path, route, body in _request_bodies(contract_app, spec):
        if route.body_field is not None:
            adapter = TypeAdapter[Any](route.body_field.field_info.annotation)
            checks = dict.fromkeys(body["content"], adapter.validate_json)
        else:
            assert (method, path) in HAND_READ_BODIES, (
                f"{method} {path} reads its body itself: add how to check its examples to "
                "HAND_READ_BODIES"
            )
            checks = HAND_READ_BODIES[(method, path)]
            assert set(checks) == set(body["content"]), f"{method} {path}"
        for media_type, media in body["content"].items():
            for example in _media_examples(spec, media):
                check = checks[media_type]
                payload = json.dumps(example) if route.body_field is not None else example
                check(payload)
                checked += 1
    assert checked >= 20


def test_every_model_example_is_valid_and_shows_what_the_api_returns(
    contract_app: FastAPI,
) -> None:
    """Request models must accept their examples; response models must accept theirs and
    write them back unchanged (decimals as strings, months `YYYY-MM`, times in UTC)."""
    models = _route_models(contract_app)
    assert len(models) >= 50
    for name, model in models.items():
        for example in _examples_of(model):
            parsed = model.model_validate_json(json.dumps(example))
            if not issubclass(model, InputModel):
                assert json.loads(parsed.model_dump_json()) == example, name


def test_the_model_walk_reaches_nested_and_paged_models(contract_app: FastAPI) -> None:
    from valuecalc_api.bulk_writes.schemas import BulkCounts
    from valuecalc_api.calculations.schemas import MetricIn
    from valuecalc_api.trackers.schemas import OneTimeFeeIn, TrackerOut

    models = set(_route_models(contract_app).values())
    paged = [model for model in models if model.__name__ == "TrackerPage"]
    assert {BulkCounts, MetricIn, OneTimeFeeIn, TrackerOut} <= models
    assert len(paged) == 1
    assert _examples_of(paged[0])[0]["items"] == _examples_of(TrackerOut)[:1]


def _month_problems(name: str, schema: dict[str, Any], where: str) -> list[str]:
    variants = schema.get("anyOf", [schema])
    shapes = [variant for variant in variants if variant.get("type") != "null"]
    if name in MONTH_NUMBER_PROPERTIES:
        ok = all(shape.get("type") == "integer" for shape in shapes)
        return [] if ok else [f"{where}.{name} is not a contract-month number"]
    if name in MONTH_LIST_PROPERTIES:
        if all(shape.get("type") == "integer" for shape in shapes):
            return []  # a count of months (e.g. a table summary's `months`)
        shapes = [shape.get("items", {}) for shape in shapes]
    ok = bool(shapes) and all(
        shape.get("type") == "string" and shape.get("pattern") == MONTH_PATTERN for shape in shapes
    )
    return [] if ok else [f"{where}.{name} is not a YYYY-MM string: {schema}"]


def _walk_properties(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any], str]]:
    if isinstance(node, dict):
        for name, schema in node.get("properties", {}).items():
            yield name, schema, where
        for key, child in node.items():
            yield from _walk_properties(child, f"{where}.{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk_properties(child, f"{where}[{index}]")


def test_months_are_yyyy_mm_strings_in_the_contract(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert not [name for name in schemas if re.fullmatch(r"Month(-Input|-Output)?", name)]
    problems = [
        problem
        for name, schema, where in _walk_properties(spec, "#")
        if name in MONTH_PROPERTIES | MONTH_NUMBER_PROPERTIES | MONTH_LIST_PROPERTIES
        for problem in _month_problems(name, schema, where)
    ]
    month_parameters = [
        f"{path} {method}: {parameter['name']}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter.get("name") in MONTH_PROPERTIES
        and parameter["schema"].get("type") != "string"
        and not any(v.get("type") == "string" for v in parameter["schema"].get("anyOf", []))
    ]
    assert problems == []
    assert month_parameters == []


# --- errors: problem+json everywhere ---------------------------------------------------------

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _deref(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """`node`, or what its `$ref` points to inside the document."""
    reference = node.get("$ref")
    if not isinstance(reference, str):
        return node
    found: Any = spec
    for part in reference.removeprefix("#/").split("/"):
        found = found[part]
    assert isinstance(found, dict), reference
    return found


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def _responses(spec: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(method, path, status, response) of every response of every operation, resolved."""
    for method, path, operation in _operations(spec):
        for status, response in operation["responses"].items():
            yield method, path, status, _deref(spec, response)


def _error_responses(spec: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for method, path, status, response in _responses(spec):
        if status[0] in "45" or status == "default":
            yield method, path, status, response


def _examples(spec: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """name -> example body of a response's problem+json content, references resolved."""
    media = response.get("content", {}).get(PROBLEM_JSON, {})
    return {
        name: _deref(spec, example)["value"] for name, example in media.get("examples", {}).items()
    }


def test_every_error_response_is_problem_json_with_the_problem_schema(
    spec: dict[str, Any],
) -> None:
    wrong = [
        f"{method} {path} {status}: {response.get('content')}"
        for method, path, status, response in _error_responses(spec)
        if response.get("content") != {PROBLEM_JSON: response["content"].get(PROBLEM_JSON)}
        or response["content"][PROBLEM_JSON]["schema"] != PROBLEM_REF
    ]
    assert wrong == []
    statuses = {status for _, _, status, _ in _error_responses(spec)}
    assert {"400", "401", "403", "404", "409", "412", "413", "422", "423", "429", "500"} <= statuses


def test_fastapis_validation_error_schemas_are_gone(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    text = json.dumps(spec)
    assert "HTTPValidationError" not in text
    assert "#/components/schemas/ValidationError" not in text


def test_every_operation_documents_the_errors_any_request_can_meet(spec: dict[str, Any]) -> None:
    """500 everywhere; 401 and 429 on /v1 (authenticated, rate-limited); 404 with an id in
    the path; 422 with parameters or a body; 409/422 `Idempotency-Key` problems on POST."""
    missing = []
    for method, path, operation in _operations(spec):
        expected = {"500"}
        if path.startswith("/v1/"):
            expected |= {"401", "429"}
        if "{" in path:
            expected |= {"404", "422"}
        if method == "POST":
            expected |= {"409", "413", "422"}
        if not expected <= set(operation["responses"]):
            missing.append(f"{method} {path}: {sorted(expected - set(operation['responses']))}")
    assert missing == []


def test_the_documented_schemas_are_the_problem_models(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name, schema in problem_component_schemas().items():
        assert schemas[name] == schema, name
    assert schemas["Problem"]["properties"]["errors"]["items"] == {
        "$ref": "#/components/schemas/ProblemError"
    }
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status", "detail", "instance"}


def test_every_problem_example_is_a_valid_problem_of_its_status(spec: dict[str, Any]) -> None:
    """Each example validates as `ProblemOut`, has the status of the response it is shown
    for, and is a problem type the response's description names."""
    checked = 0
    for method, path, status, response in _error_responses(spec):
        for name, body in _examples(spec, response).items():
            where = f"{method} {path} {status} {name}"
            problem = ProblemOut.model_validate(body)
            assert problem.status == int(status), where
            slug = problem.type.rsplit("/", 1)[1]
            assert f"`{slug}`" in response["description"], where
            checked += 1
    assert checked >= 300
    for example in spec["components"]["schemas"]["Problem"]["examples"]:
        ProblemOut.model_validate(example)


def test_the_problem_models_write_their_examples_back_unchanged() -> None:
    for name, example in EXAMPLES.items():
        problem = ProblemOut.model_validate_json(json.dumps(example["value"]))
        assert problem.model_dump(mode="json", exclude_unset=True) == example["value"], name
    for item in ProblemError.model_json_schema()["examples"]:
        assert ProblemError.model_validate(item).model_dump(mode="json", exclude_unset=True) == item


def test_a_problem_error_names_where_it_is() -> None:
    with pytest.raises(ValueError, match="names its `field`"):
        ProblemError.model_validate({"code": "missing", "message": "Field required"})


def test_every_shared_example_is_shown_somewhere(spec: dict[str, Any]) -> None:
    shown = json.dumps([spec["paths"], spec["components"]["responses"]])
    used = set(re.findall(r'"#/components/examples/([^"]+)"', shown))
    assert set(spec["components"]["examples"]) == used


def test_standard_headers_are_documented(spec: dict[str, Any]) -> None:
    headers = spec["components"]["headers"]
    sent = {
        name.decode().lower()
        for name, _ in RateDecision(False, 600, 0, 60, 1).headers()  # a refusal: all of them
    }
    assert {"ratelimit", "ratelimit-policy", "retry-after"} <= sent
    assert {"RateLimit", "RateLimit-Policy", "Retry-After"} <= set(headers)
    for method, path, status, response in _responses(spec):
        names = set(response.get("headers", {}))
        where = f"{method} {path} {status}"
        if path.startswith("/v1/"):
            assert {"RateLimit", "RateLimit-Policy"} <= names, where
        else:
            assert not names & {"RateLimit", "RateLimit-Policy"}, where
        if status == "429":
            assert "Retry-After" in names, where
        if status == "401":
            assert "WWW-Authenticate" in names, where
    for status in ("409", "503"):
        assert (
            "Retry-After"
            in spec["paths"]["/v1/measurements/bulk"]["post"]["responses"][status]["headers"]
        )


ETAG_RESPONSES = [
    ("POST", "/v1/health-profiles", "201"),
    ("GET", "/v1/health-profiles/{profile_id}", "200"),
    ("PUT", "/v1/health-profiles/{profile_id}", "200"),
    ("POST", "/v1/trackers", "201"),
    ("GET", "/v1/trackers/{tracker_id}", "200"),
    ("PATCH", "/v1/trackers/{tracker_id}", "200"),
    ("POST", "/v1/use-cases/{use_case_id}/calculations", "201"),
    ("GET", "/v1/calculations/{calculation_id}", "200"),
    ("PATCH", "/v1/calculations/{calculation_id}", "200"),
    ("PUT", "/v1/calculations/{calculation_id}/measurements/{month}", "200"),
    ("PUT", "/v1/calculations/{calculation_id}/measurements/{month}", "201"),
    ("GET", "/v1/calculations/{calculation_id}/measurements/{month}", "200"),
    ("PUT", "/v1/calculations/{calculation_id}/inputs/{key}/changes/{month}", "200"),
    ("PUT", "/v1/calculations/{calculation_id}/inputs/{key}/changes/{month}", "201"),
    ("GET", "/v1/calculations/{calculation_id}/inputs/{key}/changes/{month}", "200"),
    ("GET", "/v1/evidence/{evidence_id}/content", "200"),
    ("GET", "/v1/trackers/{tracker_id}/measurements-view", "200"),
    ("GET", "/v1/trackers/{tracker_id}/measurements-view", "304"),
    ("GET", "/v1/trackers/{tracker_id}/table", "200"),
    ("GET", "/v1/trackers/{tracker_id}/table", "304"),
    ("GET", "/v1/use-cases/{use_case_id}/table", "200"),
    ("GET", "/v1/use-cases/{use_case_id}/table", "304"),
    ("GET", "/v1/trackers/{tracker_id}/report", "200"),
    ("GET", "/v1/trackers/{tracker_id}/report", "304"),
    ("GET", "/v1/trackers/{tracker_id}/table.csv", "200"),
    ("GET", "/v1/trackers/{tracker_id}/table.csv", "304"),
    ("GET", "/v1/use-cases/{use_case_id}/table.csv", "200"),
    ("GET", "/v1/use-cases/{use_case_id}/table.csv", "304"),
    ("GET", "/v1/trackers/{tracker_id}/report.csv", "200"),
    ("GET", "/v1/trackers/{tracker_id}/report.csv", "304"),
    *(
        (method, f"/v1/revenue/{path}", status)
        for collection, item in (
            ("movements", "movements/{external_id}"),
            ("renewals", "renewals/{external_id}"),
            ("contract-lines", "contract-lines/{external_id}"),
            ("leads", "leads/{external_id}"),
            ("fx-rates", "fx-rates/{currency}/{month}"),
        )
        for method, path, status in (
            ("POST", collection, "201"),
            ("GET", item, "200"),
            ("PUT", item, "200"),
        )
    ),
]
# The charts (issue 16): every form of every chart family.
ETAG_RESPONSES += [
    ("GET", f"/v1/{base}{suffix}", status)
    for base in (
        "trackers/{tracker_id}/charts/{tracker_chart}",
        "calculations/{calculation_id}/charts/{calculation_chart}",
        "reports/portfolio/charts/realized-by-customer",
        "revenue/charts/renewal-waterfall",
        "revenue/charts/movements",
        "revenue/charts/retention",
        "customers/{customer_id}/health/charts/history",
        "customers/{customer_id}/health/charts/contributions",
        "pulse-book/charts/customers-by-pulse",
        "pulse-book/charts/arr-by-pulse",
        "survey-scores/charts/nps-distribution",
        "survey-scores/charts/nps-by-group",
    )
    for suffix in ("", ".vl.json", ".svg", ".png")
    for status in ("200", "304")
] + [("GET", "/v1/trackers/{tracker_id}/renewal-pack", status) for status in ("200", "304")]


def test_etag_is_documented_where_it_is_set(spec: dict[str, Any]) -> None:
    documented = {
        (method, path, status)
        for method, path, status, response in _responses(spec)
        if "ETag" in response.get("headers", {})
    }
    assert documented == set(ETAG_RESPONSES)


def test_posts_document_the_idempotency_key(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"]
        assert ("Idempotency-Key" in names) == (method == "POST"), f"{method} {path}"


# --- real error bodies are documented Problems ----------------------------------------------


@pytest.fixture
async def _tables_emptied(
    sessionmaker: async_sessionmaker[AsyncSession], application_tables: list[str]
) -> AsyncIterator[None]:
    """What conftest's `_empty_tables_after_test` does (overridden above for this module)."""
    yield
    async with sessionmaker() as db_session:
        await db_session.execute(text("SET LOCAL lock_timeout = '10s'"))
        tables = ", ".join(f'"{name}"' for name in application_tables)
        await db_session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await db_session.commit()


def _documented_problem(
    spec: dict[str, Any], response: httpx.Response, method: str | None, path: str | None
) -> dict[str, Any]:
    """The body of an error answer, checked to be a valid `Problem` (written back unchanged
    by the model) with the documented media type; for an operation of the document (`method`
    and `path`), also that it documents this status and names this problem type."""
    assert response.status_code >= 400, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    problem = ProblemOut.model_validate(body)
    assert problem.status == response.status_code
    assert problem.model_dump(mode="json", exclude_unset=True) == body
    if method is not None and path is not None:
        responses = spec["paths"][path][method.lower()]["responses"]
        assert str(response.status_code) in responses, (method, path, response.status_code)
        documented = _deref(spec, responses[str(response.status_code)])
        slug = problem.type.rsplit("/", 1)[1]
        assert f"`{slug}`" in documented["description"], (method, path, slug)
    return body


def _example(spec: dict[str, Any], name: str) -> dict[str, Any]:
    value: dict[str, Any] = spec["components"]["examples"][name]["value"]
    return value


@pytest.mark.usefixtures("_tables_emptied")
async def test_a_bulk_request_with_two_bad_rows_answers_the_documented_example(
    client: httpx.AsyncClient, tenant: Tenant, spec: dict[str, Any]
) -> None:
    graph = await create_graph(client, tenant.editor)
    rows = [
        {"calculation_key": "ticket-handling", "month": "2026-13", "value": "121"},
        {"calculation_key": "ticket-handling", "month": "2026-02", "value": "130"},
        {"calculation_key": "ticket-handling", "month": "2026-03", "value": 158.5},
    ]
    path = "/v1/trackers/{tracker_id}/measurements/bulk"
    response = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
        json={"rows": rows},
        headers=tenant.editor,
    )
    body = _documented_problem(spec, response, "POST", path)
    example = _example(spec, "bulk-rows-invalid")
    assert {**body, "instance": example["instance"]} == example


@pytest.mark.usefixtures("_tables_emptied")
async def test_framework_and_route_errors_are_documented_problems(
    client: httpx.AsyncClient, tenant: Tenant, spec: dict[str, Any]
) -> None:
    no_key = await client.get("/v1/trackers")
    _documented_problem(spec, no_key, "GET", "/v1/trackers")
    assert no_key.headers["www-authenticate"] == "Bearer"

    missing = await client.get(f"/v1/trackers/{uuid.uuid4()}", headers=tenant.viewer)
    assert _documented_problem(spec, missing, "GET", "/v1/trackers/{tracker_id}")["detail"] == (
        "No tracker with that id exists in your organization."
    )
    _documented_problem(spec, await client.get("/v1/no-such-thing"), None, None)
    wrong_method = await client.put("/v1/organization", headers=tenant.admin)
    assert _documented_problem(spec, wrong_method, None, None)["status"] == 405

    # FastAPI's own validation answers exactly as the operation's example shows.
    too_many = await client.get("/v1/trackers?limit=500", headers=tenant.viewer)
    body = _documented_problem(spec, too_many, "GET", "/v1/trackers")
    examples = _examples(spec, spec["paths"]["/v1/trackers"]["get"]["responses"]["422"])
    assert body["errors"] == examples["validation-error"]["errors"]

    viewer_write = await client.post("/v1/customers", json={"name": "X"}, headers=tenant.viewer)
    _documented_problem(spec, viewer_write, "POST", "/v1/customers")

    bad_id = await client.get("/v1/trackers/123", headers=tenant.viewer)
    body = _documented_problem(spec, bad_id, "GET", "/v1/trackers/{tracker_id}")
    examples = _examples(
        spec, spec["paths"]["/v1/trackers/{tracker_id}"]["get"]["responses"]["422"]
    )
    assert body["errors"] == examples["validation-error"]["errors"]


@pytest.mark.usefixtures("_tables_emptied")
async def test_stale_etag_and_locked_month_are_documented_problems(
    client: httpx.AsyncClient, tenant: Tenant, spec: dict[str, Any]
) -> None:
    graph = await create_graph(client, tenant.admin)
    tracker = f"/v1/trackers/{graph.tracker['id']}"
    etag = (await client.get(tracker, headers=tenant.admin)).headers["ETag"]
    renamed = await client.patch(
        tracker, json={"name": "Renamed"}, headers=tenant.admin | {"If-Match": etag}
    )
    assert renamed.status_code == 200, renamed.text
    stale = await client.patch(
        tracker, json={"name": "Again"}, headers=tenant.admin | {"If-Match": etag}
    )
    body = _documented_problem(spec, stale, "PATCH", "/v1/trackers/{tracker_id}")
    assert body.keys() == _example(spec, "stale-etag").keys()
    assert body["current_etag"] == renamed.headers["ETag"]

    lock = await client.put(f"{tracker}/lock", json={"through": "2026-03"}, headers=tenant.admin)
    assert lock.status_code == 200, lock.text
    locked = await client.put(
        f"/v1/calculations/{graph.calculation_id}/measurements/2026-02",
        json={"value": "130"},
        headers=tenant.editor,
    )
    path = "/v1/calculations/{calculation_id}/measurements/{month}"
    body = _documented_problem(spec, locked, "PUT", path)
    assert body.keys() == _example(spec, "month-locked").keys()
    assert body["locked_months"] == ["2026-02"]

    csv = "calculation_key,month,value\r\nticket-handling,2026-02,130\r\n"
    locked_lines = await client.post(
        f"{tracker}/measurements/import",
        content=csv.encode(),
        headers=tenant.editor | {"Content-Type": "text/csv"},
    )
    body = _documented_problem(
        spec, locked_lines, "POST", "/v1/trackers/{tracker_id}/measurements/import"
    )
    assert body["errors"][0].keys() == _example(spec, "csv-lines-locked")["errors"][0].keys()
    assert body["errors"][0]["line"] == 2

    bad_lines = await client.post(
        f"{tracker}/measurements/import",
        content=b'calculation_key,month,value\r\nticket-handlng,2026-05,"1,5"\r\n',
        headers=tenant.editor | {"Content-Type": "text/csv"},
    )
    body = _documented_problem(
        spec, bad_lines, "POST", "/v1/trackers/{tracker_id}/measurements/import"
    )
    assert body["status"] == 422
    assert all(set(error) >= {"line", "column", "code", "message"} for error in body["errors"])


@pytest.mark.usefixtures("_tables_emptied")
async def test_rate_limited_answers_are_documented_problems_with_their_headers(
    app: FastAPI, client: httpx.AsyncClient, tenant: Tenant, spec: dict[str, Any]
) -> None:
    previous = app.state.rate_limiter
    app.state.rate_limiter = SharedRateLimiter(app.state.engine, 1)
    try:
        first = await client.get("/v1/trackers", headers=tenant.viewer)
        refused = await client.get("/v1/trackers", headers=tenant.viewer)
    finally:
        app.state.rate_limiter = previous
    assert first.status_code == 200
    body = _documented_problem(spec, refused, "GET", "/v1/trackers")
    assert body.keys() == _example(spec, "rate-limited").keys()
    documented = spec["paths"]["/v1/trackers"]["get"]["responses"]
    for answer, status in ((first, "200"), (refused, "429")):
        names = set(_deref(spec, documented[status])["headers"])
        assert {name.lower() for name in names} <= set(answer.headers), status


def test_operations_that_need_an_api_key_say_so(spec: dict[str, Any]) -> None:
    assert spec["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            needs_key = "401" in operation["responses"]
            expected = [{"apiKey": []}] if needs_key else []
            assert operation["security"] == expected, (method, path)
    assert spec["paths"]["/healthz"]["get"]["security"] == []


def test_a_new_month_answers_201_with_the_object(spec: dict[str, Any]) -> None:
    for path, model in (
        ("/v1/calculations/{calculation_id}/measurements/{month}", "MeasurementOut"),
        ("/v1/calculations/{calculation_id}/inputs/{key}/changes/{month}", "InputChangeOut"),
    ):
        created = spec["paths"][path]["put"]["responses"]["201"]
        schema = created["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{model}"}


def test_request_ids_and_replays_are_declared_where_they_are_sent(spec: dict[str, Any]) -> None:
    shared = spec["components"]["responses"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    response = shared[response["$ref"].rsplit("/", 1)[1]]
                headers = response.get("headers", {})
                assert "X-Request-ID" in headers, (method, path, status)
                replayable = method == "post" and status.startswith("2")
                assert ("Idempotent-Replayed" in headers) == replayable, (method, path, status)


def test_cache_location_and_attachment_headers_are_declared(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    for path in (
        "/v1/trackers/{tracker_id}/report",
        "/v1/trackers/{tracker_id}/table",
        "/v1/use-cases/{use_case_id}/table",
    ):
        read = paths[path]["get"]
        for status in ("200", "304"):
            headers = read["responses"][status]["headers"]
            assert {"ETag", "Cache-Control", "Vary"} <= set(headers), (path, status)
        assert "If-None-Match" in [p["name"] for p in read["parameters"] if p.get("in") == "header"]
    created = paths["/v1/api-keys"]["post"]["responses"]["201"]["headers"]
    assert {"Location", "Cache-Control"} <= set(created)
    download = paths["/v1/evidence/{evidence_id}/content"]["get"]["responses"]["200"]["headers"]
    assert {"ETag", "Content-Disposition", "Cache-Control"} <= set(download)


def test_a_route_naming_an_undescribed_example_stops_the_document() -> None:
    """Routes name examples and headers (`problem_refs`, a leaf module); the bodies are
    resolved only when the document is built, which refuses a name it cannot resolve."""
    app = FastAPI()

    @app.get(
        "/v1/teapot",
        responses={418: problem_doc("`teapot`: short and stout.", "no-such-example")},  # type: ignore[arg-type]
    )
    def teapot() -> None: ...

    document = app.openapi()
    with pytest.raises(AssertionError, match="no-such-example"):
        document_errors(document, app.routes)
    # The names routes may use and the bodies and headers the document describes agree.
    assert set(get_args(ProblemExample)) == set(EXAMPLES)
    assert set(get_args(HeaderName)) == set(HEADERS)
