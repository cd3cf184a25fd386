"""Bulk measurement writes (SPEC 6 "Bulk endpoints"): validate all rows, report every bad row
by index, apply all or nothing, one audit event per changed row.

The 10,000-row tests are kept to three (each takes a second or two).
"""

from __future__ import annotations

import asyncio
import gc
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    create_calculation,
    create_customer,
    create_graph,
    create_tracker,
    create_use_case,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.app import tune_collector
from valuecalc_api.bulk_writes.schemas import BulkResult
from valuecalc_api.measurements import writes
from valuecalc_api.models import AuditEvent, Calculation, Measurement, Role, UseCase
from valuecalc_core.months import Month, Period

BIG_PERIOD = Period.parse("2022-01", "2030-04")  # 100 months


async def make_big_tracker(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant, external_id: str
) -> tuple[str, list[str]]:
    """A tracker over 100 months whose 100 calculations (50 use cases x 2) are inserted
    directly (creating them over HTTP would take most of the test); returns the tracker id
    and the calculations' keys."""
    customer = await create_customer(client, tenant.admin, external_id=external_id)
    tracker = await create_tracker(
        client,
        tenant.admin,
        customer["id"],
        start_month=str(BIG_PERIOD.first),
        end_month=str(BIG_PERIOD.last),
    )
    tracker_id = uuid.UUID(tracker["id"])
    keys = []
    for use_case_number in range(50):
        use_case = UseCase(
            organization_id=tenant.organization_id,
            tracker_id=tracker_id,
            name=f"Use case {use_case_number}",
            status="active",
            position=use_case_number,
        )
        session.add(use_case)
        await session.flush()
        for kind in ("handled", "resolved"):
            key = f"uc{use_case_number}-{kind}"
            keys.append(key)
            session.add(
                Calculation(
                    organization_id=tenant.organization_id,
                    tracker_id=tracker_id,
                    use_case_id=use_case.id,
                    key=key,
                    name=f"Tickets {kind}",
                    kind="cost_savings",
                    metric_name=f"tickets {kind} per day",
                    metric_unit="tickets/day",
                    baseline=Decimal(100),
                    direction="higher_is_better",
                    formula="improvement * 1000",
                )
            )
    await session.commit()
    return str(tracker_id), keys


def ten_thousand_rows(external_id: str, keys: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "customer_external_id": external_id,
            "calculation_key": key,
            "month": str(month),
            "value": f"{100 + n % 50}.{n % 10}",
        }
        for n, (key, month) in enumerate((key, month) for key in keys for month in BIG_PERIOD)
    ]


async def count_rows(session: AsyncSession, model: Any, *where: Any) -> int:
    await session.rollback()
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def measurement_events(session: AsyncSession) -> int:
    return await count_rows(session, AuditEvent, AuditEvent.entity_type == "measurement")


# --- 10,000 rows ---------------------------------------------------------------------


async def test_ten_thousand_rows_are_stored_once_and_a_retry_is_replayed(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    _, keys = await make_big_tracker(client, session, tenant, "crm-big")
    body = {"rows": ten_thousand_rows("crm-big", keys)}
    headers = {**tenant.editor, "Idempotency-Key": "nightly-2026-03-01"}

    first = await client.post("/v1/measurements/bulk", json=body, headers=headers)
    result = expect(first, 200)
    assert result["counts"] == {"created": 10_000, "updated": 0, "unchanged": 0, "deleted": 0}
    assert len(result["rows"]) == 10_000
    assert {row["status"] for row in result["rows"]} == {"created"}
    assert await count_rows(session, Measurement) == 10_000
    assert await measurement_events(session) == 10_000

    # The client timed out and retries with the same key: the first answer, nothing twice.
    retry = await client.post("/v1/measurements/bulk", json=body, headers=headers)
    assert retry.status_code == 200
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == result
    assert await count_rows(session, Measurement) == 10_000
    assert await measurement_events(session) == 10_000

    # Sent again without a key: every row is unchanged, nothing is bumped or audited.
    again = expect(
        await client.post("/v1/measurements/bulk", json=body, headers=tenant.editor), 200
    )
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 10_000, "deleted": 0}
    assert [row["id"] for row in again["rows"]] == [row["id"] for row in result["rows"]]
    assert await count_rows(session, Measurement, Measurement.version != 1) == 0
    assert await measurement_events(session) == 10_000


async def test_one_bad_row_among_ten_thousand_stores_nothing_and_is_named(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    _, keys = await make_big_tracker(client, session, tenant, "crm-big")
    rows = ten_thousand_rows("crm-big", keys)
    rows[7_777]["value"] = "1,5"

    response = await client.post(
        "/v1/measurements/bulk", json={"rows": rows}, headers=tenant.editor
    )

    body = problem(response, 422, "validation-error")
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (7_777, "value", "invalid_decimal")
    ]
    assert "'1,5'" in body["errors"][0]["message"]
    assert "nothing was written" in body["detail"]
    assert await count_rows(session, Measurement) == 0
    assert await measurement_events(session) == 0


async def test_two_concurrent_requests_with_one_key_write_once(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    _, keys = await make_big_tracker(client, session, tenant, "crm-big")
    body = {"rows": ten_thousand_rows("crm-big", keys)}
    headers = {**tenant.editor, "Idempotency-Key": "same-key-twice"}

    answers = await asyncio.gather(
        client.post("/v1/measurements/bulk", json=body, headers=headers),
        client.post("/v1/measurements/bulk", json=body, headers=headers),
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses in ([200, 200], [200, 409]), statuses
    ran = [a for a in answers if a.status_code == 200 and "idempotent-replayed" not in a.headers]
    assert len(ran) == 1
    assert await count_rows(session, Measurement) == 10_000
    assert await measurement_events(session) == 10_000


# --- semantics of a row ----------------------------------------------------------------


async def audit_of(session: AsyncSession, entity_id: str) -> list[AuditEvent]:
    await session.rollback()
    events = await session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_id == uuid.UUID(entity_id))
        .order_by(AuditEvent.seq)
    )
    return list(events.all())


async def test_rows_create_update_keep_and_remove_with_one_audit_event_per_change(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    for month, value in (("2026-03", "158"), ("2026-04", "160"), ("2026-05", "161")):
        expect(await put_measurement(client, tenant.editor, calc, month, value), 201)
    ids = {str(m.month): str(m.id) for m in (await session.scalars(select(Measurement))).all()}
    await session.rollback()
    events_before = await measurement_events(session)

    response = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
        json={
            "rows": [
                {"calculation_id": calc, "month": "2026-01", "value": "121"},
                {"calculation_id": calc, "month": "2026-03", "value": "158.5", "estimate": True},
                {
                    "calculation_key": "ticket-handling",
                    "month": "2026-04",
                    "value": "160.0",
                    "source": "manual",
                },
                {"calculation_id": calc, "month": "2026-05", "value": None},
                {"calculation_id": calc, "month": "2026-06", "value": None},
            ]
        },
        headers=tenant.editor,
    )

    result = expect(response, 200)
    BulkResult.model_validate(result)  # the documented response shape
    assert result["counts"] == {"created": 1, "updated": 1, "unchanged": 2, "deleted": 1}
    assert [(r["month"], r["status"]) for r in result["rows"]] == [
        ("2026-01", "created"),
        ("2026-03", "updated"),
        ("2026-04", "unchanged"),  # 160.0 == 160 with the same flag and source
        ("2026-05", "deleted"),
        ("2026-06", "unchanged"),  # nothing to remove
    ]
    assert [r["id"] for r in result["rows"][1:4]] == [
        ids["2026-03"],
        ids["2026-04"],
        ids["2026-05"],
    ]
    assert result["rows"][4]["id"] is None
    stored = {
        str(m.month): m
        for m in (
            await session.scalars(select(Measurement).execution_options(populate_existing=True))
        ).all()
    }
    assert sorted(stored) == ["2026-01", "2026-03", "2026-04"]
    assert (stored["2026-01"].value, stored["2026-01"].source, stored["2026-01"].version) == (
        Decimal("121"),
        "import",
        1,
    )
    assert (stored["2026-03"].value, stored["2026-03"].estimate, stored["2026-03"].version) == (
        Decimal("158.5"),
        True,
        2,
    )
    assert stored["2026-04"].version == 1
    assert await measurement_events(session) == events_before + 3

    created = (await audit_of(session, result["rows"][0]["id"]))[-1]
    assert (created.action, created.before, created.month) == (
        "create",
        None,
        Month.parse("2026-01"),
    )
    assert created.after == {
        "id": result["rows"][0]["id"],
        "calculation_id": calc,
        "month": "2026-01",
        "value": "121",
        "estimate": False,
        "source": "import",
        "version": 1,
    }
    assert str(created.tracker_id) == graph.tracker["id"]
    assert str(created.calculation_id) == calc
    march_events = await audit_of(session, ids["2026-03"])
    put_by_hand, updated = march_events[0], march_events[-1]  # single-row PUT, then bulk
    assert put_by_hand.after is not None
    assert updated.after is not None
    assert set(updated.after) == set(put_by_hand.after)  # the same state, however written
    assert updated.action == "update"
    assert updated.before is not None
    assert updated.after is not None
    assert (updated.before["value"], updated.before["estimate"], updated.before["version"]) == (
        "158",
        False,
        1,
    )
    assert (updated.after["value"], updated.after["estimate"], updated.after["version"]) == (
        "158.5",
        True,
        2,
    )
    removed = (await audit_of(session, ids["2026-05"]))[-1]
    assert (removed.action, removed.after) == ("delete", None)
    assert removed.before is not None
    assert (removed.before["value"], removed.before["month"]) == ("161", "2026-05")


async def test_every_bad_row_is_reported_at_once(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    rows: list[dict[str, Any]] = [
        {"calculation_id": calc, "month": "2026-01", "value": "121"},  # fine
        {"calculation_id": calc, "month": "2026-02", "value": 130.5},  # a float
        {"calculation_id": calc, "month": "March", "value": "1"},
        {"calculation_id": calc, "month": "2026-04"},  # value missing (null must be explicit)
        {"calculation_id": calc, "month": "2027-01", "value": "1"},  # after the period
        {"calculation_id": str(uuid.uuid4()), "month": "2026-05", "value": "1"},
        {"calculation_key": "no-such-key", "month": "2026-05", "value": "1"},
        {"calculation_id": calc, "month": "2026-01", "value": "122"},  # repeats row 0
        {
            "calculation_id": calc,
            "calculation_key": "ticket-handling",
            "month": "2026-06",
            "value": "1",
        },
        {"calculation_id": calc, "month": "2026-07", "value": "1", "colour": "red"},
        {"calculation_id": calc, "month": "2026-08", "value": "1", "source": ""},
        {
            "customer_external_id": "crm-other",
            "calculation_key": "ticket-handling",
            "month": "2026-09",
            "value": "1",
        },
        {"calculation_id": calc, "tracker_id": str(uuid.uuid4()), "month": "2026-10", "value": "1"},
    ]

    response = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
        json={"rows": rows},
        headers=tenant.editor,
    )

    errors = problem(response, 422, "validation-error")["errors"]
    assert [(e["row"], e["field"], e["code"]) for e in errors] == [
        (1, "value", "invalid_decimal"),
        (2, "month", "invalid_month"),
        (3, "value", "missing"),
        (4, "month", "month_outside_period"),
        (5, "calculation_id", "calculation_not_found"),
        (6, "calculation_key", "calculation_not_found"),
        (7, "month", "duplicate_row"),
        (8, "calculation_key", "address_conflict"),
        (9, "colour", "extra_forbidden"),
        (10, "source", "string_too_short"),
        (11, "customer_external_id", "customer_mismatch"),
        (12, "tracker_id", "tracker_mismatch"),
    ]
    assert errors[6]["duplicate_of"] == 0
    assert "2026-01..2026-12" in errors[3]["message"]
    assert await count_rows(session, Measurement) == 0


async def test_the_row_count_is_limited(client: httpx.AsyncClient, tenant: Tenant) -> None:
    graph = await create_graph(client, tenant.admin)
    url = f"/v1/trackers/{graph.tracker['id']}/measurements/bulk"
    row = {"calculation_id": graph.calculation_id, "month": "2026-01", "value": "1"}

    too_many = problem(
        await client.post(url, json={"rows": [row] * 10_001}, headers=tenant.editor), 422
    )
    assert too_many["errors"][0]["field"] == "rows"
    assert "10,000" in too_many["errors"][0]["message"]
    empty = problem(await client.post(url, json={"rows": []}, headers=tenant.editor), 422)
    assert empty["errors"][0]["field"] == "rows"
    assert empty["errors"][0]["code"] == "too_short"
    not_rows = problem(await client.post(url, json=[row], headers=tenant.editor), 422)
    assert not_rows["errors"][0]["field"] == "body"


# --- addressing by stable keys ---------------------------------------------------------


async def test_rows_addressed_by_external_id_find_the_tracker_of_their_month(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    customer = await create_customer(client, tenant.admin, external_id="crm-0042")
    trackers = {}
    for year in ("2025", "2026"):
        tracker = await create_tracker(
            client, tenant.admin, customer["id"], start_month=f"{year}-01", end_month=f"{year}-12"
        )
        use_case = await create_use_case(client, tenant.admin, tracker["id"])
        trackers[year] = await create_calculation(client, tenant.admin, use_case["id"])
    row = {"customer_external_id": "crm-0042", "calculation_key": "ticket-handling"}

    response = await client.post(
        "/v1/measurements/bulk",
        json={
            "rows": [
                {**row, "month": "2025-06", "value": "120"},
                {**row, "month": "2026-03", "value": "158"},
            ]
        },
        headers=tenant.editor,
    )

    result = expect(response, 200)
    assert [r["calculation_id"] for r in result["rows"]] == [
        trackers["2025"]["id"],
        trackers["2026"]["id"],
    ]
    assert await count_rows(session, Measurement) == 2


async def test_unknown_and_ambiguous_keys_are_reported_per_row(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    customer = await create_customer(client, tenant.admin, external_id="crm-0042")
    calculations = []
    for start, end in (("2026-01", "2026-12"), ("2026-07", "2027-06")):  # overlapping renewal
        tracker = await create_tracker(
            client, tenant.admin, customer["id"], start_month=start, end_month=end
        )
        use_case = await create_use_case(client, tenant.admin, tracker["id"])
        calculations.append(await create_calculation(client, tenant.admin, use_case["id"]))
    await create_customer(client, tenant.admin, name="No trackers", external_id="crm-empty")
    row = {"customer_external_id": "crm-0042", "calculation_key": "ticket-handling"}
    rows = [
        {**row, "month": "2026-03", "value": "1"},  # only the first tracker: fine
        {**row, "month": "2026-08", "value": "1"},  # both trackers
        {**row, "month": "2026-08", "value": "1", "tracker_id": calculations[1]["tracker_id"]},
        {**row, "customer_external_id": "crm-nobody", "month": "2026-03", "value": "1"},
        {**row, "customer_external_id": "crm-empty", "month": "2026-03", "value": "1"},
        {**row, "calculation_key": "churn-risk", "month": "2026-03", "value": "1"},
        {**row, "month": "2028-01", "value": "1"},
        {"calculation_key": "ticket-handling", "month": "2026-03", "value": "1"},
        {**row, "tracker_id": str(uuid.uuid4()), "month": "2026-03", "value": "1"},
    ]

    response = await client.post(
        "/v1/measurements/bulk", json={"rows": rows}, headers=tenant.editor
    )

    errors = problem(response, 422, "validation-error")["errors"]
    assert [(e["row"], e["field"], e["code"]) for e in errors] == [
        (1, "tracker_id", "ambiguous_tracker"),
        (3, "customer_external_id", "customer_not_found"),
        (4, "customer_external_id", "customer_not_found"),
        (5, "calculation_key", "calculation_not_found"),
        (6, "month", "month_outside_period"),
        (7, "customer_external_id", "missing"),
        (8, "tracker_id", "tracker_not_found"),
    ]
    assert sorted(errors[0]["candidate_tracker_ids"]) == sorted(
        c["tracker_id"] for c in calculations
    )
    assert "crm-0042" in errors[0]["message"]
    assert await count_rows(session, Measurement) == 0

    fixed = [rows[0], rows[2]]
    result = expect(
        await client.post("/v1/measurements/bulk", json={"rows": fixed}, headers=tenant.editor),
        200,
    )
    assert [r["calculation_id"] for r in result["rows"]] == [
        calculations[0]["id"],
        calculations[1]["id"],
    ]


# --- locks and access ------------------------------------------------------------------


async def test_a_row_in_a_locked_month_refuses_the_request_and_leaves_no_trace(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    expect(await put_measurement(client, tenant.editor, calc, "2026-02", "130"), 201)
    tracker_url = f"/v1/trackers/{graph.tracker['id']}"
    expect(
        await client.put(f"{tracker_url}/lock", json={"through": "2026-03"}, headers=tenant.admin),
        200,
    )
    events_before = await measurement_events(session)
    rows = [
        {"calculation_id": calc, "month": "2026-02", "value": "130"},  # unchanged: fine
        {"calculation_id": calc, "month": "2026-03", "value": "158"},  # locked
        {"calculation_id": calc, "month": "2026-04", "value": "160"},
        {"calculation_id": calc, "month": "2026-01", "value": None},  # nothing there: fine
    ]

    response = await client.post(
        f"{tracker_url}/measurements/bulk", json={"rows": rows}, headers=tenant.editor
    )

    body = problem(response, 423, "month-locked")
    assert [(e["row"], e["field"], e["code"], e["locked_through"]) for e in body["errors"]] == [
        (1, "month", "month_locked", "2026-03")
    ]
    assert await count_rows(session, Measurement) == 1
    assert await measurement_events(session) == events_before

    # With another bad row too, the lock is one of the problems of a 422.
    rows[2]["value"] = "abc"
    mixed = problem(
        await client.post(
            f"{tracker_url}/measurements/bulk", json={"rows": rows}, headers=tenant.editor
        ),
        422,
    )
    assert [(e["row"], e["code"]) for e in mixed["errors"]] == [
        (1, "month_locked"),
        (2, "invalid_decimal"),
    ]

    rows = [rows[0], rows[3], {"calculation_id": calc, "month": "2026-04", "value": "160"}]
    result = expect(
        await client.post(
            f"{tracker_url}/measurements/bulk", json={"rows": rows}, headers=tenant.editor
        ),
        200,
    )
    assert result["counts"] == {"created": 1, "updated": 0, "unchanged": 2, "deleted": 0}


async def test_viewers_other_organizations_and_limited_keys_cannot_write(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant, other_tenant: Tenant
) -> None:
    mine = await create_graph(client, tenant.admin)
    customer = await create_customer(client, tenant.admin, name="Keyed", external_id="crm-1")
    tracker = await create_tracker(client, tenant.admin, customer["id"])
    await create_calculation(
        client, tenant.admin, (await create_use_case(client, tenant.admin, tracker["id"]))["id"]
    )
    other = await create_graph(client, tenant.admin)
    theirs = await create_graph(client, other_tenant.admin)
    url = f"/v1/trackers/{mine.tracker['id']}/measurements/bulk"
    row = {"calculation_id": mine.calculation_id, "month": "2026-01", "value": "1"}

    problem(await client.post(url, json={"rows": [row]}, headers=tenant.viewer), 403)
    problem(
        await client.post("/v1/measurements/bulk", json={"rows": [row]}, headers=tenant.viewer), 403
    )
    problem(await client.post(url, json={"rows": [row]}, headers=other_tenant.editor), 404)
    foreign = {"calculation_id": theirs.calculation_id, "month": "2026-01", "value": "1"}
    errors = problem(
        await client.post("/v1/measurements/bulk", json={"rows": [foreign]}, headers=tenant.editor),
        422,
    )["errors"]
    assert [(e["row"], e["code"]) for e in errors] == [(0, "calculation_not_found")]

    limited = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(other.tracker["id"])])
    problem(await client.post(url, json={"rows": [row]}, headers=limited), 404)
    by_keys = {
        "customer_external_id": "crm-1",
        "calculation_key": "ticket-handling",
        "month": "2026-01",
        "value": "1",
    }
    errors = problem(
        await client.post("/v1/measurements/bulk", json={"rows": [row, by_keys]}, headers=limited),
        422,
    )["errors"]
    assert [(e["row"], e["code"]) for e in errors] == [
        (0, "calculation_not_found"),
        (1, "customer_not_found"),
    ]
    assert await count_rows(session, Measurement) == 0


async def test_a_row_written_by_someone_else_meanwhile_refuses_the_request(
    client: httpx.AsyncClient,
    session: AsyncSession,
    tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If a month planned as new turns out to exist when written (another request created
    it between our read and our write), nothing is written and the client is told to retry."""
    graph = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    expect(await put_measurement(client, tenant.editor, calc, "2026-03", "158"), 201)
    events_before = await measurement_events(session)

    async def nothing_stored(*args: Any, **kwargs: Any) -> dict[Any, Any]:
        return {}  # as if the read had happened before the other request's commit

    monkeypatch.setattr(writes, "existing_measurements", nothing_stored)
    response = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
        json={
            "rows": [
                {"calculation_id": calc, "month": "2026-02", "value": "130"},
                {"calculation_id": calc, "month": "2026-03", "value": "160"},
            ]
        },
        headers={**tenant.editor, "Idempotency-Key": "retry-me"},
    )

    problem(response, 503, "concurrent-write")
    assert response.headers["retry-after"] == "1"
    assert await count_rows(session, Measurement) == 1
    assert await measurement_events(session) == events_before
    monkeypatch.undo()
    retried = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
        json={
            "rows": [
                {"calculation_id": calc, "month": "2026-02", "value": "130"},
                {"calculation_id": calc, "month": "2026-03", "value": "160"},
            ]
        },
        headers={**tenant.editor, "Idempotency-Key": "retry-me"},
    )
    assert expect(retried, 200)["counts"] == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "deleted": 0,
    }


def test_startup_tunes_the_collector_without_switching_it_off() -> None:
    """Bulk requests rely on a rarer young-generation pass set once at startup
    (`app.tune_collector`), not on pausing the collector: cycles are still collected."""
    gc.set_threshold(700, 10, 10)
    tune_collector()
    assert gc.isenabled()
    assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_freeze_count() > 0


async def test_if_version_keeps_a_concurrent_edit_from_being_overwritten(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    url = f"/v1/trackers/{graph.tracker['id']}/measurements/bulk"
    read = expect(await put_measurement(client, tenant.editor, calc, "2026-03", "158"), 201)
    assert read["version"] == 1
    # Someone else corrects March after the integration read it.
    expect(await put_measurement(client, tenant.editor, calc, "2026-03", "160"), 200)
    events = await measurement_events(session)

    stale = await client.post(
        url,
        json={
            "rows": [
                {"calculation_id": calc, "month": "2026-02", "value": "150", "if_version": 0},
                {"calculation_id": calc, "month": "2026-03", "value": "159", "if_version": 1},
            ]
        },
        headers=tenant.editor,
    )
    body = problem(stale, 412, "precondition-failed")
    assert body["errors"] == [
        {
            "row": 1,
            "field": "if_version",
            "code": "version_mismatch",
            "message": "This month is at version 2, not 1: it changed since it was read. "
            "Read it again and resend the row.",
            "current_version": 2,
        }
    ]
    stored = {
        str(m.month): (m.value, m.version)
        for m in (await session.scalars(select(Measurement))).all()
    }
    await session.rollback()
    assert stored == {"2026-03": (Decimal("160"), 2)}  # the other edit survives, no February
    assert await measurement_events(session) == events

    fresh = await client.post(
        url,
        json={
            "rows": [
                {"calculation_id": calc, "month": "2026-02", "value": "150", "if_version": 0},
                {"calculation_id": calc, "month": "2026-03", "value": "159", "if_version": 2},
            ]
        },
        headers=tenant.editor,
    )
    assert expect(fresh, 200)["counts"] == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "deleted": 0,
    }


async def test_a_stale_row_among_invalid_ones_is_a_422_naming_both(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    graph = await create_graph(client, tenant.admin)
    calc = graph.calculation_id
    response = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
        json={
            "rows": [
                {"calculation_id": calc, "month": "2026-02", "value": "150", "if_version": 3},
                {"calculation_id": calc, "month": "2026-03", "value": 1.5},
                {"calculation_id": calc, "month": "2026-04", "value": "1", "if_version": -1},
            ]
        },
        headers=tenant.editor,
    )
    body = problem(response, 422, "validation-error")
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (0, "if_version", "version_mismatch"),
        (1, "value", "invalid_decimal"),
        (2, "if_version", "greater_than_equal"),
    ]
    assert body["errors"][0]["current_version"] == 0
