"""Every request example of the contract is accepted by the live server (issue 19).

Each operation of `openapi/openapi.json` is sent once per request-body example (once if it
takes no body), with every parameter example the document shows (a parameter with several
named examples uses its first one here; the others are each sent on `getOrganization`),
to the app on real PostgreSQL. The answer must be 2xx and one the operation documents,
and its JSON body must validate against the operation's documented response schema (JSON Schema 2020-12 over the
document's components, formats checked).

The examples speak of one customer (`crm-0042`, USD) with one Value Tracker for 2026 and a
calculation `ticket-handling`; `World` creates, through the API, only what a case refers
to, so that a creating example (the customer itself, the reason code itself) meets no
twin. What stands for what:
- path ids (`tracker_id`, `calculation_id`, `note_id`...) are the ids of objects `World`
  creates for the case; a path parameter with an example (`external_id` `mv-1001`,
  `currency` `EUR`, `month` `2026-03`) names an object `World` creates under that name
  (a ledger record, an FX rate, a measurement and an input change of that month: a `PUT`
  of a ledger record or rate replaces one that exists); the revenue path example
  `mv-1001` serves every ledger resource, so each gets a record of that name;
- uuids in a body under `customer_id`, `calculation_id` and `tracker_ids` become the ids
  of the case's customer, calculation and tracker;
- a body that names `crm-0042`, `ticket-handling` or the reason code `exec-sponsor-left`
  gets that object first (unless the operation is the one creating it);
- an operation that reads more than its path objects gets that first (`_prepare`): a
  health profile for the customer's health, the customer for the revenue reads (their
  reporting currency), the tracker for the portfolio, a lock before `removeLock`; an
  override to end is one in force today;
- a required parameter without an example takes a fixed value (`REQUIRED_WITHOUT_EXAMPLE`)
  or the first member of its enum; an `If-Match` the operation requires is the `ETag` of
  a `GET` of the same path just before.

A second group of tests validates every documented example against its own schema:
response examples (problem examples included), component and property `examples`,
request-body and parameter examples.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import SUPPORT_CALCULATION, expect

DOCUMENT_PATH = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
DOCUMENT: dict[str, Any] = json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))
BASE_URI = "urn:valuecalc:openapi"
METHODS = ("get", "put", "post", "delete", "patch")

CUSTOMER_EXTERNAL_ID = "crm-0042"
CALCULATION_KEY = "ticket-handling"
REASON_CODE = "exec-sponsor-left"
CHANGED_INPUT = "reps"
DEFAULT_MONTH = "2026-03"  # a path month the document gives no example

# Required parameters the document gives no example (their value in every case).
REQUIRED_WITHOUT_EXAMPLE: dict[str, str] = {"at": "2026-03-31"}


# --- the document as JSON Schema -------------------------------------------------------------


def _registry() -> Registry:
    resource = Resource.from_contents(DOCUMENT, default_specification=DRAFT202012)
    return Registry().with_resource(BASE_URI, resource)


REGISTRY = _registry()
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def schema_errors(pointer: str, instance: Any) -> list[str]:
    """Why `instance` does not match the schema at `pointer` in the document (none: it does)."""
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"{BASE_URI}#{pointer}"}, registry=REGISTRY, format_checker=FORMATS
    )
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:300]}"
        for error in validator.iter_errors(instance)
    ]


def _deref(node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        found: Any = DOCUMENT
        for part in node["$ref"].removeprefix("#/").split("/"):
            found = found[part.replace("~1", "/").replace("~0", "~")]
        node = found
    return node


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def _parameters(operation: dict[str, Any]) -> list[dict[str, Any]]:
    return [_deref(parameter) for parameter in operation.get("parameters", [])]


def parameter_examples(parameter: dict[str, Any]) -> list[Any]:
    """Every example a reader sees for one parameter, in the document's order."""
    found: list[Any] = []
    if "example" in parameter:
        found.append(parameter["example"])
    found.extend(_deref(named)["value"] for named in parameter.get("examples", {}).values())
    schema = parameter.get("schema", {})
    found.extend(schema.get("examples", []))
    if "example" in schema:
        found.append(schema["example"])
    return found


def body_examples(media: dict[str, Any]) -> list[Any]:
    """Every distinct example a reader sees for one media type of a request body."""
    found: list[Any] = []
    if "example" in media:
        found.append(media["example"])
    found.extend(_deref(named)["value"] for named in media.get("examples", {}).values())
    schema = _deref(media.get("schema", {}))
    found.extend(schema.get("examples", []))
    for branch in schema.get("oneOf", []):
        found.extend(_deref(branch).get("examples", []))
    distinct: list[Any] = []
    for example in found:
        if example not in distinct:
            distinct.append(example)
    return distinct


# --- the cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    operation: dict[str, Any]
    media_type: str | None = None
    body: Any = None
    # A parameter sent with another of its examples than the first: (name, example).
    other_example: tuple[str, Any] | None = None

    @property
    def operation_id(self) -> str:
        return str(self.operation["operationId"])


def _cases() -> list[Case]:
    cases: list[Case] = []
    for method, path, operation in _operations():
        content = operation.get("requestBody", {}).get("content", {})
        bodies = [
            (media_type, example)
            for media_type, media in content.items()
            for example in body_examples(media)
        ]
        if not bodies:
            cases.append(Case(method, path, operation))
        cases.extend(Case(method, path, operation, m, example) for m, example in bodies)
    organization = next(c for c in cases if c.operation_id == "getOrganization")
    for parameter in _parameters(organization.operation):
        for example in parameter_examples(parameter)[1:]:
            cases.append(
                Case("get", organization.path, organization.operation, None, None,
                     (parameter["name"], example))
            )  # fmt: skip
    return cases


CASES = _cases()


def _case_id(case: Case) -> str:
    index = sum(
        1 for other in CASES[: CASES.index(case)] if other.operation_id == case.operation_id
    )
    return f"{case.operation_id}-{index}"


# --- what the examples refer to --------------------------------------------------------------


@dataclass
class World:
    """The objects the examples refer to, created through the API on first use."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    made: dict[str, Any] = field(default_factory=dict)

    async def _once(self, name: str, make: Callable[[], Awaitable[Any]]) -> Any:
        if name not in self.made:
            self.made[name] = await make()
        return self.made[name]

    async def _post(self, path: str, body: Any, status: int = 201) -> Any:
        return expect(await self.client.post(path, json=body, headers=self.headers), status)

    async def customer(self) -> Any:
        return await self._once(
            "customer",
            lambda: self._post(
                "/v1/customers",
                {"name": "Northwind Support Ltd", "external_id": CUSTOMER_EXTERNAL_ID,
                 "currency": "USD", "owner": "jane.doe@vendor.example", "segment": "mid-market"},
            ),
        )  # fmt: skip

    async def tracker(self) -> Any:
        async def make() -> Any:
            customer = await self.customer()
            return await self._post(
                "/v1/trackers",
                {"customer_id": customer["id"], "name": "Northwind support automation 2026",
                 "currency": "USD", "start_month": "2026-01", "end_month": "2026-12"},
            )  # fmt: skip

        return await self._once("tracker", make)

    async def use_case(self) -> Any:
        async def make() -> Any:
            tracker = await self.tracker()
            return await self._post(
                f"/v1/trackers/{tracker['id']}/use-cases",
                {"name": "Faster ticket handling", "status": "active"},
            )

        return await self._once("use_case", make)

    async def calculation(self) -> Any:
        async def make() -> Any:
            use_case = await self.use_case()
            return await self._post(
                f"/v1/use-cases/{use_case['id']}/calculations", SUPPORT_CALCULATION
            )

        return await self._once("calculation", make)

    async def measurement(self, month: str) -> Any:
        async def make() -> Any:
            calculation = await self.calculation()
            return expect(
                await self.client.put(
                    f"/v1/calculations/{calculation['id']}/measurements/{month}",
                    json={"value": "158"},
                    headers=self.headers,
                ),
                201,
            )

        return await self._once(f"measurement {month}", make)

    async def input_change(self, month: str) -> Any:
        async def make() -> Any:
            calculation = await self.calculation()
            return expect(
                await self.client.put(
                    f"/v1/calculations/{calculation['id']}/inputs/{CHANGED_INPUT}/changes/{month}",
                    json={"value": "15"},
                    headers=self.headers,
                ),
                201,
            )

        return await self._once(f"input change {month}", make)

    async def note(self) -> Any:
        async def make() -> Any:
            calculation = await self.calculation()
            return await self._post(
                f"/v1/calculations/{calculation['id']}/months/2026-03/notes",
                {"text": "From the helpdesk export"},
            )

        return await self._once("note", make)

    async def evidence(self) -> Any:
        async def make() -> Any:
            calculation = await self.calculation()
            response = await self.client.post(
                f"/v1/calculations/{calculation['id']}/months/2026-03/evidence",
                files={"file": ("export.csv", b"date,tickets\n2026-03-02,155\n", "text/csv")},
                headers=self.headers,
            )
            return expect(response, 201)

        return await self._once("evidence", make)

    async def api_key(self) -> Any:
        return await self._once(
            "api_key", lambda: self._post("/v1/api-keys", {"name": "CRM sync", "role": "editor"})
        )

    async def profile(self) -> Any:
        body = {
            "name": "Standard",
            "is_default": True,
            "segments": [],
            "indicators": [
                {"kind": "pulse", "weight": "40", "zero_at": "0", "full_at": "100"},
                {"kind": "value_realization", "weight": "40", "zero_at": "50", "full_at": "100"},
                {"kind": "days_since_last_touch", "weight": "20", "zero_at": "30", "full_at": "7"},
            ],
            "bands": {"yellow_from": "40", "green_from": "70"},
        }
        return await self._once("profile", lambda: self._post("/v1/health-profiles", body))

    async def override(self) -> Any:
        """An override in force today (only one in force can be ended)."""

        async def make() -> Any:
            await self.profile()
            customer = await self.customer()
            today = datetime.datetime.now(datetime.UTC).date()
            return await self._post(
                f"/v1/customers/{customer['id']}/health/overrides",
                {"score": "30", "reason": "Sponsor left", "starts_on": today.isoformat(),
                 "expires_on": (today + datetime.timedelta(days=30)).isoformat()},
            )  # fmt: skip

        return await self._once("override", make)

    async def reason_code(self) -> Any:
        return await self._once(
            "reason_code",
            lambda: self._post(
                "/v1/pulse-reason-codes",
                {"code": REASON_CODE, "kind": "risk", "label": "Executive sponsor left",
                 "category": "Relationship"},
            ),
        )  # fmt: skip

    async def _bulk(self, path: str, rows: list[dict[str, Any]]) -> Any:
        return await self._post(path, {"rows": rows}, 200)

    async def ledger_record(self, resource: str, external_id: str) -> Any:
        async def make() -> Any:
            await self.customer()
            row: dict[str, Any] = {
                "external_id": external_id,
                "customer_external_id": CUSTOMER_EXTERNAL_ID,
                **{
                    "movements": {"date": "2026-01-15", "kind": "new", "amount": "120000",
                                  "currency": "USD"},
                    "renewals": {"due_date": "2026-06-30", "renewable_arr": "120000"},
                    "contract-lines": {"start_month": "2026-01", "end_month": "2026-12",
                                       "arr": "120000", "currency": "USD"},
                    "leads": {"raised_on": "2026-02-03", "status": "open"},
                }[resource],
            }  # fmt: skip
            return await self._bulk(f"/v1/revenue/{resource}/bulk", [row])

        return await self._once(f"{resource} {external_id}", make)

    async def fx_rate(self, currency: str, month: str) -> Any:
        row = {"currency": currency, "month": month, "units_of_reporting_currency_per_unit": "1.1"}
        return await self._once(
            f"fx {currency} {month}", lambda: self._bulk("/v1/revenue/fx-rates/bulk", [row])
        )

    async def signal(self, resource: str, row: dict[str, Any]) -> Any:
        """The first item of a signal resource, written by bulk for the example customer."""

        async def make() -> Any:
            await self.customer()
            await self._bulk(
                f"/v1/{resource}/bulk", [{"customer_external_id": CUSTOMER_EXTERNAL_ID, **row}]
            )
            listed = expect(await self.client.get(f"/v1/{resource}", headers=self.headers), 200)
            return listed["items"][0]

        return await self._once(resource, make)


SIGNAL_ROWS: dict[str, tuple[str, dict[str, Any]]] = {
    "touch_id": ("touches", {"external_id": "t-1", "occurred_at": "2026-03-10T15:30:00Z",
                             "channel": "call", "direction": "outbound"}),
    "goal_id": ("goals", {"external_id": "g-1", "title": "Deflect tickets",
                          "due_on": "2026-06-30", "status": "planned"}),
    "milestones_id": ("onboarding-milestones", {"kickoff_on": "2026-01-05"}),
    "response_id": ("survey-responses", {"external_id": "s-1", "kind": "nps", "score": 9,
                                         "answered_on": "2026-03-10",
                                         "respondent": "cfo@northwind.example"}),
    "usage_day_id": ("usage-days", {"day": "2026-03-10", "active_users": 37}),
    "usage_month_id": ("usage-months", {"month": "2026-03", "monthly_active_users": 52}),
    "seat_count_id": ("seat-counts", {"effective_on": "2026-01-01", "seats": 60}),
}  # fmt: skip


async def _path_value(world: World, case: Case, name: str, example: Any) -> Any:
    """The value of one path parameter: an object of the world (see the module docstring)."""
    if name == "external_id":
        await world.ledger_record(case.path.split("/")[3], example)
        return example
    if name in ("currency", "month") and case.path.startswith("/v1/revenue/fx-rates"):
        return example
    if name == "month":
        example = example or DEFAULT_MONTH
        if case.method in ("get", "delete") and "/measurements/" in case.path:
            await world.measurement(example)
        if case.method in ("get", "delete") and "/changes/" in case.path:
            await world.input_change(example)
        return example
    if name in ("calculation_chart", "tracker_chart"):
        return None  # an enum: its first member
    if name == "key":
        return CHANGED_INPUT
    if name == "version":
        await world.profile()
        return 1
    if name in SIGNAL_ROWS:
        resource, row = SIGNAL_ROWS[name]
        return (await world.signal(resource, row))["id"]
    objects: dict[str, Callable[[], Awaitable[Any]]] = {
        "tracker_id": world.tracker,
        "use_case_id": world.use_case,
        "calculation_id": world.calculation,
        "customer_id": world.customer,
        "key_id": world.api_key,
        "note_id": world.note,
        "evidence_id": world.evidence,
        "profile_id": world.profile,
        "override_id": world.override,
        "reason_code_id": world.reason_code,
    }
    return (await objects[name]())["id"]


async def _prepare(world: World, case: Case, values: dict[str, Any]) -> None:
    """What an operation needs beyond its path objects (see the module docstring)."""
    if case.path.startswith("/v1/revenue/fx-rates/{"):
        await world.fx_rate(values["currency"], values["month"])
    if case.path.startswith(("/v1/customers/{customer_id}/health", "/v1/health-backtest")):
        await world.profile()
    if case.path.startswith("/v1/revenue/"):
        await world.customer()  # the reporting currency is taken from the customers
    if case.path.startswith("/v1/reports/portfolio"):
        await world.tracker()
    if case.operation_id == "removeLock":
        tracker_id = values["tracker_id"]
        expect(
            await world.client.put(
                f"/v1/trackers/{tracker_id}/lock", json={"through": "2026-03"},
                headers=world.headers,
            ),
            200,
        )  # fmt: skip


async def _body_for(world: World, case: Case) -> Any:
    """The example body with its ids replaced by the world's (see the module docstring)."""
    body = case.body
    text = json.dumps(body)
    creating = case.operation_id
    if CUSTOMER_EXTERNAL_ID in text and creating != "createCustomer":
        await world.customer()
    if CALCULATION_KEY in text and creating != "createCalculation":
        await world.calculation()
    if REASON_CODE in text and creating != "createPulseReasonCode":
        await world.reason_code()
    if creating == "createHealthOverride":
        await world.profile()

    async def replace(node: Any, key: str | None = None) -> Any:
        if isinstance(node, dict):
            return {k: await replace(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [await replace(item, key) for item in node]
        if key == "customer_id":
            return (await world.customer())["id"]
        if key == "calculation_id":
            return (await world.calculation())["id"]
        if key == "tracker_ids":
            return (await world.tracker())["id"]
        return node

    return await replace(body)


def _first_enum_member(schema: dict[str, Any]) -> Any:
    for option in [schema, *schema.get("anyOf", [])]:
        option = _deref(option)
        if "enum" in option:
            return option["enum"][0]
    return None


async def _request(world: World, case: Case) -> httpx.Response:
    path_values: dict[str, Any] = {}
    query: dict[str, Any] = {}
    headers = dict(world.headers)
    if_match = False
    for parameter in _parameters(case.operation):
        name, where = parameter["name"], parameter["in"]
        examples = parameter_examples(parameter)
        if case.other_example is not None and case.other_example[0] == name:
            examples = [case.other_example[1]]
        if name == "If-Match":
            if_match = bool(parameter.get("required"))
            continue
        if where == "path":
            value = await _path_value(world, case, name, examples[0] if examples else None)
            if value is None:
                value = _first_enum_member(parameter["schema"])
            path_values[name] = value
        elif examples:
            (query if where == "query" else headers)[name] = examples[0]
        elif parameter.get("required"):
            value = REQUIRED_WITHOUT_EXAMPLE.get(name) or _first_enum_member(parameter["schema"])
            if name == "profile_id":
                value = (await world.profile())["id"]
            assert value is not None, f"{case.operation_id}: no value for {name}"
            query[name] = value
    await _prepare(world, case, path_values)
    url = case.path.format(**path_values)
    if if_match:
        current = await world.client.get(url, headers=world.headers)
        assert current.status_code == 200, (url, current.text)
        headers["If-Match"] = current.headers["ETag"]
    request: dict[str, Any] = {"params": query, "headers": headers}
    if case.media_type == "application/json":
        request["json"] = await _body_for(world, case)
    elif case.media_type == "text/csv":
        await _body_for(world, case)
        request["content"] = case.body.encode()
        headers["Content-Type"] = "text/csv"
    elif case.media_type == "multipart/form-data":
        await _body_for(world, case)
        fields = dict(case.body)
        request["files"] = {"file": ("export.csv", fields.pop("file").encode(), "text/csv")}
        request["data"] = fields
    return await world.client.request(case.method.upper(), url, **request)


def _documented_response(operation: dict[str, Any], status: int) -> tuple[str, dict[str, Any]]:
    responses = operation["responses"]
    key = str(status) if str(status) in responses else f"{str(status)[0]}XX"
    assert key in responses, f"{status} is not a documented answer of {operation['operationId']}"
    return key, _deref(responses[key])


@pytest.mark.parametrize("case", CASES, ids=[_case_id(case) for case in CASES])
async def test_the_live_server_accepts_every_request_example(
    client: httpx.AsyncClient, tenant: Tenant, case: Case
) -> None:
    world = World(client, tenant.admin)
    response = await _request(world, case)
    assert 200 <= response.status_code < 300, (response.status_code, response.text[:2000])
    key, documented = _documented_response(case.operation, response.status_code)
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    content = documented.get("content", {})
    if not content:
        assert not response.content, "the answer has a body its documentation does not show"
        return
    matching = [m for m in content if m.split(";")[0].strip() == media_type]
    assert matching, f"{media_type} is not documented for {key}: {sorted(content)}"
    if media_type.endswith("json"):
        pointer = _pointer(
            "paths", case.path, case.method, "responses", key, "content", matching[0], "schema"
        )
        assert schema_errors(pointer, response.json()) == []


def test_the_cases_cover_every_operation_and_body_example() -> None:
    operations = {operation["operationId"] for _, _, operation in _operations()}
    assert {case.operation_id for case in CASES} == operations
    with_body = sum(1 for case in CASES if case.media_type is not None)
    assert with_body >= 60


# --- documented examples against their own schemas -------------------------------------------


def _examples_in_schemas(node: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    """(pointer of a schema, one of its `examples`) for every schema node with examples."""
    if isinstance(node, dict):
        if isinstance(node.get("examples"), list) and (
            "type" in node or "properties" in node or "$ref" in node or "anyOf" in node
        ):
            for example in node["examples"]:
                yield pointer, example
        for key, child in node.items():
            if key != "examples":
                yield from _examples_in_schemas(child, pointer + _pointer(key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _examples_in_schemas(child, pointer + _pointer(str(index)))


def test_every_schema_example_matches_its_schema() -> None:
    checked = list(_examples_in_schemas(DOCUMENT["components"]["schemas"], "/components/schemas"))
    assert len(checked) >= 200
    wrong = {
        f"{pointer}: {json.dumps(example)[:120]}": errors
        for pointer, example in checked
        if (errors := schema_errors(pointer, example))
    }
    assert wrong == {}


def _media_examples(media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "example" in media:
        yield "example", media["example"]
    for name, named in media.get("examples", {}).items():
        yield name, _deref(named)["value"]


def test_every_response_example_matches_its_schema() -> None:
    wrong: dict[str, list[str]] = {}
    checked = 0
    for method, path, operation in _operations():
        for status, response in operation["responses"].items():
            response_pointer = ("paths", path, method, "responses", status)
            if "$ref" in response:
                response_pointer = tuple(response["$ref"].removeprefix("#/").split("/"))
            for media_type, media in _deref(response).get("content", {}).items():
                if "schema" not in media:
                    continue
                pointer = _pointer(*response_pointer, "content", media_type, "schema")
                for name, example in _media_examples(media):
                    checked += 1
                    if errors := schema_errors(pointer, example):
                        wrong[f"{method.upper()} {path} {status} {name}"] = errors
    assert checked >= 1000
    assert wrong == {}


def test_every_request_and_parameter_example_matches_its_schema() -> None:
    wrong: dict[str, list[str]] = {}
    for method, path, operation in _operations():
        where = f"{method.upper()} {path}"
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            if not media_type.endswith("json"):
                continue  # CSV text and form fields are checked by the live test
            pointer = _pointer("paths", path, method, "requestBody", "content", media_type)
            for example in body_examples(media):
                if errors := schema_errors(pointer + "/schema", example):
                    wrong[f"{where} body {json.dumps(example)[:80]}"] = errors
        for index, parameter in enumerate(operation.get("parameters", [])):
            pointer = (
                _pointer("paths", path, method, "parameters", str(index))
                if "$ref" not in parameter
                else parameter["$ref"].removeprefix("#")
            )
            for example in parameter_examples(_deref(parameter)):
                if errors := schema_errors(pointer + "/schema", example):
                    wrong[f"{where} {_deref(parameter)['name']}={example!r}"] = errors
    assert wrong == {}


def test_a_wrong_example_is_noticed() -> None:
    """The validator sees a missing required nullable field and a value outside an enum."""
    pointer = "/components/schemas/ApiKeyOut"
    [example] = DOCUMENT["components"]["schemas"]["ApiKeyOut"]["examples"][:1]
    assert schema_errors(pointer, example) == []
    without = {key: value for key, value in example.items() if key != "revoked_at"}
    assert schema_errors(pointer, without) == ["(root): 'revoked_at' is a required property"]
    assert schema_errors(pointer, {**example, "role": "owner"}) != []
