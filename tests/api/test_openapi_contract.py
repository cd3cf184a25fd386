"""The OpenAPI contract is something a frontend developer can copy from (SPEC 6).

Issue "The HTTP API for value tracking": every schema has examples a frontend developer can
copy. These tests hold the contract to that: every object schema and every request body
has an example, every example is accepted by the code that reads it (the pydantic model,
or the hand-written parser of the routes that read their body themselves), and months are
plain `YYYY-MM` strings. The document is built from `create_app()` alone: no database.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI, routing
from pydantic import BaseModel, TypeAdapter

from valuecalc_api.app import create_app
from valuecalc_api.evidence.file_types import detect_file_type
from valuecalc_api.evidence.schemas import JSON_EVIDENCE, MAX_CAPTION_CHARS
from valuecalc_api.fields import MONTH_PATTERN, InputModel
from valuecalc_api.imports.csv_format import measurement_rows, missing_columns, read_csv
from valuecalc_api.imports.row_parsing import rows_of_body, validate_rows
from valuecalc_api.imports.schemas import InputChangeRow, MeasurementRow
from valuecalc_api.settings import Settings

# Enums are exempt from needing `examples`: their `enum` list is the example.
# FastAPI's own `HTTPValidationError` / `ValidationError` (its default 422 body) are not
# ours to annotate.
EXEMPT_SCHEMAS = frozenset({"HTTPValidationError", "ValidationError"})

# Properties that hold a calendar month; each must be a `YYYY-MM` string in the contract.
MONTH_PROPERTIES = frozenset(
    {"month", "as_of", "start_month", "end_month", "through", "locked_through"}
    | {"payback_month", "measured_in"}
)
# `from_month` of a ramp step is a contract-month NUMBER (1 = the first month), not a month.
MONTH_NUMBER_PROPERTIES = frozenset({"from_month"})
MONTH_LIST_PROPERTIES = frozenset({"months"})


@pytest.fixture(autouse=True)
def _empty_tables_after_test() -> None:
    """Overrides tests/api/conftest.py's fixture of this name: these tests need no database."""


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(
        Settings(database_url="postgresql://openapi@localhost/unused", _env_file=None)
    )


@pytest.fixture(scope="module")
def spec(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


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


def _bulk_rows(row: type[MeasurementRow] | type[InputChangeRow]) -> Callable[[Any], None]:
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
    ("POST", "/v1/trackers/{tracker_id}/measurements/import"): {
        "text/csv": _measurement_csv,
        "multipart/form-data": _csv_upload,
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
        if "enum" not in schema and name not in EXEMPT_SCHEMAS and not schema.get("examples")
    )


def test_every_object_schema_has_an_example(spec: dict[str, Any]) -> None:
    assert _schemas_without_examples(spec["components"]["schemas"]) == []


def test_a_schema_without_examples_is_noticed(spec: dict[str, Any]) -> None:
    schemas = json.loads(json.dumps(spec["components"]["schemas"]))
    before = _schemas_without_examples(schemas)
    del schemas["TrackerOut"]["examples"]
    assert _schemas_without_examples(schemas) == sorted([*before, "TrackerOut"])


def test_every_request_body_has_an_example(app: FastAPI, spec: dict[str, Any]) -> None:
    missing = [
        f"{method} {path} ({media_type})"
        for method, path, _route, body in _request_bodies(app, spec)
        for media_type, media in body["content"].items()
        if not _media_examples(spec, media)
    ]
    assert missing == []


def test_request_body_examples_are_accepted_by_the_code_that_reads_them(
    app: FastAPI, spec: dict[str, Any]
) -> None:
    checked = 0
    checks: dict[str, Callable[[Any], Any]]
    for method, path, route, body in _request_bodies(app, spec):
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


def test_every_model_example_is_valid_and_shows_what_the_api_returns(app: FastAPI) -> None:
    """Request models must accept their examples; response models must accept theirs and
    write them back unchanged (decimals as strings, months `YYYY-MM`, times in UTC)."""
    models = _route_models(app)
    assert len(models) >= 50
    for name, model in models.items():
        for example in _examples_of(model):
            parsed = model.model_validate_json(json.dumps(example))
            if not issubclass(model, InputModel):
                assert json.loads(parsed.model_dump_json()) == example, name


def test_the_model_walk_reaches_nested_and_paged_models(app: FastAPI) -> None:
    from valuecalc_api.imports.schemas import BulkCounts
    from valuecalc_api.trackers.calculation_schemas import MetricIn
    from valuecalc_api.trackers.schemas import OneTimeFeeIn, TrackerOut

    models = set(_route_models(app).values())
    paged = [model for model in models if model.__name__ == "Page[TrackerOut]"]
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
        if parameter["name"] in MONTH_PROPERTIES
        and parameter["schema"].get("type") != "string"
        and not any(v.get("type") == "string" for v in parameter["schema"].get("anyOf", []))
    ]
    assert problems == []
    assert month_parameters == []
