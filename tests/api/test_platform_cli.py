"""The `valuecalc` commands against the test database: what they print works over HTTP."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import uuid
from pathlib import Path

import httpx

from tests.api.conftest import Tenant

KEY_PATTERN = re.compile(r"vc_live_[A-Za-z0-9_-]+")
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


async def _valuecalc(database_url: str, cwd: Path, *args: str) -> tuple[int, str, str]:
    script = Path(sys.executable).with_name("valuecalc")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "valuecalc_api.cli"]
    env = {**os.environ, "DATABASE_URL": database_url, "VALUECALC_ENVIRONMENT": "dev"}
    process = await asyncio.create_subprocess_exec(
        *command,
        *args,
        cwd=cwd,  # not the checkout: a developer's .env must not leak in
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_migrate_on_a_migrated_database_is_a_no_op(database_url: str, tmp_path: Path) -> None:
    status, out, err = await _valuecalc(database_url, tmp_path, "migrate")
    assert status == 0, err
    assert out.strip() == "The database is at the latest schema."


async def test_create_org_prints_a_working_admin_key(
    client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    status, out, err = await _valuecalc(database_url, tmp_path, "create-org", "Hooli")
    assert status == 0, err
    [secret] = KEY_PATTERN.findall(out)
    [organization_id] = UUID_PATTERN.findall(out)
    headers = {"Authorization": f"Bearer {secret}"}
    organization = await client.get("/v1/organization", headers=headers)
    assert organization.json() == {
        "id": organization_id,
        "name": "Hooli",
        "created_at": organization.json()["created_at"],
    }
    keys = await client.get("/v1/api-keys", headers=headers)  # admin only
    assert keys.status_code == 200
    assert [key["role"] for key in keys.json()["items"]] == ["admin"]


async def test_create_key_with_a_role(
    client: httpx.AsyncClient, database_url: str, tmp_path: Path, tenant: Tenant
) -> None:
    status, out, err = await _valuecalc(
        database_url,
        tmp_path,
        "create-key",
        "--org",
        str(tenant.organization_id),
        "--role",
        "viewer",
        "--name",
        "BI export",
    )
    assert status == 0, err
    [secret] = KEY_PATTERN.findall(out)
    headers = {"Authorization": f"Bearer {secret}"}
    assert (await client.get("/v1/organization", headers=headers)).status_code == 200
    assert (await client.get("/v1/api-keys", headers=headers)).status_code == 403
    listed = (await client.get("/v1/api-keys", headers=tenant.admin)).json()["items"]
    assert [key["role"] for key in listed if key["name"] == "BI export"] == ["viewer"]


async def test_create_key_refuses_unknown_organizations_and_trackers(
    database_url: str, tmp_path: Path, tenant: Tenant
) -> None:
    missing_org = str(uuid.uuid4())
    status, out, err = await _valuecalc(
        database_url, tmp_path, "create-key", "--org", missing_org, "--role", "admin"
    )
    assert (status, out) == (1, "")
    assert err.strip() == f"valuecalc: No organization {missing_org}."

    status, out, err = await _valuecalc(
        database_url,
        tmp_path,
        "create-key",
        "--org",
        str(tenant.organization_id),
        "--role",
        "viewer",
        "--tracker",
        str(uuid.uuid4()),
    )
    assert (status, out) == (1, "")
    assert "tracker_ids.0: No tracker with this id exists in your organization." in err


async def test_seed_demo_prints_the_demo_admin_key(
    client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    status, out, err = await _valuecalc(database_url, tmp_path, "seed-demo")
    assert status == 0, err
    [secret] = KEY_PATTERN.findall(out)
    response = await client.get("/v1/organization", headers={"Authorization": f"Bearer {secret}"})
    assert response.json()["name"] == "Demo Vendor"


async def test_purge_idempotency_keys_runs(database_url: str, tmp_path: Path) -> None:
    status, out, err = await _valuecalc(database_url, tmp_path, "purge-idempotency-keys")
    assert status == 0, err
    assert out.strip() == "Deleted 0 expired idempotency key(s)."
