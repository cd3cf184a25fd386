"""Decimal input as the contract says (SPEC 2, issue 12): the API accepts exactly
`^-?\\d{1,15}(\\.\\d{1,12})?$` in ASCII digits (and JSON integers of at most 15 digits),
in JSON bodies, bulk rows and CSV cells, and refuses anything else with a 422 that
names the field and stores nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_rows import count
from tests.api.value_tracking_builders import (
    Graph,
    create_graph,
    create_tracker,
    problem,
    put_measurement,
)
from tests.decimal_strategies import decimal_candidates, matches_decimal_contract
from valuecalc_api.models import Measurement
from valuecalc_api.openapi_export import render
from valuecalc_core.money import DECIMAL_PATTERN

_HTTP = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
async def graph(client: httpx.AsyncClient, tenant: Tenant) -> Graph:
    return await create_graph(client, tenant.admin)


@_HTTP
@given(text=decimal_candidates)
async def test_a_measurement_value_is_accepted_exactly_when_it_matches_the_pattern(
    client: httpx.AsyncClient, tenant: Tenant, graph: Graph, text: str
) -> None:
    response = await put_measurement(client, tenant.editor, graph.calculation_id, "2026-01", text)
    if matches_decimal_contract(text):
        assert response.status_code in (200, 201), (text, response.text)
        # An equal value already stored (0.0 for 0) is unchanged and echoed as stored.
        assert Decimal(response.json()["value"]) == Decimal(text)
    else:
        body = problem(response, 422, "validation-error")
        assert [e["field"] for e in body["errors"]] == ["value"], (text, body)


@pytest.mark.parametrize(
    "value", ["0E+999999", "0E+200000", "1e3", " 121", "1_000", "\u0661\u0662\u0663", "1.5e0"]
)
async def test_exponents_blanks_separators_and_other_digits_are_refused_everywhere(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant, graph: Graph, value: str
) -> None:
    calculation = graph.calculation_id
    tracker_id = graph.tracker["id"]
    problem(await put_measurement(client, tenant.editor, calculation, "2026-01", value), 422)
    body = problem(
        await client.post(
            f"/v1/trackers/{tracker_id}/measurements/bulk",
            json={
                "rows": [{"calculation_key": "ticket-handling", "month": "2026-01", "value": value}]
            },
            headers=tenant.editor,
        ),
        422,
    )
    assert "value" in json.dumps(body["errors"])
    csv = f"calculation_key,month,value\nticket-handling,2026-01,{value}\n".encode()
    problem(
        await client.post(
            f"/v1/trackers/{tracker_id}/measurements/import",
            content=csv,
            headers={**tenant.editor, "Content-Type": "text/csv"},
        ),
        422,
    )
    problem(
        await client.put(
            f"/v1/calculations/{calculation}/inputs/reps/changes/2026-02",
            json={"value": value},
            headers=tenant.editor,
        ),
        422,
    )
    problem(
        await client.post(
            "/v1/trackers",
            json={
                "customer_id": graph.customer["id"],
                "name": "Fees",
                "currency": "USD",
                "start_month": "2026-01",
                "end_month": "2026-12",
                "recurring_fee_amount": value,
            },
            headers=tenant.editor,
        ),
        422,
    )
    assert await count(session, Measurement) == 0  # nothing was stored


async def test_json_integers_within_15_digits_are_accepted(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.editor, recurring_fee_amount=120000)
    assert tracker["recurring_fee_amount"] in ("120000", "120000.00")
    response = await client.post(
        "/v1/trackers",
        json={
            "customer_id": tracker["customer_id"],
            "name": "Too big",
            "currency": "USD",
            "start_month": "2026-01",
            "end_month": "2026-12",
            "recurring_fee_amount": 10**15,
        },
        headers=tenant.editor,
    )
    problem(response, 422)


def test_the_published_contract_states_the_pattern() -> None:
    assert json.dumps(DECIMAL_PATTERN) in render()


# Response properties typed `string` without a format, pattern or enum that hold text, not
# numbers, by property name (across every schema), with the reason they stay plain text.
# Any other such property fails the sweep below: a decimal must say `format: decimal`.
_TEXT_PROPERTIES: dict[str, str] = {
    **dict.fromkeys(
        ("name", "title", "label", "caption", "description", "text", "comment", "summary"),
        "a human-written name or text",
    ),
    **dict.fromkeys(
        (
            "detail",
            "message",
            "warning",
            "error",
            "definition",
            "definition_text",
            "monthly_actives_rule",
        ),
        "an explanation in words",
    ),
    **dict.fromkeys(
        (
            "id",
            "key",
            "code",
            "prefix",
            "key_prefix",
            "secret",
            "external_id",
            "request_id",
            "sha256",
            "next_cursor",
            "database_revision",
            "input_key",
            "variable",
            "instance",
        ),
        "an identifier, key, cursor or secret",
    ),
    **dict.fromkeys(
        (
            "currency",
            "reporting_currency",
            "time_zone",
            "unit",
            "content_type",
            "category",
            "subcategory",
            "group",
            "source",
            "segment",
            "segments",
            "owner",
            "author",
            "respondent",
            "reason_codes",
            "value_features",
            "value_features_used",
        ),
        "a code, zone, unit or label from a set the organization configures",
    ),
    **dict.fromkeys(("url", "content_url", "location", "filename"), "a link or file name"),
    "reason": "an explanation in words (of an override or an undefined figure)",
    "formula": "a formula over named inputs",
    "days": "a range of days such as `30-59`",
    "period": "a period label such as `2026-Q1`",
    "as_of_month": "a month as `YYYY-MM`",
    "field": "the name of the refused field",
    "column": "the name of the refused CSV column",
    "current_etag": "an entity tag",
}
_TEXT_SUFFIXES = ("_id", "_ids", "_external_id", "_name", "_reason", "_key")


def _schemas_of_responses(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every component schema a response body reaches, by name."""
    components = document["components"]["schemas"]
    reached: dict[str, dict[str, Any]] = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in reached:
                    reached[name] = components[name]
                    visit(components[name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                visit(operation.get("responses", {}))
    return reached


def _string_branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found = [schema] if schema.get("type") == "string" else []
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            found += _string_branches(branch)
    if "items" in schema:
        found += _string_branches(schema["items"])
    return found


def _plain_strings(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(schema, property, string schema) of every response property typed as bare text."""
    return [
        (name, prop, branch)
        for name, schema in sorted(_schemas_of_responses(document).items())
        for prop, member in schema.get("properties", {}).items()
        for branch in _string_branches(member)
        if not {"format", "pattern", "enum", "const"}.intersection(branch)
    ]


def test_every_decimal_in_a_response_is_declared_a_decimal_string() -> None:
    document = json.loads(render())
    undeclared = [
        f"{name}.{prop}"
        for name, prop, _ in _plain_strings(document)
        if prop not in _TEXT_PROPERTIES and not prop.endswith(_TEXT_SUFFIXES)
    ]
    assert undeclared == []


def _example_strings(
    value: Any, schema: dict[str, Any], components: dict[str, Any], prop: str = ""
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(property, schema, text) of every string in an example, walked along its schema."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if isinstance(value, str):
        yield prop, schema, value
        return
    if isinstance(value, list) and "items" in schema:
        for item in value:
            yield from _example_strings(item, schema["items"], components, prop)
    elif isinstance(value, dict):
        for key, item in value.items():
            member = schema.get("properties", {}).get(key)
            if member is not None:
                yield from _example_strings(item, member, components, key)
    for branch in schema.get("anyOf", []):
        if branch.get("type") != "null":
            yield from _example_strings(value, branch, components, prop)


# Text properties whose examples are digits, with the reason they are not numbers.
_DIGIT_TEXT = {"database_revision": "an Alembic revision identifier such as `0005`"}


def test_no_response_example_shows_a_number_in_a_property_not_declared_decimal() -> None:
    """The served figures, as the contract's own examples show them: any text in a response
    example that reads as a decimal sits in a property declared `format: decimal`."""
    document = json.loads(render())
    components = document["components"]["schemas"]
    decimal = re.compile(r"-?[0-9]+(\.[0-9]+)?")
    shown: set[str] = set()
    for name, schema in _schemas_of_responses(document).items():
        for example in schema.get("examples", []):
            for prop, member, text in _example_strings(example, schema, components):
                declared = {branch.get("format") for branch in [member, *member.get("anyOf", [])]}
                looks_decimal = decimal.fullmatch(text) is not None
                if looks_decimal and "decimal" not in declared and prop not in _DIGIT_TEXT:
                    shown.add(f"{name}.{prop} = {text!r}")
    assert sorted(shown) == []


def _strings_anywhere(node: Any, at: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "string":
            yield at, node
        for key, value in node.items():
            yield from _strings_anywhere(value, f"{at}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings_anywhere(value, f"{at}/{index}")


def test_every_string_whose_pattern_admits_only_numbers_is_declared_decimal() -> None:
    """Inputs as well as outputs, parameters as well as bodies: a string whose pattern takes
    `12.5` but no word is a decimal, and says so with `format: decimal`."""
    document = json.loads(render())
    undeclared = [
        at
        for at, schema in _strings_anywhere(document)
        if "pattern" in schema
        and re.search(schema["pattern"], "12.5")
        and not re.search(schema["pattern"], "abc")
        and schema.get("format") != "decimal"
    ]
    assert undeclared == []
