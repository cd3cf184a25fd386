"""Onboarding use cases: milestone writes (one set per customer; resending replaces), the
cohort report, and `onboarding_by_customer` for health scores."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.row_errors import RowError
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.onboarding import repository
from valuecalc_api.onboarding.schemas import MilestoneRow
from valuecalc_api.signals.bulk import SignalOutcome
from valuecalc_api.signals.upserts import Content, Key, TableSpec
from valuecalc_api.signals.writes import Problems, write_customer_rows
from valuecalc_core.signals.onboarding import (
    Cohort,
    Milestones,
    Onboarding,
    cohort,
    milestone_problems,
    onboarding,
)

MILESTONES = TableSpec(
    "onboarding_milestones",
    keys=(("customer_id", "uuid"),),
    content=(("kickoff_on", "date"), ("go_live_on", "date"), ("first_value_on", "date")),
    entity=AuditEntity.onboarding,
    key_field="customer_id",
)


def _milestones(
    row: MilestoneRow, customer: uuid.UUID, today: date
) -> tuple[Key, Content, Problems]:
    problems = milestone_problems(row.kickoff_on, row.go_live_on, row.first_value_on, today)
    return (customer,), (row.kickoff_on, row.go_live_on, row.first_value_on), problems


async def write_milestones(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[MilestoneRow | None],
    problems: Sequence[RowError],
) -> SignalOutcome:
    return await write_customer_rows(session, principal, MILESTONES, rows, problems, _milestones)


@dataclass(frozen=True, slots=True)
class OnboardingReport:
    customers: list[tuple[str, Onboarding]]
    cohorts: list[tuple[str | None, Cohort]]


async def onboarding_report(
    session: AsyncSession,
    organization_id: uuid.UUID,
    as_of: date,
    cohort_by: str,
    customer_id: uuid.UUID | None,
    tracker_ids: frozenset[uuid.UUID] | None,
) -> OnboardingReport:
    loaded = await repository.milestones_with_customers(
        session, organization_id, customer_id, tracker_ids
    )
    customers = []
    groups: dict[str | None, list[Onboarding]] = defaultdict(list)
    for stored, name, segment in loaded:
        figures = onboarding(
            Milestones(
                stored.customer_id, stored.kickoff_on, stored.go_live_on, stored.first_value_on
            ),
            as_of,
        )
        customers.append((name, figures))
        if cohort_by == "kickoff_month":
            kickoff = figures.kickoff_on
            key = None if kickoff is None else f"{kickoff.year:04d}-{kickoff.month:02d}"
        elif cohort_by == "segment":
            key = segment
        else:
            key = None
        groups[key].append(figures)
    if not groups and cohort_by == "none":
        groups[None] = []
    cohorts = [
        (key, cohort(groups[key])) for key in sorted(groups, key=lambda k: (k is None, k or ""))
    ]
    return OnboardingReport(customers, cohorts)


async def onboarding_by_customer(
    session: AsyncSession, organization_id: uuid.UUID, as_of: date
) -> dict[uuid.UUID, Onboarding]:
    """For health scores: each customer's days to onboard / first value, or days so far."""
    report = await onboarding_report(session, organization_id, as_of, "none", None, None)
    return {figures.customer_id: figures for _, figures in report.customers}
