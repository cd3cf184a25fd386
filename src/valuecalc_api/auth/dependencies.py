"""Who is calling: `PrincipalDep` resolves the bearer key to an organization and role.

Every repository query takes `principal.organization_id`; an object of another
organization is simply not found (404, never 403). Role checks run before any lookup,
so a 403 never reveals whether an object exists.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.keys import KEY_PREFIX, hash_key
from valuecalc_api.db import SessionDep
from valuecalc_api.models.organization import ApiKey, Role
from valuecalc_api.problems import Problem, forbidden, not_found
from valuecalc_api.settings import Settings


@dataclass(frozen=True, slots=True)
class Principal:
    organization_id: uuid.UUID
    key_id: uuid.UUID
    role: Role
    tracker_ids: frozenset[uuid.UUID] | None  # None: all trackers of the organization

    @property
    def can_write(self) -> bool:
        return self.role in (Role.admin, Role.editor)

    def require_editor(self) -> None:
        if not self.can_write:
            raise forbidden("This API key is read-only (role viewer); writes need editor or admin.")

    def require_admin(self) -> None:
        if self.role is not Role.admin:
            raise forbidden("Only an admin key can do this.")

    def can_see_tracker(self, tracker_id: uuid.UUID) -> bool:
        return self.tracker_ids is None or tracker_id in self.tracker_ids

    def check_tracker(self, tracker_id: uuid.UUID) -> None:
        """A key limited to some trackers sees the others as nonexistent."""
        if not self.can_see_tracker(tracker_id):
            raise not_found("tracker")


def _unauthorized(detail: str) -> Problem:
    return Problem(401, "unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


def bearer_secret(authorization: str | None) -> str | None:
    """The secret of an `Authorization: Bearer vc_live_…` header, None if it is not one."""
    scheme, _, secret = (authorization or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not _looks_like_key(secret):
        return None
    return secret


def _looks_like_key(secret: str) -> bool:
    return secret.startswith(KEY_PREFIX) and len(secret) <= 200


async def find_principal(
    session: AsyncSession, settings: Settings, secret: str
) -> Principal | None:
    """The caller behind an unrevoked key `secret`, None if no such key exists.

    Shared by `authenticate` and the middleware that scope work per caller
    (idempotency keys, rate limits), so a key is hashed and looked up in one place.
    """
    key = await session.scalar(
        select(ApiKey).where(
            ApiKey.key_hash == hash_key(secret, settings.key_pepper.get_secret_value()),
            ApiKey.revoked_at.is_(None),
        )
    )
    if key is None:
        return None
    return Principal(
        organization_id=key.organization_id,
        key_id=key.id,
        role=Role(key.role),
        tracker_ids=frozenset(key.tracker_ids) if key.tracker_ids is not None else None,
    )


async def authenticate(request: Request, session: SessionDep) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("Send your API key as 'Authorization: Bearer vc_live_…'.")
    secret = secret.strip()
    if not _looks_like_key(secret):
        raise _unauthorized("That is not a valuecalc API key.")
    settings: Settings = request.app.state.settings
    principal = await find_principal(session, settings, secret)
    if principal is None:
        raise _unauthorized("This API key is unknown or has been revoked.")
    return principal


async def require_editor(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    principal.require_editor()
    return principal


async def require_admin(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    principal.require_admin()
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticate)]
EditorDep = Annotated[Principal, Depends(require_editor)]
AdminDep = Annotated[Principal, Depends(require_admin)]
