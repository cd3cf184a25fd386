"""A customer's health score over HTTP: the worked example from real data, overrides,
undefined scores, versions, history and trend, the backtest, access."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.health_builders import create_profile, indicator, profile_body, record_pulse
from tests.api.value_tracking_builders import (
    create_customer,
    create_graph,
    expect,
    problem,
    put_measurement,
)
from valuecalc_api.models import AuditEvent, Role

# Pulse green (100) scores 80 with 100 points at 125; the tracker below realizes 232 % of its
# projection in 2026-01 (58,000 of 25,000), which scores 40 with 100 points at 580.
WORKED = [
    indicator("pulse", "50", "0", "125"),
    indicator("value_realization", "30", "0", "580"),
    indicator("nps", "20"),
]


async def _worked_customer(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    graph = await create_graph(client, headers)
    expect(await put_measurement(client, headers, graph.calculation_id, "2026-01", "158"), 201)
    await record_pulse(client, headers, graph.customer["id"], "green", "2026-01-15")
    return graph.customer


async def _score(
    client: httpx.AsyncClient, headers: dict[str, str], customer_id: str, **params: str
) -> dict[str, Any]:
    result: dict[str, Any] = expect(
        await client.get(f"/v1/customers/{customer_id}/health", params=params, headers=headers),
        200,
    )
    return result


async def test_the_worked_example_from_a_tracker_and_a_pulse_scores_65(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    customer = await _worked_customer(client, tenant.admin)
    portfolio = expect(
        await client.get(
            "/v1/reports/portfolio",
            params={"as_of": "2026-01", "customer_id": customer["id"]},
            headers=tenant.admin,
        ),
        200,
    )
    tracker = portfolio["trackers"][0]
    assert (tracker["realized"], tracker["projected"]) == ("58000.00", "25000.00")
    profile = await create_profile(client, tenant.admin, indicators=WORKED)
    score = await _score(client, tenant.viewer, customer["id"], as_of="2026-01-31")
    assert score["profile"] == {"id": profile["id"], "name": "Standard", "version": 1}
    assert (score["score"], score["band"], score["skipped"]) == ("65.00", "yellow", ["nps"])
    pulse, value, nps = score["indicators"]
    assert (pulse["value"], pulse["value_as_of"], pulse["points"]) == ("100", "2026-01-15", "80.00")
    assert (pulse["weight_share"], pulse["contribution"]) == ("0.6250", "50.00")
    assert Decimal(value["value"]) == Decimal(232)
    assert (value["points"], value["weight_share"], value["contribution"]) == (
        "40.00",
        "0.3750",
        "15.00",
    )
    assert (nps["points"], nps["missing_reason"]) == (None, "no_survey_answer")
    assert score["override"] is None
    again = await _score(client, tenant.viewer, customer["id"], as_of="2026-01-31")
    assert again == score


async def test_with_every_indicator_missing_the_score_is_undefined_never_0(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    customer = await create_customer(client, tenant.admin)
    await create_profile(client, tenant.admin, indicators=WORKED)
    score = await _score(client, tenant.admin, customer["id"], as_of="2026-01-31")
    assert (score["score"], score["band"]) == (None, None)
    assert score["undefined_reason"] == "no_indicator_has_a_value"
    assert [i["missing_reason"] for i in score["indicators"]] == [
        "no_pulse",
        "no_tracker",
        "no_survey_answer",
    ]


async def test_an_override_is_shown_beside_the_score_through_its_expiry_and_not_after(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    customer = await _worked_customer(client, tenant.admin)
    await create_profile(client, tenant.admin, indicators=WORKED)
    body = {
        "score": "30",
        "reason": "Executive sponsor left",
        "starts_on": "2026-01-20",
        "expires_on": "2026-02-10",
    }
    path = f"/v1/customers/{customer['id']}/health/overrides"
    created = expect(await client.post(path, json=body, headers=tenant.editor), 201)
    assert created["author"]["key_id"]
    on_expiry = await _score(client, tenant.admin, customer["id"], as_of="2026-02-10")
    assert on_expiry["override"]["score"] == "30"
    assert on_expiry["override"]["band"] == "red"
    assert on_expiry["score"] == "65.00"  # the computed score stays beside it
    after = await _score(client, tenant.admin, customer["id"], as_of="2026-02-11")
    assert after["override"] is None
    before = await _score(client, tenant.admin, customer["id"], as_of="2026-01-19")
    assert before["override"] is None
    listed = expect(await client.get(path, headers=tenant.viewer), 200)
    assert [o["id"] for o in listed] == [created["id"]]
    assert listed[0]["status"] == "expired"  # today is after 2026-02-10
    problem(await client.post(f"{path}/{created['id']}/end", headers=tenant.editor), 409)
    bad = await client.post(
        path, json={**body, "expires_on": "2026-01-01", "score": "101"}, headers=tenant.editor
    )
    assert sorted(e["field"] for e in problem(bad, 422)["errors"]) == ["expires_on", "score"]
    problem(await client.post(path, json=body, headers=tenant.viewer), 403)
    events = (
        await session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "health_override")
        )
    ).all()
    assert list(events) == ["create"]


async def test_ending_an_override_keeps_it_in_the_list_and_the_audit_trail(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    customer = await create_customer(client, tenant.admin)
    path = f"/v1/customers/{customer['id']}/health/overrides"
    body = {"score": "80", "reason": "Renewal signed", "expires_on": "2999-12-31"}
    created = expect(await client.post(path, json=body, headers=tenant.editor), 201)
    assert created["status"] == "in_force"
    ended = expect(await client.post(f"{path}/{created['id']}/end", headers=tenant.editor), 200)
    assert ended["status"] == "ended"
    assert ended["ended_by"] == created["author"]
    listed = expect(await client.get(path, headers=tenant.viewer), 200)
    assert [o["status"] for o in listed] == ["ended"]
    actions = (
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_type == "health_override")
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert list(actions) == ["create", "update"]


async def test_a_score_names_its_version_and_can_be_recomputed_under_an_old_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    customer = await _worked_customer(client, tenant.admin)
    profile = await create_profile(client, tenant.admin, indicators=WORKED)
    changed = profile_body(
        indicators=[indicator("pulse", "1"), *WORKED[1:]],
        bands={"yellow_from": "40", "green_from": "60"},
    )
    expect(
        await client.put(
            f"/v1/health-profiles/{profile['id']}", json=changed, headers=tenant.admin
        ),
        200,
    )
    now = await _score(client, tenant.admin, customer["id"], as_of="2026-01-31")
    # pulse 100 points x 1/31 + 40 x 30/31 = 41.935.. -> 41.94
    assert (now["profile"]["version"], now["score"]) == (2, "41.94")
    assert sum(Decimal(i["contribution"] or 0) for i in now["indicators"]) == Decimal("41.94")
    old = await _score(
        client,
        tenant.admin,
        customer["id"],
        as_of="2026-01-31",
        profile_id=profile["id"],
        version="1",
    )
    assert (old["profile"]["version"], old["score"]) == (1, "65.00")
    problem(
        await client.get(
            f"/v1/customers/{customer['id']}/health",
            params={"profile_id": profile["id"], "version": "9"},
            headers=tenant.admin,
        ),
        404,
    )


async def test_history_per_month_under_one_version_with_the_trend(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    customer = await create_customer(client, tenant.admin)
    await create_profile(client, tenant.admin)
    await record_pulse(client, tenant.admin, customer["id"], "red", "2026-01-10")
    await record_pulse(client, tenant.admin, customer["id"], "green", "2026-03-05")
    path = f"/v1/customers/{customer['id']}/health/history"
    history = expect(
        await client.get(
            path, params={"from": "2026-01-01", "to": "2026-03-31"}, headers=tenant.viewer
        ),
        200,
    )
    assert [(p["as_of_date"], p["score"]) for p in history["points"]] == [
        ("2026-01-31", "0.00"),
        ("2026-02-28", "0.00"),
        ("2026-03-31", "100.00"),
    ]
    assert history["profile"]["version"] == 1
    trend = history["trend"]
    assert (trend["previous_on"], trend["change"], trend["direction"]) == (
        "2026-02-28",
        "100.00",
        "up",
    )
    chosen = expect(
        await client.get(
            path,
            params={
                "from": "2026-03-01",
                "to": "2026-03-31",
                "every": "week",
                "compare_with": "2025-12-31",
            },
            headers=tenant.viewer,
        ),
        200,
    )
    assert [p["as_of_date"] for p in chosen["points"]] == [
        "2026-03-03",
        "2026-03-10",
        "2026-03-17",
        "2026-03-24",
        "2026-03-31",
    ]
    assert (chosen["trend"]["previous"], chosen["trend"]["direction"]) == (None, "undefined")
    a_year = expect(await client.get(path, params={"to": "2026-03-31"}, headers=tenant.viewer), 200)
    assert [p["as_of_date"] for p in a_year["points"]][:2] == ["2025-04-30", "2025-05-31"]
    assert len(a_year["points"]) == 12
    reversed_range = await client.get(
        path, params={"from": "2026-03-01", "to": "2026-01-01"}, headers=tenant.viewer
    )
    assert [e["field"] for e in problem(reversed_range, 422)["errors"]] == ["from"]


async def test_without_an_applicable_profile_the_answer_is_409(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    customer = await create_customer(client, tenant.admin, segment="smb")
    await create_profile(client, tenant.admin, is_default=False, segments=["enterprise"])
    problem(
        await client.get(f"/v1/customers/{customer['id']}/health", headers=tenant.admin),
        409,
        "no-health-profile",
    )


async def test_keys_see_only_their_customers_health(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    await create_profile(client, tenant.admin)
    graph = await create_graph(client, tenant.admin)
    other = await create_customer(client, tenant.admin, name="Not on the tracker")
    limited = await tenant.key(Role.viewer, tracker_ids=[uuid.UUID(graph.tracker["id"])])
    expect(await client.get(f"/v1/customers/{graph.customer['id']}/health", headers=limited), 200)
    problem(await client.get(f"/v1/customers/{other['id']}/health", headers=limited), 404)
    problem(
        await client.get(
            f"/v1/customers/{graph.customer['id']}/health", headers=other_tenant.admin
        ),
        404,
    )
    problem(await client.get(f"/v1/customers/{graph.customer['id']}/health"), 401)


async def test_the_backtest_names_its_counts_and_refuses_an_open_horizon(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    profile = await create_profile(client, tenant.admin)
    await create_customer(client, tenant.admin)
    result = expect(
        await client.get(
            "/v1/health-backtest",
            params={"profile_id": profile["id"], "as_of": "2025-01-31", "horizon_days": "180"},
            headers=tenant.viewer,
        ),
        200,
    )
    # No customer has ARR in the ledger yet: nothing to judge, and no AUC rather than 0.
    assert (result["customers"], result["auc"]) == (0, None)
    assert result["auc_undefined_reason"] == "needs_lost_and_retained_customers"
    assert result["horizon_end"] == "2025-07-30"
    open_horizon = await client.get(
        "/v1/health-backtest",
        params={"profile_id": profile["id"], "as_of": "2999-01-01"},
        headers=tenant.viewer,
    )
    problem(open_horizon, 422, "horizon-not-over")
    problem(
        await client.get(
            "/v1/health-backtest",
            params={"profile_id": str(uuid.uuid4()), "as_of": "2025-01-31"},
            headers=tenant.viewer,
        ),
        404,
    )
