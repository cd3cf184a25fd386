"""HTTP endpoints of a customer's health: score, history, overrides (SPEC 5, 6).

Any key that sees the customer may read; overrides need an editor or admin key.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, status

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.customer_health import overrides
from valuecalc_api.customer_health.days import Day
from valuecalc_api.customer_health.score_schemas import (
    HealthHistoryOut,
    HealthScoreOut,
    OverrideCreate,
    OverrideOut,
)
from valuecalc_api.customer_health.score_views import (
    customer_history,
    customer_score,
    default_start,
)
from valuecalc_api.customer_health.scores import chosen_profile
from valuecalc_api.db import SessionDep
from valuecalc_api.problem_refs import problem_doc
from valuecalc_api.pulse.service import today
from valuecalc_api.schema_types import DecimalStr
from valuecalc_core.health.history import Every

router = APIRouter(tags=["customer health"])

_NO_PROFILE = problem_doc(
    "`no-health-profile`: no profile applies to the customer (no default, none for its "
    "segment) and none was named.",
    "no-health-profile",
)
ProfileQuery = Annotated[
    uuid.UUID | None,
    Query(
        description="Score under this profile (default: the customer's segment's, else "
        "the default profile)."
    ),
]
VersionQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=1_000_000,
        description="Under this version of `profile_id` (default: its current one).",
    ),
]


@router.get(
    "/customers/{customer_id}/health",
    response_model=HealthScoreOut,
    responses={409: _NO_PROFILE},
)
async def get_customer_health(
    customer_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    as_of: Annotated[Day | None, Query(description="Default: today (UTC).")] = None,
    profile_id: ProfileQuery = None,
    version: VersionQuery = None,
) -> HealthScoreOut:
    """The score as of a date with each indicator's raw value, points, weight after
    reweighting and contribution (they add up to the score), the profile version used, and
    an override in force beside it."""
    chosen = await chosen_profile(session, principal, profile_id, version)
    return await customer_score(session, principal, customer_id, as_of or today(), chosen)


@router.get(
    "/customers/{customer_id}/health/history",
    response_model=HealthHistoryOut,
    responses={409: _NO_PROFILE},
)
async def get_customer_health_history(
    customer_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    from_: Annotated[
        Day | None,
        Query(alias="from", description="First day of the range (default: 12 months of points)."),
    ] = None,
    to: Annotated[Day | None, Query(description="Last day (default: today, UTC).")] = None,
    every: Annotated[Every, Query(description="A point per month end or per week.")] = (
        Every.month
    ),
    compare_with: Annotated[
        Day | None,
        Query(
            description="The trend compares the last point with this date (default: the "
            "point before the last)."
        ),
    ] = None,
    flat_within: Annotated[
        DecimalStr | None,
        Query(description="A change of at most this many points is `flat` (default 2)."),
    ] = None,
    profile_id: ProfileQuery = None,
    version: VersionQuery = None,
) -> HealthHistoryOut:
    """The score at each month end (or every 7 days back from `to`), all under ONE profile
    version (the one that applies at `to`, or the one named), with the trend."""
    chosen = await chosen_profile(session, principal, profile_id, version)
    end = to or today()
    return await customer_history(
        session,
        principal,
        customer_id,
        start=from_ or default_start(end),
        end=end,
        every=every,
        compare_with=compare_with,
        flat_within=Decimal(2) if flat_within is None else abs(flat_within),
        chosen=chosen,
    )


@router.post(
    "/customers/{customer_id}/health/overrides",
    response_model=OverrideOut,
    status_code=status.HTTP_201_CREATED,
)
async def create_health_override(
    customer_id: uuid.UUID, body: OverrideCreate, principal: EditorDep, session: SessionDep
) -> OverrideOut:
    """Override the score (0-100) with a reason through `expires_on` (included); shown
    beside the computed score, in the audit trail, over by itself the day after expiry."""
    row = await overrides.create_override(session, principal, customer_id, body)
    return overrides.override_out(row)


@router.get("/customers/{customer_id}/health/overrides", response_model=list[OverrideOut])
async def list_health_overrides(
    customer_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> list[OverrideOut]:
    """Every override of the customer, oldest first, ended and expired ones included."""
    rows = await overrides.overrides_of_customer(session, principal, customer_id)
    return [overrides.override_out(row) for row in rows]


@router.post(
    "/customers/{customer_id}/health/overrides/{override_id}/end",
    response_model=OverrideOut,
    responses={
        409: problem_doc("`override-over`: it has already ended or expired.", "override-over"),
        413: problem_doc("`request-too-large`: this operation takes no body.", "request-too-large"),
    },
)
async def end_health_override(
    customer_id: uuid.UUID, override_id: uuid.UUID, principal: EditorDep, session: SessionDep
) -> OverrideOut:
    """End the override from today on; it stays in the list as `ended`."""
    row = await overrides.end_override(session, principal, customer_id, override_id)
    return overrides.override_out(row)
