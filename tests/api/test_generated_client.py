"""The Python client generated from the contract drives the live app without a hand edit
(issue 19). `make client-check` generates it into `build/python-client` and runs this
module; `make test` skips it when no client has been generated.

It creates a tracker through the client, bulk-writes V1's months, reads the report and its
CSV, and checks the figures (SPEC 3, V1); then every GET operation is called and its
answer parsed into the generated models.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import SUPPORT_CALCULATION

CLIENT_DIR = Path(__file__).resolve().parents[2] / "build" / "python-client"
if not (CLIENT_DIR / "valuecalc_client").is_dir():
    pytest.skip(
        "no generated client: `make client-check` generates it and runs this test",
        allow_module_level=True,
    )
sys.path.insert(0, str(CLIENT_DIR))
client_package = importlib.import_module("valuecalc_client")
models = importlib.import_module("valuecalc_client.models")
api_package = importlib.import_module("valuecalc_client.api")


def _client(app: FastAPI, headers: dict[str, str]) -> Any:
    token = headers["Authorization"].removeprefix("Bearer ")
    generated = client_package.AuthenticatedClient(base_url="http://test", token=token)
    generated.set_async_httpx_client(
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://test",
            headers={"Authorization": f"Bearer {token}"},
        )
    )
    return generated


def _operation(module: str) -> Any:
    return importlib.import_module(f"valuecalc_client.api.{module}")


async def _v1_tracker(generated: Any) -> dict[str, str]:
    """Customer, tracker, active use case, V1 calculation and its three months."""
    customer = await _operation("customers.create_customer").asyncio(
        client=generated, body=models.CustomerCreate.from_dict({"name": "Northwind"})
    )
    tracker = await _operation("trackers.create_tracker").asyncio(
        client=generated,
        body=models.TrackerCreate.from_dict(
            {
                "customer_id": str(customer.id),
                "name": "Support automation 2026",
                "currency": "USD",
                "start_month": "2026-01",
                "end_month": "2026-12",
            }
        ),
    )
    assert isinstance(tracker, models.TrackerOut), tracker
    use_case = await _operation("trackers.create_use_case").asyncio(
        tracker.id,
        client=generated,
        body=models.UseCaseCreate.from_dict({"name": "Faster tickets", "status": "active"}),
    )
    calculation = await _operation("calculations.create_calculation").asyncio(
        use_case.id, client=generated, body=models.CalculationCreate.from_dict(SUPPORT_CALCULATION)
    )
    assert isinstance(calculation, models.CalculationOut), calculation
    rows = [
        {"calculation_id": str(calculation.id), "month": month, "value": value}
        for month, value in (("2026-01", "121"), ("2026-02", "130"), ("2026-03", "158"))
    ]
    written = await _operation("bulk_writes.bulk_tracker_measurements").asyncio_detailed(
        tracker.id,
        client=generated,
        body=models.BulkTrackerMeasurementsBody.from_dict({"rows": rows}),
    )
    assert written.status_code == 200, written.content
    return {
        "tracker_id": str(tracker.id),
        "use_case_id": str(use_case.id),
        "calculation_id": str(calculation.id),
        "customer_id": str(customer.id),
    }


async def test_the_generated_client_writes_and_reads_v1(app: FastAPI, tenant: Tenant) -> None:
    generated = _client(app, tenant.admin)
    ids = await _v1_tracker(generated)
    report = await _operation("reports.get_tracker_report").asyncio(
        uuid.UUID(ids["tracker_id"]), client=generated, as_of="2026-03"
    )
    assert isinstance(report, models.TrackerReportOut), report
    assert report.totals.realized == "109000.00"
    [use_case] = report.use_cases
    [calculation] = use_case.calculations
    assert calculation.benefit[:3] == ["21000.00", "30000.00", "58000.00"]
    csv = await _operation("reports.get_tracker_report_csv").asyncio_detailed(
        uuid.UUID(ids["tracker_id"]), client=generated, as_of="2026-03"
    )
    assert csv.status_code == 200
    assert "58000.00" in csv.content.decode()


async def _revenue_ledger(generated: Any) -> dict[str, list[Any]]:
    """One record of each ledger resource, written from its documented example through the
    generated client; the GET operations' positional arguments that address them."""
    from valuecalc_api.revenue.row_schemas import (
        ContractLineRow,
        FxRateRow,
        LeadRow,
        MovementRow,
        RenewalRow,
    )

    for external_id in ("crm-0042", "crm-0043"):
        customer = await _operation("customers.create_customer").asyncio_detailed(
            client=generated,
            body=models.CustomerCreate.from_dict(
                {"name": external_id, "external_id": external_id, "currency": "USD"}
            ),
        )
        assert customer.status_code == 201, customer.content
    examples = {
        row.__name__: row.model_json_schema()["examples"][0]
        for row in (MovementRow, RenewalRow, ContractLineRow, LeadRow, FxRateRow)
    }
    # Contract lines derive their own movements: they go to a customer of their own.
    examples["ContractLineRow"]["customer_external_id"] = "crm-0043"
    for operation, row in (
        ("create_movement", "MovementRow"),
        ("create_renewal", "RenewalRow"),
        ("create_contract_line", "ContractLineRow"),
        ("create_lead", "LeadRow"),
        ("create_fx_rate", "FxRateRow"),
    ):
        created = await _operation(f"revenue_ledger.{operation}").asyncio_detailed(
            client=generated, body=getattr(models, row).from_dict(examples[row])
        )
        assert created.status_code == 201, (operation, created.content)
    return {
        "get_movement": [examples["MovementRow"]["external_id"]],
        "get_renewal": [examples["RenewalRow"]["external_id"]],
        "get_contract_line": [examples["ContractLineRow"]["external_id"]],
        "get_lead": [examples["LeadRow"]["external_id"]],
        "get_fx_rate": [examples["FxRateRow"]["currency"], examples["FxRateRow"]["month"]],
    }


def _get_operations() -> list[tuple[str, Any]]:
    found = []
    for info in pkgutil.walk_packages(api_package.__path__, "valuecalc_client.api."):
        module = importlib.import_module(info.name)
        kwargs = getattr(module, "_get_kwargs", None)
        if kwargs is None or not hasattr(module, "asyncio_detailed"):
            continue
        source = inspect.getsource(kwargs)
        if '"method": "get"' in source:
            found.append((info.name.rsplit(".", 1)[1], module))
    return sorted(found, key=lambda item: item[0])


async def test_every_get_operation_answers_and_parses(app: FastAPI, tenant: Tenant) -> None:
    generated = _client(app, tenant.admin)
    ids = await _v1_tracker(generated)
    values: dict[str, Any] = {name: uuid.UUID(value) for name, value in ids.items()}
    values.update({"month": "2026-01", "key": "reps"})
    key_page = await _operation("organization.list_api_keys").asyncio(client=generated)
    values["key_id"] = key_page.items[0].id
    note = await _operation("notes.add_note").asyncio(
        values["calculation_id"],
        "2026-01",
        client=generated,
        body=models.NoteIn.from_dict({"text": "From the helpdesk export"}),
    )
    values["note_id"] = note.id
    evidence = await _operation("evidence.add_evidence").asyncio_detailed(
        values["calculation_id"],
        "2026-01",
        client=generated,
        body=models.PastedEvidenceIn.from_dict(
            {"kind": "pasted", "text": "week,tickets\n2026-02-02,131", "caption": "Export"}
        ),
    )
    assert evidence.status_code == 201, evidence.content
    values["evidence_id"] = evidence.parsed.id
    by_operation = await _revenue_ledger(generated)
    # Required query parameters of the revenue reads.
    keywords = {"at": datetime.date(2026, 3, 1), "start": "2026-01", "end": "2026-06"}
    answered = []
    for name, module in _get_operations():
        parameters = inspect.signature(module.asyncio_detailed).parameters
        positional = by_operation.get(name) or [
            values[p.name]
            for p in parameters.values()
            if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        ]
        required = {
            p.name: keywords[p.name]
            for p in parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
            and p.default is inspect.Parameter.empty
            and p.name != "client"
        }
        response = await module.asyncio_detailed(*positional, client=generated, **required)
        assert response.status_code == 200, (name, response.status_code, response.content[:300])
        if response.headers.get("content-type", "").startswith("application/json"):
            assert response.parsed is not None, name
            assert not isinstance(response.parsed, models.Problem), name
        answered.append(name)
    assert {"get_tracker_report", "get_tracker", "get_calculation", "list_trackers"} <= set(
        answered
    )
