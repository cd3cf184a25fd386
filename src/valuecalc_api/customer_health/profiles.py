"""Health profile use cases: create, change (a new version), read, and which profile
applies to a customer (its segment's, else the default)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit import service as audit
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.auth.tracker_scope import require_whole_organization
from valuecalc_api.customer_health import repository
from valuecalc_api.customer_health.profile_schemas import (
    HealthProfileOut,
    HealthProfileVersionOut,
    HealthProfileWrite,
)
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.models.health import HealthProfile, HealthProfileVersion
from valuecalc_api.problems import Problem, conflict, invalid, not_found
from valuecalc_core.health.profile import (
    BandCutoffs,
    IndicatorKind,
    IndicatorRule,
)
from valuecalc_core.health.profile import (
    HealthProfile as ProfileDefinition,
)
from valuecalc_core.health.profile import (
    profile_problems as definition_problems,
)


def definition_of(version: HealthProfileVersion) -> ProfileDefinition:
    """The core's profile of a stored version."""
    return ProfileDefinition(
        indicators=tuple(
            IndicatorRule(
                kind=IndicatorKind(item["kind"]),
                weight=Decimal(item["weight"]),
                zero_at=Decimal(item["zero_at"]),
                full_at=Decimal(item["full_at"]),
                window_days=item.get("window_days"),
            )
            for item in version.indicators
        ),
        bands=BandCutoffs(version.yellow_from, version.green_from),
    )


def _indicators_json(body: HealthProfileWrite) -> list[dict[str, Any]]:
    return [
        {
            "kind": item.kind.value,
            "weight": format(item.weight, "f"),
            "zero_at": format(item.zero_at, "f"),
            "full_at": format(item.full_at, "f"),
            "window_days": item.window_days,
        }
        for item in body.indicators
    ]


def _check(body: HealthProfileWrite) -> None:
    """422 naming each bad field of the definition (weights, thresholds, indicators)."""
    problems = definition_problems(
        [(i.kind.value, i.weight, i.zero_at, i.full_at) for i in body.indicators],
        body.bands.yellow_from,
        body.bands.green_from,
    )
    if problems:
        raise invalid([{"field": p.field, "code": p.code, "message": p.message} for p in problems])


def profile_out(profile: HealthProfile, version: HealthProfileVersion) -> HealthProfileOut:
    return HealthProfileOut.model_validate(
        {
            "id": profile.id,
            "name": profile.name,
            "is_default": profile.is_default,
            "segments": list(profile.segments),
            "version": version.version,
            "indicators": version.indicators,
            "bands": {"yellow_from": version.yellow_from, "green_from": version.green_from},
            "created_at": profile.created_at,
            "updated_at": profile.updated_at,
        }
    )


def version_out(version: HealthProfileVersion) -> HealthProfileVersionOut:
    return HealthProfileVersionOut.model_validate(
        {
            "id": version.id,
            "profile_id": version.profile_id,
            "version": version.version,
            "indicators": version.indicators,
            "bands": {"yellow_from": version.yellow_from, "green_from": version.green_from},
            "author": version.author,
            "created_at": version.created_at,
        }
    )


def _state(profile: HealthProfile, version: HealthProfileVersion) -> dict[str, Any]:
    return profile_out(profile, version).model_dump(
        mode="json", exclude={"created_at", "updated_at"}
    )


async def _audit(
    session: AsyncSession,
    principal: Principal,
    profile: HealthProfile,
    version: HealthProfileVersion,
    action: AuditAction,
    before: dict[str, Any] | None,
) -> None:
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.health_profile,
        entity_id=profile.id,
        tracker_id=None,
        action=action,
        before=before,
        after=_state(profile, version),
    )


async def _refuse_overlaps(
    session: AsyncSession, principal: Principal, body: HealthProfileWrite, itself: uuid.UUID | None
) -> None:
    others = [
        p
        for p in await repository.list_profiles(session, principal.organization_id)
        if p.id != itself
    ]
    for other in others:
        if other.name == body.name:
            raise conflict("profile-name-taken", f"Another profile is named {body.name!r}.")
        if body.is_default and other.is_default:
            raise conflict(
                "default-profile-taken",
                f"The profile {other.name!r} is the default; make it not the default first.",
            )
        shared = sorted(set(other.segments) & set(body.segments))
        if shared:
            raise conflict(
                "segment-taken",
                f"The segment(s) {', '.join(shared)} already use the profile {other.name!r}.",
            )


async def create_profile(
    session: AsyncSession, principal: Principal, body: HealthProfileWrite
) -> tuple[HealthProfile, HealthProfileVersion]:
    require_whole_organization(principal, "defining a health profile")
    _check(body)
    await _refuse_overlaps(session, principal, body, None)
    profile = HealthProfile(
        organization_id=principal.organization_id,
        name=body.name,
        is_default=body.is_default,
        segments=sorted(set(body.segments)),
        current_version=1,
    )
    session.add(profile)
    await session.flush()
    version = await _add_version(session, principal, profile, body)
    await _audit(session, principal, profile, version, AuditAction.create, None)
    return profile, version


async def _add_version(
    session: AsyncSession, principal: Principal, profile: HealthProfile, body: HealthProfileWrite
) -> HealthProfileVersion:
    version = HealthProfileVersion(
        organization_id=principal.organization_id,
        profile_id=profile.id,
        version=profile.current_version,
        indicators=_indicators_json(body),
        yellow_from=body.bands.yellow_from,
        green_from=body.bands.green_from,
        author_key_id=principal.key_id,
        actor_id=principal.actor_id,
        actor_name=principal.actor_name,
    )
    session.add(version)
    await session.flush()
    await session.refresh(version)
    return version


async def get_profile(
    session: AsyncSession, principal: Principal, profile_id: uuid.UUID, *, lock: bool = False
) -> tuple[HealthProfile, HealthProfileVersion]:
    profile = await repository.get_profile(
        session, principal.organization_id, profile_id, lock=lock
    )
    if profile is None:
        raise not_found("health profile")
    version = await repository.get_version(
        session, principal.organization_id, profile.id, profile.current_version
    )
    assert version is not None, "a profile always has its current version"
    return profile, version


async def update_profile(
    session: AsyncSession,
    principal: Principal,
    profile: HealthProfile,
    version: HealthProfileVersion,
    body: HealthProfileWrite,
) -> HealthProfileVersion:
    """Replace the definition: a new version if anything changed, the same one if not."""
    require_whole_organization(principal, "changing a health profile")
    _check(body)
    await _refuse_overlaps(session, principal, body, profile.id)
    before = _state(profile, version)
    unchanged = (
        profile.name == body.name
        and profile.is_default == body.is_default
        and sorted(profile.segments) == sorted(set(body.segments))
        and version.indicators == _indicators_json(body)
        and version.yellow_from == body.bands.yellow_from
        and version.green_from == body.bands.green_from
    )
    if unchanged:
        return version
    profile.name = body.name
    profile.is_default = body.is_default
    profile.segments = sorted(set(body.segments))
    profile.current_version += 1
    new_version = await _add_version(session, principal, profile, body)
    await session.refresh(profile, ["updated_at"])
    await _audit(session, principal, profile, new_version, AuditAction.update, before)
    return new_version


def profile_for_segment(
    profiles: Sequence[HealthProfile], segment: str | None
) -> HealthProfile | None:
    """The profile listing `segment`, else the default one, else None."""
    for profile in profiles:
        if segment is not None and segment in profile.segments:
            return profile
    return next((profile for profile in profiles if profile.is_default), None)


def no_profile() -> Problem:
    return Problem(
        409,
        "no-health-profile",
        "No health profile applies to this customer: define a default profile (is_default) "
        "or one for its segment, or name profile_id.",
    )
