"""The caller's organization and API-key management (SPEC 6): admin only, secrets shown
once and stored only hashed, revocation, tenant isolation, tracker-limited keys."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from valuecalc_api.auth.keys import hash_key
from valuecalc_api.models import ApiKey, Customer, Role, Tracker
from valuecalc_api.settings import Settings
from valuecalc_core.months import Month


async def _create_key(
    client: httpx.AsyncClient, headers: dict[str, str], **body: object
) -> dict[str, object]:
    response = await client.post("/v1/api-keys", headers=headers, json={"role": "viewer", **body})
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


async def _add_tracker(session: AsyncSession, organization_id: uuid.UUID) -> uuid.UUID:
    customer = Customer(organization_id=organization_id, name="Initech")
    session.add(customer)
    await session.flush()
    tracker = Tracker(
        organization_id=organization_id,
        customer_id=customer.id,
        name="Initech 2026",
        currency="USD",
        start_month=Month.of(2026, 1),
        end_month=Month.of(2026, 12),
    )
    session.add(tracker)
    await session.commit()
    return tracker.id


async def test_get_organization_is_the_callers(client: httpx.AsyncClient, tenant: Tenant) -> None:
    response = await client.get("/v1/organization", headers=tenant.viewer)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(tenant.organization_id)
    assert body["name"] == "Acme Analytics"


async def test_created_key_works_and_its_secret_is_shown_once(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await client.post(
        "/v1/api-keys", headers=tenant.admin, json={"name": "CRM sync", "role": "editor"}
    )
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["location"] == f"/v1/api-keys/{response.json()['id']}"
    created = response.json()
    secret = str(created["secret"])
    assert secret.startswith("vc_live_")
    assert created["prefix"] == secret[:14]
    assert created["role"] == "editor"
    assert created["tracker_ids"] is None
    assert created["revoked_at"] is None
    assert "only once" in str(created["warning"])

    as_new_key = await client.get("/v1/organization", headers={"Authorization": f"Bearer {secret}"})
    assert as_new_key.status_code == 200
    assert as_new_key.json()["id"] == str(tenant.organization_id)

    listed = await client.get("/v1/api-keys", headers=tenant.admin)
    one = await client.get(f"/v1/api-keys/{created['id']}", headers=tenant.admin)
    assert listed.status_code == one.status_code == 200
    for response in (listed, one):
        assert secret not in response.text
        assert secret[len("vc_live_") :] not in response.text
        assert "secret" not in response.text
        assert "hash" not in response.text
    assert one.json()["name"] == "CRM sync"


async def test_keys_are_stored_only_as_a_keyed_hash(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession, settings: Settings
) -> None:
    created = await _create_key(client, tenant.admin, name="warehouse")
    secret = str(created["secret"])
    row = await session.scalar(select(ApiKey).where(ApiKey.id == uuid.UUID(str(created["id"]))))
    assert row is not None
    assert row.key_hash == hash_key(secret, settings.key_pepper.get_secret_value())
    stored = [str(value) for value in (row.name, row.role, row.prefix, row.key_hash)]
    assert not any(secret in value for value in stored)
    assert not any(secret[len("vc_live_") :] in value for value in stored)


async def test_key_list_is_paginated_with_a_cursor(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    for index in range(4):
        await _create_key(client, tenant.admin, name=f"key {index}")
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 3}
        if cursor is not None:
            params["cursor"] = cursor
        response = await client.get("/v1/api-keys", headers=tenant.admin, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= 3
        seen.extend(item["id"] for item in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # 3 fixture keys + 4 new ones, each exactly once, none of the other tenant's.
    assert len(seen) == len(set(seen)) == 7
    assert pages == 3


async def test_key_list_refuses_a_forged_cursor_and_a_huge_limit(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    forged = await client.get("/v1/api-keys", headers=tenant.admin, params={"cursor": "bogus"})
    assert forged.status_code == 422
    assert forged.json()["errors"][0]["field"] == "cursor"
    huge = await client.get("/v1/api-keys", headers=tenant.admin, params={"limit": 10_000})
    assert huge.status_code == 422
    assert huge.json()["errors"][0]["field"] == "query.limit"


async def test_a_revoked_key_gets_401(client: httpx.AsyncClient, tenant: Tenant) -> None:
    created = await _create_key(client, tenant.admin, name="to revoke")
    headers = {"Authorization": f"Bearer {created['secret']}"}
    assert (await client.get("/v1/organization", headers=headers)).status_code == 200

    revoked = await client.delete(f"/v1/api-keys/{created['id']}", headers=tenant.admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None

    response = await client.get("/v1/organization", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "This API key is unknown or has been revoked."
    # The revoked key is still listed, as revoked.
    one = await client.get(f"/v1/api-keys/{created['id']}", headers=tenant.admin)
    assert one.json()["revoked_at"] == revoked.json()["revoked_at"]


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        (None, "Send your API key as 'Authorization: Bearer vc_live_…'."),
        ("Bearer", "Send your API key as 'Authorization: Bearer vc_live_…'."),
        ("Basic dXNlcjpwYXNz", "Send your API key as 'Authorization: Bearer vc_live_…'."),
        ("Bearer sk_live_abcdef", "That is not a valuecalc API key."),
        ("Bearer vc_live_" + "x" * 300, "That is not a valuecalc API key."),
        ("Bearer vc_live_doesnotexist", "This API key is unknown or has been revoked."),
    ],
)
async def test_401_without_a_valid_key(
    client: httpx.AsyncClient, authorization: str | None, detail: str
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = await client.get("/v1/organization", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert body["type"] == "https://valuecalc.dev/problems/unauthorized"
    assert body["detail"] == detail


@pytest.mark.parametrize("role", ["editor", "viewer"])
async def test_only_admins_manage_keys(
    client: httpx.AsyncClient, tenant: Tenant, role: str
) -> None:
    headers = tenant.editor if role == "editor" else tenant.viewer
    admin_key = (await client.get("/v1/api-keys", headers=tenant.admin)).json()["items"][0]["id"]
    responses = [
        await client.get("/v1/api-keys", headers=headers),
        await client.get(f"/v1/api-keys/{admin_key}", headers=headers),
        await client.get(f"/v1/api-keys/{uuid.uuid4()}", headers=headers),
        await client.post("/v1/api-keys", headers=headers, json={"name": "x", "role": "admin"}),
        await client.delete(f"/v1/api-keys/{admin_key}", headers=headers),
    ]
    for response in responses:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "Only an admin key can do this."
    # Nothing was revoked.
    assert (await client.get("/v1/organization", headers=tenant.admin)).status_code == 200


async def test_another_organizations_key_is_not_found(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await _create_key(client, other_tenant.admin, name="theirs")
    for response in (
        await client.get(f"/v1/api-keys/{theirs['id']}", headers=tenant.admin),
        await client.delete(f"/v1/api-keys/{theirs['id']}", headers=tenant.admin),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "No API key with that id exists in your organization."
    listed = (await client.get("/v1/api-keys", headers=tenant.admin)).json()["items"]
    assert theirs["id"] not in {item["id"] for item in listed}
    # Their key still works.
    headers = {"Authorization": f"Bearer {theirs['secret']}"}
    assert (await client.get("/v1/organization", headers=headers)).status_code == 200


async def test_tracker_limited_key_names_only_own_trackers(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    ours = await _add_tracker(session, tenant.organization_id)
    theirs = await _add_tracker(session, other_tenant.organization_id)

    created = await _create_key(client, tenant.admin, name="one tracker", tracker_ids=[str(ours)])
    assert created["tracker_ids"] == [str(ours)]

    response = await client.post(
        "/v1/api-keys",
        headers=tenant.admin,
        json={
            "name": "too wide",
            "role": "viewer",
            "tracker_ids": [str(ours), str(theirs), str(uuid.uuid4())],
        },
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [
        "tracker_ids.1",
        "tracker_ids.2",
    ]
    assert response.json()["errors"][0]["code"] == "unknown_tracker"


async def test_tenant_key_fixture_limits_trackers(
    client: httpx.AsyncClient, tenant: Tenant, session: AsyncSession
) -> None:
    tracker_id = await _add_tracker(session, tenant.organization_id)
    limited = await tenant.key(Role.editor, tracker_ids=[tracker_id])
    listed = (await client.get("/v1/api-keys", headers=tenant.admin)).json()["items"]
    editor_scopes = [item["tracker_ids"] for item in listed if item["role"] == "editor"]
    # The fixture's editor key (every tracker) and the new limited one.
    assert sorted(editor_scopes, key=str) == [None, [str(tracker_id)]]
    assert (await client.get("/v1/organization", headers=limited)).status_code == 200


async def _tables_holding(session: AsyncSession, tables: list[str], secret: str) -> list[str]:
    """The tables with a row whose text (bytea columns in hex) contains `secret`."""
    hex_secret = secret.encode().hex()
    holding = []
    for table in tables:
        found = await session.scalar(
            text(
                f'SELECT count(*) FROM "{table}" AS row '  # noqa: S608 - names from pg_tables
                "WHERE strpos(row::text, :secret) > 0 OR strpos(row::text, :hex_secret) > 0"
            ),
            {"secret": secret, "hex_secret": hex_secret},
        )
        if found:
            holding.append(table)
    return holding


async def test_no_table_holds_a_secret_even_with_an_idempotency_key(
    client: httpx.AsyncClient,
    tenant: Tenant,
    session: AsyncSession,
    application_tables: list[str],
) -> None:
    created = await _create_key(client, tenant.admin, name="plain")
    response = await client.post(
        "/v1/api-keys",
        headers={**tenant.admin, "Idempotency-Key": "create-crm-key-1"},
        json={"name": "retried", "role": "editor"},
    )
    assert response.status_code == 201, response.text
    for secret in (str(created["secret"]), str(response.json()["secret"])):
        assert await _tables_holding(session, application_tables, secret) == []

    # A retry cannot replay the secret; it points at the key instead of creating another.
    retry = await client.post(
        "/v1/api-keys",
        headers={**tenant.admin, "Idempotency-Key": "create-crm-key-1"},
        json={"name": "retried", "role": "editor"},
    )
    assert retry.status_code == 409
    assert retry.json()["location"] == f"/v1/api-keys/{response.json()['id']}"
    assert response.json()["secret"] not in retry.text
    listed = (await client.get("/v1/api-keys", headers=tenant.admin)).json()["items"]
    assert [item["name"] for item in listed].count("retried") == 1
