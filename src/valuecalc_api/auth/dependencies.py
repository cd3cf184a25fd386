"""Who is calling: `PrincipalDep` resolves the bearer key to an organization and role.

Every repository query takes `principal.organization_id`; an object of another
organization is simply not found (404, never 403). Role checks run before any lookup,
so a 403 never reveals whether an object exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from valuecalc_api.actors.header import (
    ACTOR_HEADER,
    ACTOR_NAME_HEADER,
    Actor,
    actor_from_headers,
    actor_required,
)
from valuecalc_api.auth.keys import KEY_PREFIX, hash_key
from valuecalc_api.db import read_row
from valuecalc_api.logs import note_organization
from valuecalc_api.models.organization import ApiKey, Role
from valuecalc_api.problems import Problem, forbidden, not_found
from valuecalc_api.settings import Settings


@dataclass(frozen=True, slots=True)
class Principal:
    organization_id: uuid.UUID
    key_id: uuid.UUID
    role: Role
    tracker_ids: frozenset[uuid.UUID] | None  # None: all trackers of the organization
    requires_actor: bool = False  # the key's setting: every call must name its actor
    # The person the call acts for (`Valuecalc-Actor`): recorded, never a permission.
    actor: Actor | None = None

    @property
    def actor_id(self) -> str | None:
        """The id of the person the call acts for, None if it named nobody."""
        return None if self.actor is None else self.actor.id

    @property
    def actor_name(self) -> str | None:
        return None if self.actor is None else self.actor.name

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


# The statement is built once, with bound parameters: building a select per request
# costs more CPU than a cached report's whole database round trip.
KEY_BY_HASH = (
    select(
        ApiKey.id, ApiKey.organization_id, ApiKey.role, ApiKey.tracker_ids, ApiKey.requires_actor
    )
    .where(ApiKey.key_hash == bindparam("key_hash"), ApiKey.revoked_at.is_(None))
    .subquery("api_key")
)
"""The unrevoked key whose keyed hash is `:key_hash` (SPEC 6: keys are stored hashed). A
read that needs more than the key in the same round trip selects from it and joins."""
_KEY = select(KEY_BY_HASH)


def key_parameters(settings: Settings, secret: str) -> dict[str, Any]:
    """The bound parameters of `KEY_BY_HASH` for the key `secret`."""
    return {"key_hash": hash_key(secret, settings.key_pepper.get_secret_value())}


def principal_of(row: Any) -> Principal:
    """The principal of a row that starts with `KEY_BY_HASH`'s columns."""
    return Principal(
        organization_id=row[1],
        key_id=row[0],
        role=Role(row[2]),
        tracker_ids=frozenset(row[3]) if row[3] is not None else None,
        requires_actor=row[4],
    )


async def find_principal(engine: AsyncEngine, settings: Settings, secret: str) -> Principal | None:
    """The caller behind an unrevoked key `secret`, None if no such key exists.

    Always asks the database: a revoked key is refused by the next request, in every
    process.
    """
    row = await read_row(engine, _KEY, key_parameters(settings, secret))
    return None if row is None else principal_of(row)


def request_secret(request: Request) -> str:
    """The request's API key secret; 401 if it sends none or something else."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("Send your API key as 'Authorization: Bearer vc_live_…'.")
    secret = secret.strip()
    if not _looks_like_key(secret):
        raise _unauthorized("That is not a valuecalc API key.")
    return secret


def unknown_key() -> Problem:
    return _unauthorized("This API key is unknown or has been revoked.")


def acting_caller(request: Request, principal: Principal | None) -> Principal:
    """The caller of `request`, acting for the person its actor headers name: 401 for no
    principal (unknown or revoked key), 422 for a bad actor header. Notes the caller's
    organization for the request's log line."""
    if principal is None:
        raise unknown_key()
    note_organization(request.scope, principal.organization_id)
    return with_actor(principal, request.headers.getlist)


async def authenticate(request: Request) -> Principal:
    """The caller behind the request's bearer key: one query, in autocommit."""
    secret = request_secret(request)
    settings: Settings = request.app.state.settings
    principal = await find_principal(request.app.state.engine, settings, secret)
    return acting_caller(request, principal)


CALLER_DEPENDENCIES: set[Callable[..., Any]] = {authenticate}
"""The dependencies that resolve the caller from its API key (401 without a valid one, 422
for a bad actor header): `authenticate`, and a read that looks the key up together with
what it reads (`reports.tracker_read`), which adds itself. The contract documents these
answers on every route that uses one of them."""


def with_actor(principal: Principal, header_values: Callable[[str], Sequence[str]]) -> Principal:
    """`principal` acting for the person named by the request's actor headers (read by
    `header_values(name)`): 422 for a bad header, or for none where the key requires an
    actor. Only the label changes: role and tracker limits stay the key's."""
    actor = actor_from_headers(header_values(ACTOR_HEADER), header_values(ACTOR_NAME_HEADER))
    if actor is None and principal.requires_actor:
        raise actor_required()
    return principal if actor is None else replace(principal, actor=actor)


async def require_editor(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    principal.require_editor()
    return principal


async def require_admin(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    principal.require_admin()
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticate)]
EditorDep = Annotated[Principal, Depends(require_editor)]
AdminDep = Annotated[Principal, Depends(require_admin)]
