"""Closed sets of values are enums in the contract, so generated clients get closed types
(issue 19): a UI switches on a finding's `kind`, a movement's `kind`, a row's `status`.

Every property of every schema in `openapi/openapi.json` whose name says it is one of a
fixed set (`status`, `kind`, `type`, `class`, `direction`, `trend`, `channel`, `role`,
`severity`, `state`, `band`, `granularity`, `split_by`, `step`, `source`...) must be an
enum (inline, a `$ref` to an enum component, `const`, or a list of those), unless
`OPEN_SETS` names it with the reason its values are open.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DOCUMENT: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "openapi" / "openapi.json").read_text(encoding="utf-8")
)

CLOSED_NAME = re.compile(
    r"(^|_)(status|kind|type|class|direction|trend|channel|role|severity|state|band"
    r"|granularity|split_by|step|source|outcome|interval|every|headline)$"
)

# "Schema.property": why its values are an open set.
OPEN_SETS: dict[str, str] = {
    "Problem.type": "a URI naming the problem type; new types may be added",
    "EvidenceOut.content_type": "the media type of an uploaded file, as detected",
    "MeasurementOut.source": "free text naming where a value came from (e.g. `zendesk`)",
    "ViewMetricOut.source": "the measurement's free-text source",
    "MeasurementRow.source": "free text naming where a value came from",
    "MeasurementPut.source": "free text naming where a value came from",
}


def _is_enum(schema: dict[str, Any]) -> bool:
    """An enum, a reference to one, a const, or null / a list of those."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return _is_enum(DOCUMENT["components"]["schemas"][name])
    if "enum" in schema or "const" in schema:
        return True
    if "anyOf" in schema or "oneOf" in schema:
        options = [
            option
            for option in schema.get("anyOf", schema.get("oneOf", []))
            if option.get("type") != "null"
        ]
        return bool(options) and all(_is_enum(option) for option in options)
    if schema.get("type") == "array":
        return _is_enum(schema.get("items", {}))
    return schema.get("type") not in ("string", None)  # a number or a boolean is not text


def _closed_named_properties(
    schemas: dict[str, Any],
) -> Iterator[tuple[str, dict[str, Any]]]:
    for schema_name, schema in schemas.items():
        for name, prop in schema.get("properties", {}).items():
            if CLOSED_NAME.search(name):
                yield f"{schema_name}.{name}", prop


def plain_text_closed_sets(document: dict[str, Any]) -> list[str]:
    """Every property named like a closed set that is plain text and not in OPEN_SETS."""
    return sorted(
        where
        for where, prop in _closed_named_properties(document["components"]["schemas"])
        if where not in OPEN_SETS and not _is_enum(prop)
    )


def test_properties_named_like_closed_sets_are_enums() -> None:
    assert plain_text_closed_sets(DOCUMENT) == []


def test_the_open_sets_allowlist_holds_only_properties_that_exist_as_text() -> None:
    found = dict(_closed_named_properties(DOCUMENT["components"]["schemas"]))
    stale = [where for where in OPEN_SETS if where not in found or _is_enum(found[where])]
    assert stale == []


def test_a_plain_text_status_is_noticed() -> None:
    document = json.loads(json.dumps(DOCUMENT))
    document["components"]["schemas"]["LedgerRowResult"]["properties"]["status"] = {
        "type": "string"
    }
    document["components"]["schemas"]["CodeRank"]["properties"]["kind"] = {
        "anyOf": [{"type": "string"}, {"type": "null"}]
    }
    assert plain_text_closed_sets(document) == ["CodeRank.kind", "LedgerRowResult.status"]


def test_closed_sets_keep_their_wire_values() -> None:
    """The enums declared for issue 19 carry the values the API always wrote."""
    schemas = DOCUMENT["components"]["schemas"]

    def values(schema_name: str, name: str) -> list[Any]:
        prop = schemas[schema_name]["properties"][name]
        options = [prop, *prop.get("anyOf", [])]
        for option in options:
            if "$ref" in option:
                option = schemas[option["$ref"].rsplit("/", 1)[1]]
            if "enum" in option:
                return list(option["enum"])
            if "const" in option:
                return [option["const"]]
        raise AssertionError(f"{schema_name}.{name} is not an enum")

    assert values("LedgerRowResult", "status") == ["created", "updated", "unchanged", "deleted"]
    assert values("MovementOut", "source") == ["api", "contract_lines"]
    assert values("CustomerArrMovementOut", "kind") == [
        "new", "upsell", "cross_sell", "downsell", "churn", "reactivation"
    ]  # fmt: skip
    assert values("CodeRank", "kind") == ["risk", "success"]
    assert values("QuickRatioOut", "band") == ["bad", "healthy", "strong", "undefined"]
    assert values("MetricSeriesOut", "granularity") == ["month", "quarter", "year"]
    assert values("RevenueMetricsOut", "split_by") == ["segment", "owner"]
    assert values("UsageGroupOut", "utilization_status") == [
        "ratio", "unlimited", "no_seats", "no_monthly_actives"
    ]  # fmt: skip
    assert values("HealthScoreOut", "undefined_reason") == ["no_indicator_has_a_value"]
    assert "no_pulse" in values("IndicatorScoreOut", "missing_reason")
    assert values("SignalOut", "missing_reason") == [
        *values("IndicatorScoreOut", "missing_reason"), "not_reached"
    ]  # fmt: skip
    assert values("HealthBrief", "undefined_reason") == ["no_indicator_has_a_value"]
    assert values("CustomerSummary", "health_undefined_reason") == ["no_health_profile"]
    assert values("WaterfallStepOut", "step") == [
        "renewable", "churn", "downsell", "gross_renewed", "upsell", "cross_sell", "net_renewed"
    ]  # fmt: skip


def _enums_that_refuse_their_null(node: Any, where: str) -> Iterator[str]:
    """Places where an `enum` sits beside an `anyOf` that allows null: the enum, applied
    to the whole value, refuses the null the `anyOf` allows."""
    if isinstance(node, dict):
        options = node.get("anyOf", [])
        if "enum" in node and None not in node["enum"] and {"type": "null"} in options:
            yield where
        for key, child in node.items():
            yield from _enums_that_refuse_their_null(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _enums_that_refuse_their_null(child, f"{where}/{index}")


def test_a_nullable_closed_set_keeps_null_valid() -> None:
    assert list(_enums_that_refuse_their_null(DOCUMENT, "#")) == []
    broken = {"anyOf": [{"type": "string"}, {"type": "null"}], "enum": ["yes", "no"]}
    assert list(_enums_that_refuse_their_null({"answer": broken}, "#")) == ["#/answer"]
