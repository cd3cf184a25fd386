"""The raw signal lists as CSV and each signal record's audit trail (issue 14: "for every
signal: audit trail; cursor lists; JSON and CSV"), on real PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_customer, create_tracker, expect, problem
from valuecalc_api.models import AuditEvent, Role

DANA = {"Valuecalc-Actor": "u_dana", "Valuecalc-Actor-Name": "Dana Reyes"}
LEE = {"Valuecalc-Actor": "u_lee"}


def survey(n: int, score: int, customer: str = "crm-1", **extra: Any) -> dict[str, Any]:
    return {
        "customer_external_id": customer,
        "external_id": f"nps-{n}",
        "respondent": f"person-{n}@example.com",
        "answered_on": f"2026-03-{n % 28 + 1:02d}",
        "kind": "nps",
        "score": score,
        **extra,
    }


def touch(n: int, customer: str = "crm-1") -> dict[str, Any]:
    return {
        "customer_external_id": customer,
        "external_id": f"t-{n}",
        "occurred_at": f"2026-03-{n % 28 + 1:02d}T10:00:00+00:00",
        "channel": "call",
        "direction": "inbound" if n % 2 else "outbound",
        "author": "@csm" if n == 0 else "csm@vendor.example",
    }


def goal(n: int, customer: str = "crm-1") -> dict[str, Any]:
    return {
        "customer_external_id": customer,
        "external_id": f"g-{n}",
        "title": f"=HYPERLINK(goal {n})" if n == 0 else f"Cut handling time {n}",
        "status": "in_progress",
        "due_on": "2026-06-30",
    }


def milestones(n: int, customer: str = "crm-1") -> dict[str, Any]:
    return {"customer_external_id": customer, "kickoff_on": f"2026-01-{n + 1:02d}"}


def _rows_of(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def _as_cell(value: Any) -> str:
    """What a JSON value looks like in a CSV cell (before any formula neutralizing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def _customers(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, Any]]:
    return [
        await create_customer(client, tenant.admin, name=f"Customer {n}", external_id=f"crm-{n}")
        for n in (1, 2)
    ]


# Every raw signal list with a CSV of its own, with rows for customers crm-1 and crm-2.
KINDS = {
    "survey-responses": [survey(n, n % 11, f"crm-{n % 2 + 1}") for n in range(7)],
    "touches": [touch(n, f"crm-{n % 2 + 1}") for n in range(7)],
    "goals": [goal(n, f"crm-{n % 2 + 1}") for n in range(7)],
    "onboarding-milestones": [milestones(n, f"crm-{n + 1}") for n in range(2)],
}


@pytest.mark.parametrize("kind", list(KINDS))
async def test_csv_rows_equal_the_json_records_page_by_page(
    client: httpx.AsyncClient, tenant: Tenant, kind: str
) -> None:
    customers = await _customers(client, tenant)
    expect(
        await client.post(f"/v1/{kind}/bulk", json={"rows": KINDS[kind]}, headers=tenant.editor),
        200,
    )
    for params in ({}, {"customer_id": customers[1]["id"]}):
        listed = expect(
            await client.get(f"/v1/{kind}", params={**params, "limit": 200}, headers=tenant.viewer),
            200,
        )
        response = await client.get(f"/v1/{kind}.csv", params=params, headers=tenant.viewer)
        rows = _rows_of(response)
        assert "Valuecalc-Next-Cursor" not in response.headers
        assert listed["items"], params
        assert [row["id"] for row in rows] == [item["id"] for item in listed["items"]]
        for row, item in zip(rows, listed["items"], strict=True):
            assert list(row) == list(item)
            for name, value in item.items():
                cell = _as_cell(value)
                neutralized = "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell
                assert row[name] == (neutralized if isinstance(value, str) else cell), name
    # Page by page, the cursor of one file leads to the next, as in the JSON list.
    first = await client.get(f"/v1/{kind}.csv", params={"limit": 1}, headers=tenant.viewer)
    cursor = first.headers["Valuecalc-Next-Cursor"]
    second = await client.get(
        f"/v1/{kind}.csv", params={"limit": 1, "cursor": cursor}, headers=tenant.viewer
    )
    json_pages = [
        expect(await client.get(f"/v1/{kind}", params={"limit": 1}, headers=tenant.viewer), 200),
        expect(
            await client.get(
                f"/v1/{kind}", params={"limit": 1, "cursor": cursor}, headers=tenant.viewer
            ),
            200,
        ),
    ]
    assert [_rows_of(first)[0]["id"], _rows_of(second)[0]["id"]] == [
        page["items"][0]["id"] for page in json_pages
    ]


async def test_survey_csv_takes_the_lists_filters_and_neutralizes_formulas(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await _customers(client, tenant)
    rows = [
        survey(1, 9, comment="=SUM(A1:A9)"),
        survey(2, 4, comment="-2 points, +1 call"),
        {**survey(3, 0), "kind": "renew_today", "score": None, "answer": "no"},
    ]
    expect(await client.post("/v1/survey-responses/bulk", json={"rows": rows}, headers=tenant.editor), 200)  # fmt: skip
    params = {"kind": "nps", "from": "2026-03-02", "to": "2026-03-03"}
    listed = expect(
        await client.get("/v1/survey-responses", params=params, headers=tenant.viewer), 200
    )
    found = _rows_of(
        await client.get("/v1/survey-responses.csv", params=params, headers=tenant.viewer)
    )
    assert [r["external_id"] for r in found] == [i["external_id"] for i in listed["items"]]
    # One bulk write shares one created_at: the list orders those rows by id.
    assert sorted((r["external_id"], r["score"], r["comment"]) for r in found) == [
        ("nps-1", "9", "'=SUM(A1:A9)"),
        ("nps-2", "4", "'-2 points, +1 call"),
    ]
    renew = _rows_of(
        await client.get(
            "/v1/survey-responses.csv", params={"kind": "renew_today"}, headers=tenant.viewer
        )
    )
    assert [(r["kind"], r["score"], r["answer"], r["excluded"]) for r in renew] == [
        ("renew_today", "", "no", "false")
    ]


@pytest.mark.parametrize("kind", list(KINDS))
async def test_csv_refuses_bad_filters_and_other_organizations_customers(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, kind: str
) -> None:
    customers = await _customers(client, tenant)
    path = f"/v1/{kind}.csv"
    problem(await client.get(path), 401)
    problem(
        await client.get(path, params={"customer_id": customers[0]["id"]}, headers=other_tenant.admin),
        404,
    )  # fmt: skip
    problem(
        await client.get(path, params={"customer_id": str(uuid.uuid4())}, headers=tenant.viewer),
        404,
    )
    for bad in ({"limit": 0}, {"limit": 10_001}, {"cursor": "nope"}, {"customer_id": "x"}):
        body = problem(await client.get(path, params=bad, headers=tenant.viewer), 422)
        assert body["errors"], bad
    if kind == "survey-responses":
        for bad in ({"kind": "stars"}, {"from": "2026-13-01"}):
            problem(await client.get(path, params=bad, headers=tenant.viewer), 422)


async def test_a_tracker_limited_key_gets_only_its_customers_rows_in_csv(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    seen, hidden = await _customers(client, tenant)
    tracker = await create_tracker(client, tenant.admin, seen["id"])
    expect(
        await client.post("/v1/touches/bulk", json={"rows": KINDS["touches"]}, headers=tenant.editor),
        200,
    )  # fmt: skip
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(tracker["id"])])
    rows = _rows_of(await client.get("/v1/touches.csv", headers=limited))
    assert {r["customer_id"] for r in rows} == {seen["id"]}
    assert len(rows) == 4
    problem(
        await client.get("/v1/touches.csv", params={"customer_id": hidden["id"]}, headers=limited),
        404,
    )


async def test_a_survey_answers_history_names_who_changed_what(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    await _customers(client, tenant)
    created = expect(
        await client.post(
            "/v1/survey-responses", json=survey(1, 9), headers={**tenant.editor, **DANA}
        ),
        201,
    )
    expect(
        await client.post(
            "/v1/survey-responses",
            json=survey(1, 3, comment="Support got slow"),
            headers={**tenant.editor, **LEE},
        ),
        200,
    )
    # Resending the same answer changes nothing and records nothing.
    expect(
        await client.post(
            "/v1/survey-responses",
            json=survey(1, 3, comment="Support got slow"),
            headers={**tenant.editor, **LEE},
        ),
        200,
    )
    expect(
        await client.post(
            "/v1/survey-responses/bulk",
            json={"rows": [survey(1, 3, comment="Support got slow", excluded=True,
                                  excluded_reason="Test answer")]},
            headers={**tenant.editor, **DANA},
        ),
        200,
    )  # fmt: skip
    path = f"/v1/survey-responses/{created['id']}/history"
    events = expect(await client.get(path, headers=tenant.viewer), 200)
    assert events["next_cursor"] is None
    got = [
        (
            e["action"],
            e["actor"]["id"],
            (e["before"] or {}).get("score"),
            e["after"]["score"],
            e["after"]["excluded"],
        )
        for e in events["items"]
    ]
    assert got == [
        ("update", "u_dana", 3, 3, True),
        ("update", "u_lee", 9, 3, False),
        ("create", "u_dana", None, 9, False),
    ]
    assert {e["entity_type"] for e in events["items"]} == {"survey_response"}
    assert {e["entity_id"] for e in events["items"]} == {created["id"]}
    assert events["items"][0]["before"]["excluded"] is False
    assert events["items"][0]["after"]["excluded_reason"] == "Test answer"
    assert events["items"][2]["actor"]["name"] == "Dana Reyes"
    # Only one person's changes.
    lee = expect(await client.get(path, params={"actor": "u_lee"}, headers=tenant.viewer), 200)
    assert [(e["action"], e["after"]["score"]) for e in lee["items"]] == [("update", 3)]
    # Another organization, a missing answer, a bad id or cursor.
    problem(await client.get(path, headers=other_tenant.admin), 404)
    problem(await client.get(path), 401)
    problem(
        await client.get(f"/v1/survey-responses/{uuid.uuid4()}/history", headers=tenant.viewer),
        404,
    )
    problem(await client.get("/v1/survey-responses/x/history", headers=tenant.viewer), 422)
    problem(await client.get(path, params={"cursor": "nope"}, headers=tenant.viewer), 422)
    problem(await client.get(path, params={"actor": "\u00e9"}, headers=tenant.viewer), 422)


async def test_history_pages_follow_the_cursor_without_gaps_or_repeats(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await _customers(client, tenant)
    # Seven versions of one touch (one create, six updates) and another touch's events.
    created = expect(await client.post("/v1/touches", json=touch(0), headers=tenant.editor), 201)
    expect(await client.post("/v1/touches", json=touch(1), headers=tenant.editor), 201)
    for n in range(6):
        expect(
            await client.post(
                "/v1/touches", json={**touch(0), "author": f"csm-{n}"}, headers=tenant.editor
            ),
            200,
        )
    path = f"/v1/touches/{created['id']}/history"
    seen: list[str] = []
    authors: list[str | None] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = expect(await client.get(path, params=params, headers=tenant.viewer), 200)
        pages += 1
        seen += [e["id"] for e in page["items"]]
        authors += [e["after"]["author"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    await session.rollback()
    stored = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_id == uuid.UUID(created["id"]))
    )
    assert len(seen) == len(set(seen)) == stored == 7
    assert authors == [*(f"csm-{n}" for n in reversed(range(6))), "@csm"]


@pytest.mark.parametrize("kind", ["touches", "goals", "onboarding-milestones"])
async def test_every_signal_record_has_a_history(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, kind: str
) -> None:
    await _customers(client, tenant)
    row = KINDS[kind][0]
    created = expect(await client.post(f"/v1/{kind}", json=row, headers=tenant.editor), 201)
    events = expect(
        await client.get(f"/v1/{kind}/{created['id']}/history", headers=tenant.viewer), 200
    )
    (event,) = events["items"]
    assert (event["action"], event["before"], event["entity_id"]) == (
        "create",
        None,
        created["id"],
    )
    stored = {k: v for k, v in row.items() if k != "customer_external_id"}
    assert {k: event["after"][k] for k in stored} == json.loads(json.dumps(stored))
    problem(
        await client.get(f"/v1/{kind}/{created['id']}/history", headers=other_tenant.admin), 404
    )


def usage_day(day: int, customer: str, active: int) -> dict[str, Any]:
    return {
        "customer_external_id": customer,
        "day": f"2026-03-{day:02d}",
        "active_users": active,
        "feature_actives": {"dashboards": active - 1, "alerts": 1},
    }


# Rows keyed by customer and date; their lists run by customer, then date.
DATED = {
    "usage-days": (
        "day",
        [usage_day(d, f"crm-{n}", 10 * n + d) for n in (1, 2) for d in (9, 2, 5)],
    ),
    "usage-months": (
        "month",
        [
            {"customer_external_id": f"crm-{n}", "month": m, "monthly_active_users": 40 + n}
            for n in (1, 2)
            for m in ("2026-02", "2026-01", "2026-03")
        ],
    ),
    "seat-counts": (
        "effective_on",
        [
            {"customer_external_id": f"crm-{n}", "effective_on": d, "seats": s}
            for n in (1, 2)
            for d, s in (("2026-02-01", 60), ("2026-01-01", None), ("2026-03-01", 75))
        ],
    ),
}


@pytest.mark.parametrize("kind", list(DATED))
async def test_usage_lists_run_by_customer_then_date_in_json_and_csv(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, kind: str
) -> None:
    customers = await _customers(client, tenant)
    column, rows = DATED[kind]
    expect(await client.post(f"/v1/{kind}/bulk", json={"rows": rows}, headers=tenant.editor), 200)
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = expect(await client.get(f"/v1/{kind}", params=params, headers=tenant.viewer), 200)
        pages += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    by_customer = {c["id"]: c["external_id"] for c in customers}
    got = [(by_customer[i["customer_id"]], i[column]) for i in pages]
    assert sorted(got) == sorted((r["customer_external_id"], r[column]) for r in rows)
    assert got == sorted(got, key=lambda pair: (customers[int(pair[0][-1]) - 1]["id"], pair[1]))
    assert len({i["id"] for i in pages}) == len(rows)
    # The CSV of the same list: the same records, the same values.
    csv_rows = _rows_of(await client.get(f"/v1/{kind}.csv", headers=tenant.viewer))
    assert [r["id"] for r in csv_rows] == [i["id"] for i in pages]
    for row, item in zip(csv_rows, pages, strict=True):
        assert list(row) == list(item)
        for name, value in item.items():
            expected_cell = (
                json.dumps(value, separators=(",", ":"))
                if isinstance(value, dict)
                else _as_cell(value)
            )
            assert row[name] == expected_cell, name
    # Filters: one customer, a date range; another organization's customer is 404.
    one = _rows_of(
        await client.get(
            f"/v1/{kind}.csv",
            params={"customer_id": customers[1]["id"], "from": "2026-02-01", "to": "2026-03-05"},
            headers=tenant.viewer,
        )
    )
    assert {r["customer_id"] for r in one} == {customers[1]["id"]}
    assert len(one) == 2
    for path in (f"/v1/{kind}", f"/v1/{kind}.csv"):
        problem(
            await client.get(
                path, params={"customer_id": customers[0]["id"]}, headers=other_tenant.admin
            ),
            404,
        )
        for bad in ({"cursor": "nope"}, {"from": "2026-02-30"}, {"limit": 0}):
            problem(await client.get(path, params=bad, headers=tenant.viewer), 422)
    others = expect(await client.get(f"/v1/{kind}", headers=other_tenant.admin), 200)
    assert others["items"] == []
    # Each row's history: its create, then the replacing push.
    first = pages[0]
    replaced = next(
        r for r in rows
        if r["customer_external_id"] == by_customer[first["customer_id"]]
        and r[column] == first[column]
    )  # fmt: skip
    changed = {**replaced, **({"seats": 99} if kind == "seat-counts" else {})}
    if kind == "usage-days":
        changed["active_users"] = 99
    if kind == "usage-months":
        changed["monthly_active_users"] = 99
    expect(
        await client.post(
            f"/v1/{kind}/bulk", json={"rows": [changed]}, headers={**tenant.editor, **LEE}
        ),
        200,
    )
    history = expect(
        await client.get(f"/v1/{kind}/{first['id']}/history", headers=tenant.viewer), 200
    )
    assert [(e["action"], e["actor"]["id"]) for e in history["items"]] == [
        ("update", "u_lee"),
        ("create", None),
    ]
    assert 99 in history["items"][0]["after"].values()
    problem(await client.get(f"/v1/{kind}/{first['id']}/history", headers=other_tenant.admin), 404)
