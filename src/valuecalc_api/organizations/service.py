"""Creating organizations and API keys, revoking keys (SPEC 6).

A key's secret exists only in the return value of `create_api_key`; the row keeps an
HMAC of it (`auth/keys.py`) and a short display prefix.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.keys import generate_key
from valuecalc_api.models.organization import ApiKey, Organization, Role
from valuecalc_api.organizations import repository
from valuecalc_api.problems import invalid, not_found
from valuecalc_api.settings import Settings


async def create_organization(session: AsyncSession, name: str) -> Organization:
    organization = Organization(id=uuid.uuid4(), name=name)
    session.add(organization)
    await session.flush()
    return organization


async def create_api_key(
    session: AsyncSession,
    settings: Settings,
    organization_id: uuid.UUID,
    name: str,
    role: Role,
    tracker_ids: list[uuid.UUID] | None = None,
    *,
    requires_actor: bool = False,
) -> tuple[ApiKey, str]:
    """A new key of `role`, limited to `tracker_ids` if given. Returns the row and the secret."""
    if tracker_ids is not None:
        await _check_trackers_belong(session, organization_id, tracker_ids)
        tracker_ids = list(dict.fromkeys(tracker_ids))
    material = generate_key(settings.key_pepper.get_secret_value())
    key = ApiKey(
        id=uuid.uuid4(),
        organization_id=organization_id,
        name=name,
        role=Role(role).value,
        prefix=material.prefix,
        key_hash=material.key_hash,
        tracker_ids=tracker_ids,
        requires_actor=requires_actor,
    )
    session.add(key)
    await session.flush()
    return key, material.secret


async def _check_trackers_belong(
    session: AsyncSession, organization_id: uuid.UUID, tracker_ids: list[uuid.UUID]
) -> None:
    """422 naming each entry of `tracker_ids` that is not a tracker of the organization."""
    found = await repository.trackers_of_organization(session, organization_id, tracker_ids)
    errors = [
        {
            "field": f"tracker_ids.{index}",
            "code": "unknown_tracker",
            "message": "No tracker with this id exists in your organization.",
        }
        for index, tracker_id in enumerate(tracker_ids)
        if tracker_id not in found
    ]
    if errors:
        raise invalid(errors)


async def revoke_api_key(
    session: AsyncSession, organization_id: uuid.UUID, key_id: uuid.UUID
) -> ApiKey:
    """Revoke a key of the organization; revoking twice keeps the first revocation time."""
    key = await repository.get_api_key(session, organization_id, key_id)
    if key is None:
        raise not_found("API key")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        await session.flush()
    return key


async def set_requires_actor(
    session: AsyncSession, organization_id: uuid.UUID, key_id: uuid.UUID, requires_actor: bool
) -> ApiKey:
    """Make every call with the key name its actor (or stop requiring it); from the next
    request on, in every process (keys are looked up per request)."""
    key = await repository.get_api_key(session, organization_id, key_id)
    if key is None:
        raise not_found("API key")
    if key.requires_actor != requires_actor:
        key.requires_actor = requires_actor
        await session.flush()
    return key
