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
from sqlalchemy import Uuid, and_, bindparam, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql import Executable

from valuecalc_api.actors.header import (
    ACTOR_HEADER,
    ACTOR_NAME_HEADER,
    Actor,
    actor_from_headers,
    actor_required,
)
from valuecalc_api.auth.keys import KEY_PREFIX, hash_key
from valuecalc_api.db import SessionDep
from valuecalc_api.models.data_version import TrackerDataVersion
from valuecalc_api.models.organization import ApiKey, Role
from valuecalc_api.models.tracker import Tracker
from valuecalc_api.problems import Problem, forbidden, not_found
from valuecalc_api.reports.repository import TrackerDataState
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


_PRINCIPAL_STATE = "principal"  # request.state attribute: (secret, Principal | None)

# The statements are built once, with bound parameters: building a select per request
# costs more CPU than a cached report's whole database round trip.
_KEY_BY_HASH = (
    select(
        ApiKey.id, ApiKey.organization_id, ApiKey.role, ApiKey.tracker_ids, ApiKey.requires_actor
    )
    .where(ApiKey.key_hash == bindparam("key_hash"), ApiKey.revoked_at.is_(None))
    .subquery("api_key")
)
_KEY = select(_KEY_BY_HASH)
"""The unrevoked key whose keyed hash is `:key_hash` (SPEC 6: keys are stored hashed)."""
_KEY_AND_TRACKER = (
    select(
        _KEY_BY_HASH,
        Tracker.start_month,
        Tracker.end_month,
        TrackerDataVersion.version,
    )
    .select_from(_KEY_BY_HASH)
    .outerjoin(
        Tracker,
        and_(
            Tracker.id == bindparam("tracker_id", type_=Uuid()),
            Tracker.organization_id == _KEY_BY_HASH.c.organization_id,
        ),
    )
    .outerjoin(TrackerDataVersion, TrackerDataVersion.tracker_id == Tracker.id)
)
"""The key as `_KEY`, and the tracker `:tracker_id` with its data version if it belongs to
the key's organization (NULLs otherwise)."""


def _key_hash(settings: Settings, secret: str) -> str:
    return hash_key(secret, settings.key_pepper.get_secret_value())


def _principal(row: Any) -> Principal:
    return Principal(
        organization_id=row[1],
        key_id=row[0],
        role=Role(row[2]),
        tracker_ids=frozenset(row[3]) if row[3] is not None else None,
        requires_actor=row[4],
    )


async def _fetch_one(engine: AsyncEngine, query: Executable, parameters: dict[str, Any]) -> Any:
    """The first row of one SELECT on a pooled connection in autocommit: no BEGIN/COMMIT
    round trips (a single statement sees one snapshot anyway), no ORM objects.

    The pool does not ping connections before use (`db.create_engine`): if this, the
    first statement of a request, finds its connection dropped (a database restart),
    SQLAlchemy invalidates it and the pool, and the read-only statement is retried once
    on a fresh connection."""
    for attempt in (1, 2):
        try:
            async with engine.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                return (await autocommit.execute(query, parameters)).first()
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def find_principal(engine: AsyncEngine, settings: Settings, secret: str) -> Principal | None:
    """The caller behind an unrevoked key `secret`, None if no such key exists.

    Shared by `authenticate` and the middleware that scope work per caller
    (idempotency keys, rate limits), so a key is hashed and looked up in one place.
    Always asks the database: a revoked key is refused by the next request, in every
    process.
    """
    row = await _fetch_one(engine, _KEY, {"key_hash": _key_hash(settings, secret)})
    return None if row is None else _principal(row)


def remembered_principal(state: Any, secret: str) -> tuple[bool, Principal | None]:
    """The principal already looked up for `secret` during this request (by a middleware):
    (True, it or None) if there is one, (False, None) if not. Per request only."""
    remembered: tuple[str, Principal | None] | None = getattr(state, _PRINCIPAL_STATE, None)
    if remembered is not None and remembered[0] == secret:
        return True, remembered[1]
    return False, None


def remember_principal(state: Any, secret: str, principal: Principal | None) -> None:
    setattr(state, _PRINCIPAL_STATE, (secret, principal))


async def principal_and_tracker(
    request: Request, session: AsyncSession, settings: Settings, secret: str
) -> Principal | None:
    """The key, and on a tracker's GET the tracker's period and data version in the same
    query (kept in `session.info` for `reports.serving.tracker_state`): a cached report
    costs one round trip. The tracker is joined on the key's organization, so another
    organization's tracker comes back as no tracker (404 later, as before)."""
    tracker_id = _tracker_of(request)
    engine: AsyncEngine = request.app.state.engine
    if tracker_id is None:
        return await find_principal(engine, settings, secret)
    row = await _fetch_one(
        engine,
        _KEY_AND_TRACKER,
        {"key_hash": _key_hash(settings, secret), "tracker_id": tracker_id},
    )
    if row is None:
        return None
    principal = _principal(row)
    state = None if row[5] is None else TrackerDataState(row[5], row[6], row[7])
    session.info[PREFETCHED_TRACKER] = (principal.organization_id, tracker_id, state)
    return principal


PREFETCHED_TRACKER = "prefetched_tracker_state"
"""`session.info` key: (organization id, tracker id, TrackerDataState | None) read with the
key, or absent. Read by `reports.serving.tracker_state`."""


def _tracker_of(request: Request) -> uuid.UUID | None:
    if request.method != "GET":
        return None
    raw = request.path_params.get("tracker_id")
    if not isinstance(raw, str):
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None  # the route answers 422


async def authenticate(request: Request, session: SessionDep) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("Send your API key as 'Authorization: Bearer vc_live_…'.")
    secret = secret.strip()
    if not _looks_like_key(secret):
        raise _unauthorized("That is not a valuecalc API key.")
    settings: Settings = request.app.state.settings
    known, principal = remembered_principal(request.state, secret)
    if not known:
        principal = await principal_and_tracker(request, session, settings, secret)
        remember_principal(request.state, secret, principal)  # for the request's log line
    if principal is None:
        raise _unauthorized("This API key is unknown or has been revoked.")
    return with_actor(principal, request.headers.getlist)


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
