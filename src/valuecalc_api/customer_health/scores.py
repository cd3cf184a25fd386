"""Scoring customers as of a date: which profile version applies, the indicators' readings,
the core's score, and the override in force beside it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customer_health import repository
from valuecalc_api.customer_health.indicator_sources import read_indicators
from valuecalc_api.customer_health.profiles import definition_of, no_profile, profile_for_segment
from valuecalc_api.models.health import HealthProfile, HealthProfileVersion
from valuecalc_api.problems import not_found
from valuecalc_core.health.profile import HealthProfile as ProfileDefinition
from valuecalc_core.health.scoring import HealthScore, health_score


@dataclass(frozen=True, slots=True)
class AppliedProfile:
    profile: HealthProfile
    version: HealthProfileVersion
    definition: ProfileDefinition


@dataclass(frozen=True, slots=True)
class ScoredCustomer:
    applied: AppliedProfile
    score: HealthScore


async def chosen_profile(
    session: AsyncSession,
    principal: Principal,
    profile_id: uuid.UUID | None,
    version: int | None,
) -> AppliedProfile | None:
    """The profile (and version; default its current one) the caller names, or None to let
    each customer's segment decide. 404 for an unknown profile or version."""
    if profile_id is None:
        return None
    profile = await repository.get_profile(session, principal.organization_id, profile_id)
    if profile is None:
        raise not_found("health profile")
    found = await repository.get_version(
        session, principal.organization_id, profile.id, version or profile.current_version
    )
    if found is None:
        raise not_found("health profile version")
    return AppliedProfile(profile, found, definition_of(found))


async def profiles_by_segment(
    session: AsyncSession, principal: Principal
) -> tuple[list[HealthProfile], dict[uuid.UUID, AppliedProfile]]:
    """Every profile of the organization, and each one's current version applied."""
    profiles = list(await repository.list_profiles(session, principal.organization_id))
    versions = await repository.current_versions(
        session, principal.organization_id, [p.id for p in profiles]
    )
    applied = {
        p.id: AppliedProfile(p, versions[p.id], definition_of(versions[p.id])) for p in profiles
    }
    return profiles, applied


async def score_customers(
    session: AsyncSession,
    principal: Principal,
    customers: Sequence[tuple[uuid.UUID, str | None]],
    as_of: date,
    chosen: AppliedProfile | None,
) -> dict[uuid.UUID, ScoredCustomer]:
    """Scores of (customer id, segment) pairs as of `as_of`: under `chosen` for all, else the
    profile of each one's segment (or the default; a customer with none is left out)."""
    groups: dict[uuid.UUID, tuple[AppliedProfile, list[uuid.UUID]]] = {}
    if chosen is not None:
        groups[chosen.profile.id] = (chosen, [c for c, _ in customers])
    else:
        profiles, applied = await profiles_by_segment(session, principal)
        for customer_id, segment in customers:
            profile = profile_for_segment(profiles, segment)
            if profile is not None:
                groups.setdefault(profile.id, (applied[profile.id], []))[1].append(customer_id)
    scored: dict[uuid.UUID, ScoredCustomer] = {}
    for applied_profile, customer_ids in groups.values():
        readings = await read_indicators(
            session,
            principal.organization_id,
            customer_ids,
            as_of,
            applied_profile.definition.indicators,
            principal.tracker_ids,
        )
        for customer_id in customer_ids:
            scored[customer_id] = ScoredCustomer(
                applied_profile, health_score(applied_profile.definition, readings[customer_id])
            )
    return scored


async def score_one(
    session: AsyncSession,
    principal: Principal,
    customer_id: uuid.UUID,
    segment: str | None,
    as_of: date,
    chosen: AppliedProfile | None,
) -> ScoredCustomer:
    """One customer's score; 409 `no-health-profile` when no profile applies to it."""
    found = await score_customers(session, principal, [(customer_id, segment)], as_of, chosen)
    if customer_id not in found:
        raise no_profile()
    return found[customer_id]
