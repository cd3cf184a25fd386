"""Survey responses and scores through the API (issue 14, SPEC 5), on real PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import create_customer, create_tracker, expect, problem
from valuecalc_api.models import AuditEvent, Role, SurveyResponse

DAY = "2026-03-10"


def nps_row(index: int, score: int, customer: str = "crm-1", **extra: Any) -> dict[str, Any]:
    return {
        "customer_external_id": customer,
        "external_id": f"nps-{index}",
        "respondent": f"person-{index}@example.com",
        "answered_on": DAY,
        "kind": "nps",
        "score": score,
        **extra,
    }


async def _bulk(
    client: httpx.AsyncClient, headers: dict[str, str], rows: list[dict[str, Any]]
) -> httpx.Response:
    return await client.post("/v1/survey-responses/bulk", json={"rows": rows}, headers=headers)


async def _count(session: AsyncSession) -> int:
    await session.rollback()
    return (await session.scalar(select(func.count()).select_from(SurveyResponse))) or 0


WINDOW = {"from": "2026-01-01", "to": "2026-03-31"}


async def test_nps_of_ten_answers_is_30_with_distribution_and_margin(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1", segment="smb")
    scores = [10, 9, 9, 10, 9, 8, 7, 7, 3, 6]
    result = expect(
        await _bulk(client, tenant.editor, [nps_row(i, s) for i, s in enumerate(scores)]), 200
    )
    assert result["counts"] == {"created": 10, "updated": 0, "unchanged": 0}
    body = expect(
        await client.get(
            "/v1/survey-scores", params={"kind": "nps", **WINDOW}, headers=tenant.viewer
        ),
        200,
    )
    (group,) = body["groups"]
    assert group["score"] == "30.00"
    assert group["response_count"] == 10
    assert sum(d["count"] for d in group["distribution"]) == 10
    assert group["margin_of_error"] == "42.13"
    assert "promoters (9-10)" in body["definition_text"]
    assert body["window"] == {"first_day": "2026-01-01", "last_day": "2026-03-31"}
    by_segment = expect(
        await client.get(
            "/v1/survey-scores",
            params={"kind": "nps", "group_by": "segment", **WINDOW},
            headers=tenant.viewer,
        ),
        200,
    )
    assert [(g["key"], g["score"]) for g in by_segment["groups"]] == [("smb", "30.00")]
    csv = await client.get(
        "/v1/survey-scores.csv", params={"kind": "nps", **WINDOW}, headers=tenant.viewer
    )
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[1].split(",")[7] == "30.00"
    # The audit trail holds one event per stored response.
    await session.rollback()
    events = await session.scalar(
        select(func.count()).where(AuditEvent.entity_type == "survey_response")
    )
    assert events == 10


async def test_csat_ces_and_a_respondent_answering_twice(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    rows = [
        {**nps_row(i, s), "kind": "csat", "external_id": f"csat-{i}"}
        for i, s in enumerate([5, 4, 3, 1])
    ]
    rows += [
        {**nps_row(i, s), "kind": "ces", "external_id": f"ces-{i}"}
        for i, s in enumerate([7, 6, 5, 4, 1])
    ]
    # person-0 answered CSAT 1 earlier: only the latest answer (5) counts.
    rows.append(
        {**nps_row(0, 1), "kind": "csat", "external_id": "csat-old", "answered_on": "2026-02-01"}
    )
    expect(await _bulk(client, tenant.editor, rows), 200)

    async def score(kind: str) -> dict[str, Any]:
        body = expect(
            await client.get(
                "/v1/survey-scores", params={"kind": kind, **WINDOW}, headers=tenant.viewer
            ),
            200,
        )
        group: dict[str, Any] = body["groups"][0]
        return group

    csat = await score("csat")
    assert (csat["score"], csat["response_count"]) == ("50.00", 4)
    ces = await score("ces")
    assert (ces["score"], ces["response_count"]) == ("60.00", 5)


async def test_one_bad_row_in_10000_stores_nothing_and_names_the_row(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    rows = [nps_row(i, i % 11) for i in range(10_000)]
    rows[7321]["score"] = 11
    body = problem(await _bulk(client, tenant.editor, rows), 422, "validation-error")
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (7321, "score", "score_out_of_scale")
    ]
    assert await _count(session) == 0
    rows[7321]["score"] = 10
    first = expect(await _bulk(client, tenant.editor, rows), 200)
    assert first["counts"]["created"] == 10_000
    replay = expect(await _bulk(client, tenant.editor, rows), 200)
    assert replay["counts"] == {"created": 0, "updated": 0, "unchanged": 10_000}
    assert await _count(session) == 10_000


async def test_every_bad_row_is_named(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    rows = [
        nps_row(0, 9),
        {**nps_row(1, 3), "kind": "mood"},
        {**nps_row(2, 3), "answered_on": "2999-01-01"},
        {**nps_row(3, 3), "customer_external_id": "nobody"},
        {**nps_row(4, 0), "kind": "renew_today", "score": None, "answer": "maybe"},
        {**nps_row(5, 3), "score": "7"},
        nps_row(0, 10),  # external_id of row 0 again
    ]
    body = problem(await _bulk(client, tenant.editor, rows), 422, "validation-error")
    assert {(e["row"], e["code"]) for e in body["errors"]} >= {
        (1, "unknown_kind"),
        (2, "date_in_future"),
        (3, "customer_not_found"),
        (4, "unknown_answer"),
        (5, "int_type"),
    }
    assert await _count(session) == 0
    duplicate = problem(await _bulk(client, tenant.editor, [nps_row(0, 9), nps_row(0, 10)]), 422)
    assert duplicate["errors"][0]["row"] == 1
    assert duplicate["errors"][0]["duplicate_of"] == 0
    assert await _count(session) == 0


async def test_single_create_updates_by_external_id(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    created = expect(
        await client.post("/v1/survey-responses", json=nps_row(1, 9), headers=tenant.editor), 201
    )
    assert created["score"] == 9
    again = expect(
        await client.post("/v1/survey-responses", json=nps_row(1, 4), headers=tenant.editor), 200
    )
    assert (again["id"], again["score"]) == (created["id"], 4)
    bad = problem(
        await client.post("/v1/survey-responses", json=nps_row(2, 12), headers=tenant.editor), 422
    )
    assert bad["errors"][0]["field"] == "score"
    listed = expect(await client.get("/v1/survey-responses", headers=tenant.viewer), 200)
    assert [r["id"] for r in listed["items"]] == [created["id"]]
    expect(await client.get(f"/v1/survey-responses/{created['id']}", headers=tenant.viewer), 200)


async def test_auth_roles_and_other_organizations(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    customer = await create_customer(client, tenant.admin, external_id="crm-1")
    assert (await _bulk(client, {}, [nps_row(0, 9)])).status_code == 401
    problem(await _bulk(client, tenant.viewer, [nps_row(0, 9)]), 403)
    # Another organization's customer is unknown: its CRM id, its id, its responses.
    refused = problem(await _bulk(client, other_tenant.editor, [nps_row(0, 9)]), 422)
    assert refused["errors"][0]["code"] == "customer_not_found"
    created = expect(
        await client.post("/v1/survey-responses", json=nps_row(1, 9), headers=tenant.editor), 201
    )
    problem(
        await client.get(f"/v1/survey-responses/{created['id']}", headers=other_tenant.admin), 404
    )
    problem(
        await client.get(
            "/v1/survey-scores",
            params={"kind": "nps", "customer_id": customer["id"]},
            headers=other_tenant.admin,
        ),
        404,
    )
    others = expect(
        await client.get(
            "/v1/survey-scores", params={"kind": "nps", **WINDOW}, headers=other_tenant.admin
        ),
        200,
    )
    assert others["groups"][0]["response_count"] == 0
    assert others["groups"][0]["score"] is None
    assert await _count(session) == 1


async def test_a_tracker_limited_key_sees_only_its_trackers_customers(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    seen = await create_customer(client, tenant.admin, name="Seen", external_id="crm-1")
    await create_customer(client, tenant.admin, name="Hidden", external_id="crm-2")
    tracker = await create_tracker(client, tenant.admin, seen["id"])
    expect(
        await _bulk(client, tenant.editor, [nps_row(1, 10), nps_row(2, 0, customer="crm-2")]), 200
    )
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(tracker["id"])])
    body = expect(
        await client.get(
            "/v1/survey-scores",
            params={"kind": "nps", "group_by": "customer", **WINDOW},
            headers=limited,
        ),
        200,
    )
    assert [(g["label"], g["score"]) for g in body["groups"]] == [("Seen", "100.00")]
    listed = expect(await client.get("/v1/survey-responses", headers=limited), 200)
    assert [r["customer_id"] for r in listed["items"]] == [seen["id"]]
    writer = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(tracker["id"])])
    problem(await _bulk(client, writer, [nps_row(3, 9)]), 403)


async def test_customer_mean_series_and_windows(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    await create_customer(client, tenant.admin, external_id="crm-2")
    rows = [nps_row(i, 10) for i in range(3)] + [nps_row(9, 0, customer="crm-2")]
    rows.append({**nps_row(20, 0), "answered_on": "2026-01-15"})
    expect(await _bulk(client, tenant.editor, rows), 200)
    mean = expect(
        await client.get(
            "/v1/survey-scores",
            params={"kind": "nps", "definition": "customer_mean", **WINDOW},
            headers=tenant.viewer,
        ),
        200,
    )
    # crm-1: 3 promoters, 1 detractor = 50; crm-2: -100; mean -25.
    assert mean["groups"][0]["score"] == "-25.00"
    assert mean["groups"][0]["customer_count"] == 2
    assert mean["groups"][0]["margin_of_error"] is None
    series = expect(
        await client.get(
            "/v1/survey-scores/series",
            params={"kind": "nps", "interval": "month", **WINDOW},
            headers=tenant.viewer,
        ),
        200,
    )
    assert [(p["period"], p["score"], p["response_count"]) for p in series["points"]] == [
        ("2026-01", "-100.00", 1),
        ("2026-03", "50.00", 4),
    ]
    rolling = expect(
        await client.get(
            "/v1/survey-scores",
            params={"kind": "nps", "window_days": 30, "as_of_day": "2026-03-31"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert rolling["window"] == {"first_day": "2026-03-02", "last_day": "2026-03-31"}
    assert rolling["groups"][0]["response_count"] == 4
    problem(
        await client.get(
            "/v1/survey-scores", params={"kind": "nps", "from": "2026-01-01"}, headers=tenant.viewer
        ),
        422,
    )
    problem(
        await client.get(
            "/v1/survey-scores",
            params={"kind": "csat", "definition": "customer_mean"},
            headers=tenant.viewer,
        ),
        422,
    )


async def test_renew_today_counts_follow_ups_and_unavailable_arr(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    rows = [
        {
            **nps_row(i, 0),
            "kind": "renew_today",
            "score": None,
            "answer": answer,
            "comment": comment,
        }
        for i, (answer, comment) in enumerate(
            [("yes", None), ("no", "=HYPERLINK(price)"), ("unsure", "integration")]
        )
    ]
    expect(await _bulk(client, tenant.editor, rows), 200)
    body = expect(await client.get("/v1/renew-today", params=WINDOW, headers=tenant.viewer), 200)
    assert [(c["answer"], c["count"], c["arr"]) for c in body["counts"]] == [
        ("yes", 1, None),
        ("no", 1, None),
        ("unsure", 1, None),
    ]
    assert body["arr_unavailable_reason"] == (
        "The revenue ledger has no ARR for the customers that answered."
    )
    assert sorted(f["answer"] for f in body["follow_ups"]) == ["no", "unsure"]
    csv = await client.get("/v1/renew-today.csv", params=WINDOW, headers=tenant.viewer)
    assert "'=HYPERLINK(price)" in csv.text


async def test_survey_rows_are_checked_by_the_database_too(
    session: AsyncSession, tenant: Tenant
) -> None:
    """The CHECK constraint mirrors the scales, so no other path can store an NPS of 11."""
    customer_id = await session.scalar(
        text(
            "INSERT INTO customers (id, organization_id, name) "
            "VALUES (gen_random_uuid(), :o, 'x') RETURNING id"
        ),
        {"o": tenant.organization_id},
    )
    with pytest.raises(IntegrityError, match="answer_fits_kind"):
        await session.execute(
            text(
                "INSERT INTO survey_responses (id, organization_id, customer_id, external_id, "
                "respondent, answered_on, kind, score) VALUES (gen_random_uuid(), :o, :c, 'e', "
                "'r', '2026-01-01', 'nps', 11)"
            ),
            {"o": tenant.organization_id, "c": customer_id},
        )
    await session.rollback()


async def test_an_idempotent_bulk_retry_replays_and_stores_nothing_twice(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    headers = {**tenant.editor, "Idempotency-Key": "push-2026-03-10"}
    rows = [nps_row(i, 9) for i in range(3)]
    first = await _bulk(client, headers, rows)
    replay = await _bulk(client, headers, rows)
    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert await _count(session) == 3
    await session.rollback()
    events = await session.scalar(
        select(func.count()).where(AuditEvent.entity_type == "survey_response")
    )
    assert events == 3
    problem(await _bulk(client, headers, [nps_row(9, 1)]), 422, "idempotency-key-reused")
