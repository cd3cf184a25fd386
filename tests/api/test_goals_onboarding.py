"""Goals and onboarding milestones through the API (issue 14, SPEC 5)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    create_customer,
    create_tracker,
    create_use_case,
    expect,
    problem,
)
from valuecalc_api.models import Goal, OnboardingMilestones


def goal(n: int, status: str, due: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "customer_external_id": "crm-1",
        "external_id": f"g-{n}",
        "title": f"Goal {n}",
        "status": status,
        "due_on": due,
        **extra,
    }


GOALS = [
    goal(1, "achieved", "2026-02-01", achieved_on="2026-01-20"),
    goal(2, "missed", "2026-02-01"),
    goal(3, "in_progress", "2026-03-01"),  # overdue on 2026-03-10
    goal(4, "planned", "2026-06-01"),  # not due yet: not judged
]


async def test_goal_share_and_overdue_goals(client: httpx.AsyncClient, tenant: Tenant) -> None:
    customer = await create_customer(client, tenant.admin, name="Northwind", external_id="crm-1")
    tracker = await create_tracker(client, tenant.admin, customer["id"])
    use_case = await create_use_case(client, tenant.admin, tracker["id"])
    rows = [*GOALS[:3], {**GOALS[3], "use_case_id": use_case["id"]}]
    expect(await client.post("/v1/goals/bulk", json={"rows": rows}, headers=tenant.editor), 200)
    body = expect(
        await client.get(
            "/v1/goal-summary", params={"as_of_day": "2026-03-10"}, headers=tenant.viewer
        ),
        200,
    )
    assert body["book"]["share_achieved"] == "0.3333"
    assert (body["book"]["overdue"], body["book"]["goal_count"]) == (1, 4)
    assert [g["external_id"] for g in body["overdue"]] == ["g-3"]
    assert body["customers"][0]["name"] == "Northwind"
    csv = await client.get(
        "/v1/goal-summary.csv", params={"as_of_day": "2026-03-10"}, headers=tenant.viewer
    )
    assert csv.text.splitlines()[1].endswith(",0.3333")


async def test_goal_rows_are_checked(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    other_customer = await create_customer(client, other_tenant.admin, external_id="crm-9")
    other_tracker = await create_tracker(client, other_tenant.admin, other_customer["id"])
    foreign = await create_use_case(client, other_tenant.admin, other_tracker["id"])
    rows = [
        *GOALS,
        goal(5, "achieved", None),  # no achieved_on
        goal(6, "won", None),
        goal(7, "planned", None, use_case_id=foreign["id"]),
        goal(8, "achieved", None, achieved_on="2999-01-01"),
    ]
    body = problem(
        await client.post("/v1/goals/bulk", json={"rows": rows}, headers=tenant.editor), 422
    )
    assert sorted({e["row"] for e in body["errors"]}) == [4, 5, 6, 7]
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(Goal)) == 0
    created = expect(await client.post("/v1/goals", json=GOALS[0], headers=tenant.editor), 201)
    updated = expect(
        await client.post("/v1/goals", json={**GOALS[0], "title": "New"}, headers=tenant.editor),
        200,
    )
    assert (updated["id"], updated["title"]) == (created["id"], "New")
    problem(await client.post("/v1/goals", json=GOALS[0], headers=tenant.viewer), 403)
    problem(await client.get(f"/v1/goals/{created['id']}", headers=other_tenant.admin), 404)
    listed = expect(await client.get("/v1/goals", headers=tenant.viewer), 200)
    assert [g["id"] for g in listed["items"]] == [created["id"]]


def milestones(
    customer: str, kickoff: str, live: str | None, value: str | None = None
) -> dict[str, Any]:
    return {
        "customer_external_id": customer,
        "kickoff_on": kickoff,
        "go_live_on": live,
        "first_value_on": value,
    }


async def test_median_time_to_onboard_is_52_5_and_still_onboarding_apart(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    for n in range(5):
        await create_customer(client, tenant.admin, name=f"C{n}", external_id=f"crm-{n}")
    rows = [
        milestones("crm-0", "2026-01-01", "2026-01-31", "2026-01-20"),  # 30 days
        milestones("crm-1", "2026-01-01", "2026-02-15"),  # 45
        milestones("crm-2", "2026-01-01", "2026-03-02"),  # 60
        milestones("crm-3", "2026-01-01", "2026-04-01"),  # 90
        milestones("crm-4", "2026-05-01", None),  # still onboarding
    ]
    expect(
        await client.post(
            "/v1/onboarding-milestones/bulk", json={"rows": rows}, headers=tenant.editor
        ),
        200,
    )
    body = expect(
        await client.get(
            "/v1/onboarding", params={"as_of_day": "2026-06-30"}, headers=tenant.viewer
        ),
        200,
    )
    (everyone,) = body["cohorts"]
    assert everyone["time_to_onboard"]["median"] == "52.5"
    assert everyone["time_to_onboard"]["count"] == 4
    assert everyone["time_to_first_value"]["median"] == "19.0"
    assert everyone["still_onboarding"] == 1
    still = next(c for c in body["customers"] if c["name"] == "C4")
    assert (still["still_onboarding"], still["days_so_far"], still["days_to_onboard"]) == (
        True,
        60,
        None,
    )
    by_month = expect(
        await client.get(
            "/v1/onboarding",
            params={"as_of_day": "2026-06-30", "cohort_by": "kickoff_month"},
            headers=tenant.viewer,
        ),
        200,
    )
    assert [c["key"] for c in by_month["cohorts"]] == ["2026-01", "2026-05"]
    csv = await client.get(
        "/v1/onboarding.csv", params={"as_of_day": "2026-06-30"}, headers=tenant.viewer
    )
    assert len(csv.text.splitlines()) == 6


async def test_milestones_are_checked_and_replaced(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    await create_customer(client, tenant.admin, external_id="crm-1")
    bad = [
        milestones("crm-1", "2026-03-01", "2026-02-01"),  # live before kickoff
    ]
    body = problem(
        await client.post(
            "/v1/onboarding-milestones/bulk", json={"rows": bad}, headers=tenant.editor
        ),
        422,
    )
    assert body["errors"][0]["code"] == "before_kickoff"
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(OnboardingMilestones)) == 0
    first = expect(
        await client.post(
            "/v1/onboarding-milestones",
            json=milestones("crm-1", "2026-01-01", None),
            headers=tenant.editor,
        ),
        201,
    )
    second = expect(
        await client.post(
            "/v1/onboarding-milestones",
            json=milestones("crm-1", "2026-01-01", "2026-02-01"),
            headers=tenant.editor,
        ),
        200,
    )
    assert (second["id"], second["go_live_on"]) == (first["id"], "2026-02-01")
    problem(
        await client.get(f"/v1/onboarding-milestones/{first['id']}", headers=other_tenant.admin),
        404,
    )
    assert (
        expect(await client.get("/v1/onboarding", headers=other_tenant.admin), 200)["customers"]
        == []
    )
