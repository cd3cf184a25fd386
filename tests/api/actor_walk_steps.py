"""The write walk of `test_actors.py` (SPEC 6): the `Walk` its steps call through, and the
steps for the revenue ledger and the customer signals, each a real write that must
succeed, with the documented examples of the row schemas as bodies (what the contract
promises a client may send).

The ledger and signal rows name customers by `external_id`: `crm-0042` (the examples'
customer: movements, renewals, leads, signals) and `crm-0043` (contract lines, so its
ledger is derived from them alone). Both are created by the first step that needs them.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tests.api.value_tracking_builders import expect
from valuecalc_api.engagement.schemas import TOUCH_BULK_EXAMPLE, TouchRow
from valuecalc_api.goals.schemas import GOAL_BULK_EXAMPLE, GoalRow
from valuecalc_api.onboarding.schemas import MILESTONE_BULK_EXAMPLE, MilestoneRow
from valuecalc_api.revenue.row_schemas import (
    ContractLineRow,
    FxRateRow,
    LeadRow,
    MovementRow,
    RenewalRow,
)
from valuecalc_api.signals.schemas import SignalSettingsIn
from valuecalc_api.surveys.schemas import SURVEY_BULK_EXAMPLE, SurveyResponseRow
from valuecalc_api.usage.schemas import (
    SEAT_ROWS_EXAMPLE,
    USAGE_DAY_ROWS_EXAMPLE,
    USAGE_MONTH_ROWS_EXAMPLE,
)


@dataclass
class Walk:
    client: httpx.AsyncClient
    headers: dict[str, str]
    ids: dict[str, str]

    async def send(self, method: str, path: str, status: int, **kwargs: Any) -> httpx.Response:
        """The response of a call that must answer `status` (shows the body if not)."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = await self.client.request(method, path, headers=headers, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response

    async def call(
        self, method: str, path: str, status: int, **kwargs: Any
    ) -> dict[str, Any] | None:
        body: dict[str, Any] | None = expect(
            await self.send(method, path, status, **kwargs), status
        )
        return body


Step = Callable[[Walk], Awaitable[dict[str, Any] | None]]
WalkSteps = list[tuple[str, str, Step]]


def example(model: Any) -> dict[str, Any]:
    """The first documented example of a row schema (a fresh copy to change)."""
    return copy.deepcopy(model.model_json_schema()["examples"][0])


async def _customer(w: Walk, external_id: str) -> None:
    """The customer the rows name, created once (customers have no audit trail)."""
    if external_id not in w.ids:
        body = await w.call(
            "POST", "/v1/customers", 201, json={"name": external_id, "external_id": external_id}
        )
        assert body is not None
        w.ids[external_id] = body["id"]


# --- the revenue ledger ---------------------------------------------------------------

_LEDGER: dict[str, tuple[Any, str, dict[str, Any]]] = {
    # route base: (row schema, customer, a change a PUT makes)
    "movements": (MovementRow, "crm-0042", {"amount": "96000"}),
    "renewals": (RenewalRow, "crm-0042", {"due_date": "2026-06-29"}),
    "contract-lines": (ContractLineRow, "crm-0043", {"arr": "96000"}),
    "leads": (LeadRow, "crm-0042", {"closed_revenue": "30000"}),
}


def _ledger_key(base: str, row: dict[str, Any]) -> str:
    return f"{row['currency']}/{row['month']}" if base == "fx-rates" else str(row["external_id"])


def _ledger_row(base: str) -> dict[str, Any]:
    if base == "fx-rates":
        return example(FxRateRow)
    return {**example(_LEDGER[base][0]), "customer_external_id": _LEDGER[base][1]}


def _create_record(base: str) -> Step:
    async def step(w: Walk) -> dict[str, Any] | None:
        if base != "fx-rates":
            await _customer(w, _LEDGER[base][1])
        response = await w.send("POST", f"/v1/revenue/{base}", 201, json=_ledger_row(base))
        w.ids[f"etag {base}"] = response.headers["ETag"]
        body: dict[str, Any] = response.json()
        return body

    return step


def _put_record(base: str) -> Step:
    """Correct the record made by `_create_record`, naming the version it read."""

    async def step(w: Walk) -> dict[str, Any] | None:
        row = _ledger_row(base)
        key = _ledger_key(base, row)
        if base == "fx-rates":  # the path names the rate
            row = {"units_of_reporting_currency_per_unit": "1.0900"}
        else:
            row = {**row, **_LEDGER[base][2]}
            row.pop("external_id")
        return await w.call(
            "PUT",
            f"/v1/revenue/{base}/{key}",
            200,
            json=row,
            headers={"If-Match": w.ids[f"etag {base}"]},
        )

    return step


def _second_row(base: str) -> dict[str, Any]:
    """Another record of the kind, added by the bulk step and removed by DELETE."""
    row = _ledger_row(base)
    if base == "fx-rates":
        return {**row, "month": "2026-02"}
    second: dict[str, Any] = {**row, "external_id": f"{row['external_id']}-2"}
    if base == "movements":  # an upsell after the new business
        second.update({"date": "2026-07-01", "kind": "upsell", "amount": "24000"})
    elif base == "contract-lines":  # the renewed contract
        second.update({"start_month": "2027-01", "end_month": "2027-12"})
    elif base == "renewals":  # next year's renewal, still open
        second.update({"due_date": "2027-06-30", "renewable_arr": "96000"})
        for field in ("outcome", "closed_date"):
            second.pop(field)
    return second


def _bulk_records(base: str) -> Step:
    return lambda w: w.call(
        "POST", f"/v1/revenue/{base}/bulk", 200, json={"rows": [_second_row(base)]}
    )


def _delete_record(base: str) -> Step:
    return lambda w: w.call(
        "DELETE", f"/v1/revenue/{base}/{_ledger_key(base, _second_row(base))}", 204
    )


def _import_records(base: str) -> Step:
    """Import the CSV template as downloaded (its lines naming this walk's customer of the
    kind): its example lines replace the corrections."""

    async def step(w: Walk) -> dict[str, Any] | None:
        template = await w.send("GET", f"/v1/revenue/{base}/import/template.csv", 200)
        customer = _LEDGER[base][1].encode()
        return await w.call(
            "POST",
            f"/v1/revenue/{base}/import",
            200,
            content=template.content.replace(b",crm-0042,", b"," + customer + b","),
            headers={"Content-Type": "text/csv"},
        )

    return step


def _ledger_walk(base: str, imports: bool = False) -> WalkSteps:
    path = "{currency}/{month}" if base == "fx-rates" else "{external_id}"
    steps: WalkSteps = [
        ("POST", f"/v1/revenue/{base}", _create_record(base)),
        ("PUT", f"/v1/revenue/{base}/{path}", _put_record(base)),
        ("POST", f"/v1/revenue/{base}/bulk", _bulk_records(base)),
        ("DELETE", f"/v1/revenue/{base}/{path}", _delete_record(base)),
    ]
    if imports:
        steps.append(("POST", f"/v1/revenue/{base}/import", _import_records(base)))
    return steps


REVENUE_WALK: WalkSteps = [
    (
        "PUT",
        "/v1/revenue/settings",
        lambda w: w.call("PUT", "/v1/revenue/settings", 200, json={"reporting_currency": "USD"}),
    ),
    *_ledger_walk("fx-rates"),
    *_ledger_walk("movements", imports=True),
    *_ledger_walk("renewals"),
    *_ledger_walk("contract-lines", imports=True),
    *_ledger_walk("leads"),
]


# --- customer signals -----------------------------------------------------------------

_SIGNALS: list[tuple[str, dict[str, Any], Any, dict[str, Any]]] = [
    # path, bulk example, row schema, a change the single write makes to the example's row
    ("/v1/survey-responses", SURVEY_BULK_EXAMPLE, SurveyResponseRow, {"score": 10}),
    ("/v1/touches", TOUCH_BULK_EXAMPLE, TouchRow, {"channel": "meeting"}),
    ("/v1/goals", GOAL_BULK_EXAMPLE, GoalRow, {"title": "Deflect 25 % of tier-1 tickets"}),
    (
        "/v1/onboarding-milestones",
        MILESTONE_BULK_EXAMPLE,
        MilestoneRow,
        {"go_live_on": "2026-03-02"},
    ),
]


def _bulk_signals(path: str, rows: list[dict[str, Any]]) -> Step:
    async def step(w: Walk) -> dict[str, Any] | None:
        await _customer(w, "crm-0042")
        return await w.call("POST", f"{path}/bulk", 200, json={"rows": copy.deepcopy(rows)})

    return step


def _change_signal(path: str, row_schema: Any, change: dict[str, Any]) -> Step:
    """The single write of the bulk step's row with one field changed: an update (200)."""

    async def step(w: Walk) -> dict[str, Any] | None:
        return await w.call("POST", path, 200, json={**example(row_schema), **change})

    return step


SIGNAL_WALK: WalkSteps = [
    (
        "PUT",
        "/v1/signal-settings",
        lambda w: w.call("PUT", "/v1/signal-settings", 200, json=example(SignalSettingsIn)),
    ),
    *[
        step
        for path, bulk, row_schema, change in _SIGNALS
        for step in (
            ("POST", f"{path}/bulk", _bulk_signals(path, bulk["value"]["rows"])),
            ("POST", path, _change_signal(path, row_schema, change)),
        )
    ],
    ("POST", "/v1/usage-days/bulk", _bulk_signals("/v1/usage-days", USAGE_DAY_ROWS_EXAMPLE)),
    ("POST", "/v1/usage-months/bulk", _bulk_signals("/v1/usage-months", USAGE_MONTH_ROWS_EXAMPLE)),
    ("POST", "/v1/seat-counts/bulk", _bulk_signals("/v1/seat-counts", SEAT_ROWS_EXAMPLE)),
]
