"""Health profiles over HTTP: validation naming the field, versions, segments, access."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.health_builders import create_profile, indicator, profile_body
from tests.api.value_tracking_builders import create_tracker, error_fields, expect, problem
from valuecalc_api.models import AuditEvent, Role


async def test_a_profile_is_validated_on_save_with_422_naming_each_field(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    bad = profile_body(
        indicators=[
            indicator("pulse", "0"),
            indicator("nps", "10", "50", "50"),
            indicator("pulse", "10"),
        ],
        bands={"yellow_from": "80", "green_from": "60"},
    )
    response = await client.post("/v1/health-profiles", json=bad, headers=tenant.admin)
    assert sorted(error_fields(response)) == [
        "bands.green_from",
        "indicators.0.weight",
        "indicators.1.full_at",
        "indicators.2.kind",
    ]
    unknown = profile_body(indicators=[indicator("mood", "1"), *profile_body()["indicators"][1:]])
    response = await client.post("/v1/health-profiles", json=unknown, headers=tenant.admin)
    assert error_fields(response) == ["indicators.0.kind"]
    two = profile_body(indicators=[indicator("pulse", "1"), indicator("nps", "1")])
    response = await client.post("/v1/health-profiles", json=two, headers=tenant.admin)
    assert error_fields(response) == ["indicators"]
    assert response.json()["errors"][0]["code"] == "indicator_count"
    # The contract states the same 3-5, so a generated client can check it before sending.
    documented = (await client.get("/openapi.json")).json()["components"]["schemas"]
    stated = documented["HealthProfileWrite"]["properties"]["indicators"]
    assert (stated["minItems"], stated["maxItems"]) == (3, 5)
    listed = expect(await client.get("/v1/health-profiles", headers=tenant.admin), 200)
    assert listed["items"] == []  # nothing stored


async def test_changing_a_profile_makes_a_new_version_and_keeps_the_old_one(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    created = await create_profile(client, tenant.admin)
    assert created["version"] == 1
    changed = profile_body(bands={"yellow_from": "50", "green_from": "75"})
    response = await client.put(
        f"/v1/health-profiles/{created['id']}", json=changed, headers=tenant.editor
    )
    assert expect(response, 200)["version"] == 2
    etag = response.headers["ETag"]
    same = await client.put(
        f"/v1/health-profiles/{created['id']}",
        json=changed,
        headers={**tenant.editor, "If-Match": etag},
    )
    assert expect(same, 200)["version"] == 2  # nothing changed: no new version
    stale = await client.put(
        f"/v1/health-profiles/{created['id']}",
        json=profile_body(),
        headers={**tenant.editor, "If-Match": '"1-000000000000"'},
    )
    problem(stale, 412, "precondition-failed")
    versions = expect(
        await client.get(f"/v1/health-profiles/{created['id']}/versions", headers=tenant.viewer),
        200,
    )
    assert [(v["version"], v["bands"]["yellow_from"]) for v in versions["items"]] == [
        (1, "40"),
        (2, "50"),
    ]
    first = expect(
        await client.get(f"/v1/health-profiles/{created['id']}/versions/1", headers=tenant.viewer),
        200,
    )
    assert first["bands"] == {"yellow_from": "40", "green_from": "70"}
    problem(
        await client.get(f"/v1/health-profiles/{created['id']}/versions/3", headers=tenant.admin),
        404,
    )
    events = (
        await session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "health_profile")
        )
    ).all()
    assert sorted(events) == ["create", "update"]


async def test_segments_and_the_default_are_each_covered_once(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await create_profile(client, tenant.admin)
    taken = await client.post(
        "/v1/health-profiles", json=profile_body(name="Other"), headers=tenant.admin
    )
    problem(taken, 409, "default-profile-taken")
    await create_profile(
        client, tenant.admin, name="Enterprise", is_default=False, segments=["enterprise"]
    )
    overlap = await client.post(
        "/v1/health-profiles",
        json=profile_body(name="Big", is_default=False, segments=["enterprise", "smb"]),
        headers=tenant.admin,
    )
    problem(overlap, 409, "segment-taken")


async def test_profile_routes_answer_401_403_404(client: httpx.AsyncClient, tenant: Tenant) -> None:
    problem(await client.get("/v1/health-profiles"), 401)
    problem(
        await client.post("/v1/health-profiles", json=profile_body(), headers=tenant.viewer), 403
    )
    tracker = await create_tracker(client, tenant.admin)
    limited = await tenant.key(Role.editor, tracker_ids=[uuid.UUID(tracker["id"])])
    problem(await client.post("/v1/health-profiles", json=profile_body(), headers=limited), 403)
    problem(
        await client.get(
            "/v1/health-profiles/7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e", headers=tenant.admin
        ),
        404,
    )
    problem(await client.get("/v1/health-profiles/nope", headers=tenant.admin), 422)
