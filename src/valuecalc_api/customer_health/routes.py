"""HTTP endpoints of `/v1/health-profiles` and `/v1/health-backtest` (SPEC 5, 6).

Reads need any key; defining a profile needs an editor or admin key for the whole
organization. Another organization's profile answers 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.customer_health import profiles, repository
from valuecalc_api.customer_health.days import Day
from valuecalc_api.customer_health.profile_schemas import (
    HealthProfileOut,
    HealthProfileVersionOut,
    HealthProfileWrite,
)
from valuecalc_api.customer_health.score_schemas import BacktestOut
from valuecalc_api.customer_health.score_views import run_backtest
from valuecalc_api.customer_health.scores import chosen_profile
from valuecalc_api.customers.repository import visible_customers
from valuecalc_api.db import SessionDep
from valuecalc_api.if_match import IfMatchHeader, check_if_match, etag_for
from valuecalc_api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    page_of,
    position_after,
)
from valuecalc_api.problem_refs import ETAG, problem_doc
from valuecalc_api.problems import not_found

router = APIRouter(tags=["customer health"])

_WHOLE_ORGANIZATION = problem_doc(
    "`forbidden`: a viewer key, or a key limited to some trackers (profiles need a key for "
    "the whole organization).",
    "read-only-key",
    "tracker-limited-key",
)
_OVERLAP = problem_doc(
    "`profile-name-taken`, `default-profile-taken` or `segment-taken`: another profile has "
    "this name, is the default, or covers one of these segments.",
    "segment-taken",
)
VersionPath = Annotated[int, Path(ge=1, le=1_000_000, description="A version number.")]


@router.post(
    "/health-profiles",
    response_model=HealthProfileOut,
    status_code=status.HTTP_201_CREATED,
    responses={201: ETAG, 403: _WHOLE_ORGANIZATION, 409: _OVERLAP},
)
async def create_health_profile(
    body: HealthProfileWrite, principal: EditorDep, session: SessionDep, response: Response
) -> HealthProfileOut:
    """Define a profile (version 1). 422 names each bad field: 3-5 indicators, positive
    weights, `zero_at` != `full_at`, known and distinct kinds, 0 <= yellow_from <= green_from
    <= 100."""
    profile, version = await profiles.create_profile(session, principal, body)
    response.headers["ETag"] = etag_for(profile.id, profile.current_version)
    return profiles.profile_out(profile, version)


@router.get("/health-profiles", response_model=Page[HealthProfileOut])
async def list_health_profiles(
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[HealthProfileOut]:
    """The organization's profiles with their current versions, oldest first."""
    found = await repository.list_profiles(
        session, principal.organization_id, limit=limit + 1, after=position_after(cursor)
    )
    versions = await repository.current_versions(
        session, principal.organization_id, [p.id for p in found]
    )
    return page_of(found, limit, lambda p: profiles.profile_out(p, versions[p.id]))


@router.get("/health-profiles/{profile_id}", response_model=HealthProfileOut, responses={200: ETAG})
async def get_health_profile(
    profile_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, response: Response
) -> HealthProfileOut:
    """The profile and its current version, with its `ETag` for a later `If-Match`."""
    profile, version = await profiles.get_profile(session, principal, profile_id)
    response.headers["ETag"] = etag_for(profile.id, profile.current_version)
    return profiles.profile_out(profile, version)


@router.put(
    "/health-profiles/{profile_id}",
    response_model=HealthProfileOut,
    responses={200: ETAG, 403: _WHOLE_ORGANIZATION, 409: _OVERLAP},
)
async def replace_health_profile(
    profile_id: uuid.UUID,
    body: HealthProfileWrite,
    principal: EditorDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> HealthProfileOut:
    """Change the profile: a new version (the old ones stay, and scores can still be
    computed under them); the same version if nothing changed."""
    profile, version = await profiles.get_profile(session, principal, profile_id, lock=True)
    check_if_match(if_match, etag_for(profile.id, profile.current_version), required=False)
    version = await profiles.update_profile(session, principal, profile, version, body)
    response.headers["ETag"] = etag_for(profile.id, profile.current_version)
    return profiles.profile_out(profile, version)


@router.get("/health-profiles/{profile_id}/versions", response_model=Page[HealthProfileVersionOut])
async def list_health_profile_versions(
    profile_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[HealthProfileVersionOut]:
    """Every version of the profile, oldest first."""
    await profiles.get_profile(session, principal, profile_id)
    found = await repository.list_versions(
        session,
        principal.organization_id,
        profile_id,
        limit=limit + 1,
        after=position_after(cursor),
    )
    return page_of(found, limit, profiles.version_out)


@router.get(
    "/health-profiles/{profile_id}/versions/{version}", response_model=HealthProfileVersionOut
)
async def get_health_profile_version(
    profile_id: uuid.UUID, version: VersionPath, principal: PrincipalDep, session: SessionDep
) -> HealthProfileVersionOut:
    """One version of the profile, as the scores computed under it used it."""
    found = await repository.get_version(session, principal.organization_id, profile_id, version)
    if found is None:
        raise not_found("health profile version")
    return profiles.version_out(found)


@router.get(
    "/health-backtest",
    response_model=BacktestOut,
    responses={
        404: problem_doc("`not-found`: no such health profile or version in your organization.")
    },
)
async def health_backtest(
    principal: PrincipalDep,
    session: SessionDep,
    profile_id: Annotated[uuid.UUID, Query(description="The profile to test.")],
    as_of: Annotated[Day, Query(description="The past date whose scores are tested.")],
    version: Annotated[
        int | None,
        Query(ge=1, le=1_000_000, description="Its version (default: the current one)."),
    ] = None,
    horizon_days: Annotated[
        int, Query(ge=1, le=1095, description="How long after as_of to look for churn.")
    ] = 180,
) -> BacktestOut:
    """How well the scores of `as_of` under a profile version separated the customers that
    churned or contracted within the horizon (from the revenue ledger) from the others:
    churn and contraction rate per band and the AUC, with the counts behind them."""
    applied = await chosen_profile(session, principal, profile_id, version)
    assert applied is not None
    customers = await visible_customers(session, principal.organization_id, principal.tracker_ids)
    return await run_backtest(
        session,
        principal,
        applied,
        as_of,
        horizon_days,
        [(c.id, c.segment) for c in customers],
    )
