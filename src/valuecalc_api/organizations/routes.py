"""HTTP endpoints of the caller's organization and its API keys (SPEC 6).

Key management is admin-only; the role check runs before any lookup, so a 403 never
reveals whether a key exists, and another organization's key answers 404.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from valuecalc_api.auth.dependencies import AdminDep, PrincipalDep
from valuecalc_api.auth.tracker_scope import require_within_trackers
from valuecalc_api.db import SessionDep
from valuecalc_api.organizations import repository, service
from valuecalc_api.organizations.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    ApiKeyPatch,
    OrganizationOut,
)
from valuecalc_api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    decode_cursor,
    encode_cursor,
)
from valuecalc_api.problem_refs import header_refs, problem_doc
from valuecalc_api.problems import not_found
from valuecalc_api.settings import Settings

router = APIRouter(tags=["organization"])


@router.get("/organization", response_model=OrganizationOut)
async def get_organization(principal: PrincipalDep, session: SessionDep) -> OrganizationOut:
    """The organization the API key belongs to."""
    organization = await repository.get_organization(session, principal.organization_id)
    if organization is None:  # the key's organization is deleted with it (ON DELETE CASCADE)
        raise not_found("organization")
    return OrganizationOut.model_validate(organization)


@router.post(
    "/api-keys",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    responses={
        201: {"headers": header_refs("Location", "Cache-Control")},
        409: problem_doc(
            "`idempotency-response-not-stored`: a request with this `Idempotency-Key` already "
            "created a key; its answer showed the secret, so it was not kept to be replayed "
            "(`original_status`, `location` name what was created).",
            "response-not-stored",
        ),
    },
)
async def create_api_key(
    body: ApiKeyCreate,
    principal: AdminDep,
    session: SessionDep,
    request: Request,
    response: Response,
) -> ApiKeyCreated:
    """Create a key; its secret is in this response and nowhere else, ever."""
    # Neither caches nor the idempotency store may keep this response (RFC 9111 no-store).
    response.headers["Cache-Control"] = "no-store"
    settings: Settings = request.app.state.settings
    require_within_trackers(principal, body.tracker_ids)
    key, secret = await service.create_api_key(
        session,
        settings,
        principal.organization_id,
        body.name,
        body.role,
        tracker_ids=body.tracker_ids,
        requires_actor=body.requires_actor,
    )
    response.headers["Location"] = str(request.url_for("get_api_key", key_id=key.id).path)
    return ApiKeyCreated.model_validate(
        {**ApiKeyOut.model_validate(key).model_dump(), "secret": secret}
    )


@router.get("/api-keys", response_model=Page[ApiKeyOut])
async def list_api_keys(
    principal: AdminDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[ApiKeyOut]:
    """The organization's keys, revoked ones included, oldest first."""
    after = decode_cursor(cursor) if cursor is not None else None
    keys = await repository.list_api_keys(
        session, principal.organization_id, limit=limit + 1, after=after
    )
    page = keys[:limit]
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(keys) > limit else None
    return Page[ApiKeyOut](
        items=[ApiKeyOut.model_validate(key) for key in page], next_cursor=next_cursor
    )


@router.get("/api-keys/{key_id}", response_model=ApiKeyOut)
async def get_api_key(key_id: uuid.UUID, principal: AdminDep, session: SessionDep) -> ApiKeyOut:
    """One API key of the organization: prefix, role, tracker limits, revoked or not (never the secret)."""
    key = await repository.get_api_key(session, principal.organization_id, key_id)
    if key is None:
        raise not_found("API key")
    return ApiKeyOut.model_validate(key)


@router.patch("/api-keys/{key_id}", response_model=ApiKeyOut)
async def update_api_key(
    key_id: uuid.UUID, body: ApiKeyPatch, principal: AdminDep, session: SessionDep
) -> ApiKeyOut:
    """Change a key's settings: `requires_actor`. Its role and trackers never change."""
    if body.requires_actor is None:
        key = await repository.get_api_key(session, principal.organization_id, key_id)
        if key is None:
            raise not_found("API key")
    else:
        key = await service.set_requires_actor(
            session, principal.organization_id, key_id, body.requires_actor
        )
    return ApiKeyOut.model_validate(key)


@router.delete("/api-keys/{key_id}", response_model=ApiKeyOut)
async def revoke_api_key(key_id: uuid.UUID, principal: AdminDep, session: SessionDep) -> ApiKeyOut:
    """Revoke a key: from now on it gets 401. The row stays, with `revoked_at`, for the record."""
    existing = await repository.get_api_key(session, principal.organization_id, key_id)
    if existing is not None:
        require_within_trackers(principal, existing.tracker_ids)
    key = await service.revoke_api_key(session, principal.organization_id, key_id)
    return ApiKeyOut.model_validate(key)
