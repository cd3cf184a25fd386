"""Names the OpenAPI document gives its operations and tags, for clients generated from it.

Operation ids are the route function's name in lowerCamelCase (`get_tracker_report` ->
`getTrackerReport`): short, stable while the function keeps its name, and unique because
route functions are (a test checks it). Every tag a route uses is declared here with a
sentence, so generators and linters see no undeclared tag.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from typing import Any

from fastapi import routing
from fastapi.routing import APIRoute
from pydantic import BaseModel

TAGS: dict[str, str] = {
    "health": "Liveness and readiness probes.",
    "organization": "The caller's organization and its API keys.",
    "customers": "Customers, matched to a CRM by `external_id`.",
    "trackers": "Value Trackers: one customer's contract period, currency, fees and use cases.",
    "calculations": "Benefit calculations: improvement metric, inputs, formula, projection.",
    "measurements": "Monthly measurements and input changes (they carry forward).",
    "history": "The audit trail: every change with before, after, who and when.",
    "locks": "Month locks: edits to locked months are refused until an admin unlocks.",
    "evidence": "Files, links (never fetched) and pasted data behind a month's figure.",
    "notes": "Notes on a calculation-month.",
    "bulk writes": "Integration writes: up to 10,000 rows, validated first, all or nothing.",
    "reports": "The Measurements tab, tables, the tracker report and the portfolio.",
    "revenue ledger": "ARR movements, renewals, contract lines, CS-qualified leads, FX rates.",
    "revenue metrics": "GRR, NRR, logo retention, quick ratio, renewal rates, the ARR bridge.",
    "surveys": "NPS, CSAT, CES and 'would you renew today' answers and their scores.",
    "engagement": "Touches with the customer: days since the last one, cadence, silence.",
    "goals": "Customer goals and outcomes: share achieved, overdue goals.",
    "onboarding": "Kickoff, go-live and first-value milestones; time to onboard.",
    "usage": "Daily active users, seats, DAU/MAU, license utilization, adoption breadth.",
    "signal settings": "The organization's time zone and designated value features.",
    "customer health": "Versioned health profiles, explained scores, overrides, backtests.",
    "pulse": "A CSM's red / yellow / green with reason codes, and the book's pulse.",
    "book": "One view of each customer and of the whole book of business.",
    "charts": "Charts as Vega-Lite specs, SVG and PNG, and the renewal pack.",
}

SERVERS: list[dict[str, Any]] = [
    {"url": "http://127.0.0.1:8000", "description": "A local server started by `make run`."}
]


def operation_id(route: APIRoute) -> str:
    """The route function's name in lowerCamelCase."""
    first, *rest = route.name.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def declared_tags(document: dict[str, Any]) -> list[dict[str, str]]:
    """The `tags` list of the document: every tag its operations use, with its sentence."""
    used = {
        tag
        for path in document.get("paths", {}).values()
        for operation in path.values()
        for tag in operation.get("tags", ())
    }
    return [{"name": name, "description": TAGS.get(name, "")} for name in sorted(used)]


_MEDIA_SUFFIX = {
    "application/json": "",
    "multipart/form-data": "Upload",
    "text/csv": "Csv",
}


def name_request_bodies(document: dict[str, Any]) -> dict[str, Any]:
    """Move every inline request-body schema into `components.schemas` under a name.

    Routes that read their body themselves (bulk rows, CSV import, evidence) describe it
    inline; generated clients would name it from the path. The body becomes
    `<OperationId>Body` (`BulkMeasurementsBody`, with `Upload` / `Csv` for other media
    types), and each object inside it that has a title (a row, an evidence kind) becomes a
    component of that title.
    """
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for item in document.get("paths", {}).values():
        for operation in item.values():
            body = operation.get("requestBody", {})
            for media_type, content in body.get("content", {}).items():
                schema = content.get("schema")
                if not schema or "$ref" in schema:
                    continue
                operation_name = operation["operationId"]
                name = operation_name[:1].upper() + operation_name[1:]
                name += _MEDIA_SUFFIX.get(media_type, "") + "Body"
                named = _hoist_titled(schema, components, top=True)
                examples = [
                    e["value"] for e in content.get("examples", {}).values() if "value" in e
                ]
                if "example" in content:
                    examples.append(content["example"])
                if examples and "examples" not in named:
                    named["examples"] = examples
                components[name] = named
                content["schema"] = {"$ref": f"#/components/schemas/{name}"}
    return document


def _hoist_titled(schema: Any, components: dict[str, Any], top: bool = False) -> Any:
    """`schema` with its titled object sub-schemas replaced by references to components."""
    if isinstance(schema, list):
        return [_hoist_titled(item, components) for item in schema]
    if not isinstance(schema, dict):
        return schema
    inner = {key: _hoist_titled(value, components) for key, value in schema.items()}
    title = inner.get("title")
    if top or not isinstance(title, str) or "properties" not in inner:
        return inner
    if components.get(title, inner) != inner:
        return inner  # another schema already has this name: stay inline rather than clash
    components[title] = inner
    return {"$ref": f"#/components/schemas/{title}"}


def drop_null_from_optional_queries(document: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter's schema without FastAPI's `anyOf [..., null]`.

    A query string cannot carry null: leaving the parameter out is how a client says
    "none", so generated clients should type it as the value alone.
    """
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", ()):
                schema = parameter.get("schema", {})
                options = schema.get("anyOf")
                if parameter.get("in") != "query" or parameter.get("required") or not options:
                    continue
                kept = [option for option in options if option.get("type") != "null"]
                if len(kept) == 1 and len(kept) < len(options):
                    rest = {key: value for key, value in schema.items() if key != "anyOf"}
                    parameter["schema"] = {**kept[0], **rest}
    return document


def restore_null_examples(document: dict[str, Any], routes: Sequence[Any]) -> None:
    """Put back the examples as written, nulls included.

    FastAPI serializes the document with `exclude_none`, which also deletes every null
    field of every example, so an example of a body with a nullable required field
    (`revoked_at`, `reason`) stopped matching its own schema. The component examples are
    taken again from the pydantic models, and request-body examples from the routes.
    """
    models: dict[str, list[type[BaseModel]]] = {}
    for model in _subclasses(BaseModel):
        models.setdefault(model.__name__, []).append(model)
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        candidates = models.get(name, [])
        if "examples" not in schema or len(candidates) != 1:
            continue
        original = candidates[0].model_json_schema(mode="serialization").get("examples")
        if original:
            schema["examples"] = copy.deepcopy(original)
    iterate = getattr(routing, "iter_route_contexts", None)
    for route in iterate(routes) if iterate is not None else iter(routes):
        original = getattr(route, "original_route", route)
        if not isinstance(original, APIRoute) or not original.openapi_extra:
            continue
        written = original.openapi_extra.get("requestBody", {}).get("content", {})
        for method in route.methods or ():
            operation = document["paths"].get(route.path_format, {}).get(method.lower(), {})
            served = operation.get("requestBody", {}).get("content", {})
            for media_type, content in written.items():
                for key in ("schema", "example", "examples"):
                    if key in content and media_type in served:
                        served[media_type][key] = copy.deepcopy(content[key])


def _subclasses(cls: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("valuecalc_api"):
            found.append(sub)
        found += _subclasses(sub)
    return list(dict.fromkeys(found))


_GENERIC_PAGE = re.compile(r"^Page_(\w+?)(?:Out)?_$")


def name_pages(document: dict[str, Any]) -> None:
    """`Page_TrackerOut_` (pydantic's name for `Page[TrackerOut]`) becomes `TrackerPage`."""
    schemas = document.get("components", {}).get("schemas", {})
    renames = {name: f"{match[1]}Page" for name in schemas if (match := _GENERIC_PAGE.match(name))}
    if not renames:
        return
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
        schemas[new]["title"] = new
    refs = {
        f"#/components/schemas/{old}": f"#/components/schemas/{new}" for old, new in renames.items()
    }
    _rewrite_refs(document, refs)


def _rewrite_refs(node: Any, refs: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref in refs:
            node["$ref"] = refs[ref]
        for value in node.values():
            _rewrite_refs(value, refs)
    elif isinstance(node, list):
        for value in node:
            _rewrite_refs(value, refs)


def drop_unused_schemas(document: dict[str, Any]) -> None:
    """Remove component schemas nothing refers to (an enum of a hidden parameter, say)."""
    schemas = document.get("components", {}).get("schemas", {})
    while True:
        text = json.dumps({k: v for k, v in document.items() if k != "components"})
        text += json.dumps(schemas)
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]
