"""Measurements as CSV: the template (download, fill in, import back), robust reading of
what spreadsheets produce, problems named by line and column, CSV injection."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    Graph,
    create_calculation,
    create_customer,
    create_tracker,
    create_use_case,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.bulk_writes.schemas import BulkResult
from valuecalc_api.models import AuditEvent, Measurement


async def keyed_graph(client: httpx.AsyncClient, tenant: Tenant, use_case_name: str) -> Graph:
    customer = await create_customer(client, tenant.admin, external_id="crm-0042")
    tracker = await create_tracker(client, tenant.admin, customer["id"])
    use_case = await create_use_case(client, tenant.admin, tracker["id"], name=use_case_name)
    calculation = await create_calculation(client, tenant.admin, use_case["id"])
    return Graph(customer, tracker, use_case, calculation)


async def stored(session: AsyncSession) -> dict[str, tuple[Decimal, bool, str]]:
    await session.rollback()
    rows = (await session.scalars(select(Measurement))).all()
    return {str(m.month): (m.value, m.estimate, m.source) for m in rows}


def import_csv(
    client: httpx.AsyncClient, tracker_id: str, headers: dict[str, str], content: bytes
) -> object:
    return client.post(
        f"/v1/trackers/{tracker_id}/measurements/import",
        content=content,
        headers={**headers, "Content-Type": "text/csv"},
    )


async def test_template_round_trip_download_fill_in_import(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await keyed_graph(client, tenant, "Faster ticket handling")
    calc = graph.calculation_id
    expect(await put_measurement(client, tenant.editor, calc, "2026-01", "121"), 201)
    tracker_id = graph.tracker["id"]

    download = await client.get(
        f"/v1/trackers/{tracker_id}/measurements/template.csv", headers=tenant.viewer
    )
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [line["month"] for line in table] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert table[0] == {
        "customer_external_id": "crm-0042",
        "use_case": "Faster ticket handling",
        "calculation_key": "ticket-handling",
        "calculation_name": "Support cost savings",
        "metric_name": "Avg. tickets handled per day",
        "metric_unit": "tickets/day",
        "month": "2026-01",
        "value": "121",
        "estimate": "false",
        "source": "manual",
    }
    assert table[1]["value"] == table[1]["estimate"] == table[1]["source"] == ""

    # The champion fills in February and March (March estimated) and saves the sheet.
    table[1]["value"] = "130"
    table[2]["value"] = "158"
    table[2]["estimate"] = "TRUE"
    filled = io.StringIO()
    writer = csv.DictWriter(filled, fieldnames=list(table[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table)

    response = await import_csv(client, tracker_id, tenant.editor, filled.getvalue().encode())

    result = expect(response, 200)
    BulkResult.model_validate(result)
    assert result["counts"] == {"created": 2, "updated": 0, "unchanged": 1, "deleted": 0}
    assert [(r["line"], r["status"]) for r in result["rows"]] == [
        (2, "unchanged"),
        (3, "created"),
        (4, "created"),
    ]
    assert await stored(session) == {
        "2026-01": (Decimal("121"), False, "manual"),
        "2026-02": (Decimal("130"), False, "import"),
        "2026-03": (Decimal("158"), True, "import"),
    }


async def test_bom_semicolons_crlf_and_quoted_fields_are_read(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await keyed_graph(client, tenant, "Faster ticket handling")
    content = (
        "\ufeffCustomer_External_ID;Calculation_Key;Calculation_Name;Month;Value;Estimate\r\n"
        'crm-0042;ticket-handling;"Savings; ""support""\r\nteam";2026-01;121;no\r\n'
        "\r\n"
        ";ticket-handling;;2026-02;;\r\n"
        'crm-0042;"ticket-handling";;2026-03;"158.25";yes\r\n'
    ).encode()

    result = expect(await import_csv(client, graph.tracker["id"], tenant.editor, content), 200)

    assert [(r["line"], r["month"], r["status"]) for r in result["rows"]] == [
        (2, "2026-01", "created"),
        (6, "2026-03", "created"),  # the quoted newline makes line 2 end on line 3
    ]
    assert await stored(session) == {
        "2026-01": (Decimal("121"), False, "import"),
        "2026-03": (Decimal("158.25"), True, "import"),
    }


async def test_bad_cells_are_named_by_line_and_column_and_nothing_is_stored(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await keyed_graph(client, tenant, "Faster ticket handling")
    content = (
        b"calculation_key,month,value,estimate\n"
        b"ticket-handling,2026-01,121,false\n"
        b'ticket-handling,2026-02,"1,5",false\n'
        b"ticket-handling,2026-03,=1+2,false\n"
        b'ticket-handling,2026-04,"=HYPERLINK(""http://evil.example"",""1"")",false\n'
        b"ticket-handling,Apr-26,140,false\n"
        b"ticket-handling,2026-05,141,maybe\n"
        b"unknown-calc,2026-06,142,\n"
        b"ticket-handling,2026-01,122,\n"
    )

    response = await import_csv(client, graph.tracker["id"], tenant.editor, content)

    body = problem(response, 422, "validation-error")
    assert [(e["line"], e["column"], e["code"]) for e in body["errors"]] == [
        (3, "value", "decimal_comma"),
        (4, "value", "invalid_decimal"),
        (5, "value", "invalid_decimal"),
        (6, "month", "invalid_month"),
        (7, "estimate", "invalid_boolean"),
        (8, "calculation_key", "calculation_not_found"),
        (9, "month", "duplicate_row"),
    ]
    assert "decimal point" in body["errors"][0]["message"]
    assert "'=1+2'" in body["errors"][1]["message"]  # refused as a number, never computed
    assert body["detail"] == "7 line(s) are invalid; nothing was written."
    assert await stored(session) == {}
    await session.rollback()
    audited = await session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "measurement")
    )
    assert audited.all() == []


async def test_a_formula_looking_use_case_name_is_neutralized_in_the_template(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await keyed_graph(client, tenant, '=HYPERLINK("http://evil.example","Click")')
    tracker_id = graph.tracker["id"]

    download = await client.get(
        f"/v1/trackers/{tracker_id}/measurements/template.csv", headers=tenant.viewer
    )

    table = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert table[0]["use_case"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert all(
        not cell.startswith(("=", "+", "-", "@")) for line in table for cell in line.values()
    )

    # The neutralized file still imports.
    table[0]["value"] = "121"
    filled = io.StringIO()
    writer = csv.DictWriter(filled, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    response = await import_csv(client, tracker_id, tenant.editor, filled.getvalue().encode())
    assert expect(response, 200)["counts"]["created"] == 1


async def test_multipart_upload_and_refusals(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant, other_tenant: Tenant
) -> None:
    graph = await keyed_graph(client, tenant, "Faster ticket handling")
    url = f"/v1/trackers/{graph.tracker['id']}/measurements/import"
    content = b"calculation_key;month;value\r\nticket-handling;2026-01;121\r\n"

    uploaded = await client.post(
        url, files={"file": ("march.csv", content, "text/csv")}, headers=tenant.editor
    )
    assert expect(uploaded, 200)["counts"]["created"] == 1

    problem(await import_csv(client, graph.tracker["id"], tenant.viewer, content), 403)
    problem(await import_csv(client, graph.tracker["id"], other_tenant.editor, content), 404)
    problem(
        await client.get(
            f"/v1/trackers/{graph.tracker['id']}/measurements/template.csv",
            headers=other_tenant.viewer,
        ),
        404,
    )
    problem(await client.post(url, json={"rows": []}, headers=tenant.editor), 415)
    no_value = problem(
        await import_csv(client, graph.tracker["id"], tenant.editor, b"calculation_key,month\n"),
        422,
    )
    assert [(e["line"], e["column"]) for e in no_value["errors"]] == [(1, "value")]
    latin1 = "calculation_key;month;value\nticket-handling;2026-02;12\u00e9\n".encode("latin-1")
    not_utf8 = problem(await import_csv(client, graph.tracker["id"], tenant.editor, latin1), 422)
    assert not_utf8["errors"][0]["code"] == "not_utf8"
    assert not_utf8["errors"][0]["line"] == 2
