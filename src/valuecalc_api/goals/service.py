"""Goal use cases: bulk writes (a single create is a one-row bulk), the summary as of a
day, and `goal_shares_by_customer` for health scores."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.row_errors import RowError
from valuecalc_api.goals import repository
from valuecalc_api.goals.schemas import GoalRow
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.models.goal import Goal
from valuecalc_api.signals.bulk import SignalOutcome
from valuecalc_api.signals.upserts import Content, Key, TableSpec
from valuecalc_api.signals.writes import Problems, write_customer_rows
from valuecalc_core.signals import goals as core

GOALS = TableSpec(
    "goals",
    keys=(("external_id", "varchar"),),
    content=(
        ("customer_id", "uuid"),
        ("title", "varchar"),
        ("status", "varchar"),
        ("due_on", "date"),
        ("achieved_on", "date"),
        ("use_case_id", "uuid"),
    ),
    entity=AuditEntity.goal,
    key_field="external_id",
)


async def write_goals(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[GoalRow | None],
    problems: Sequence[RowError],
) -> SignalOutcome:
    linked = await repository.use_case_customers(
        session,
        principal.organization_id,
        {r.use_case_id for r in rows if r is not None and r.use_case_id is not None},
    )

    def build(row: GoalRow, customer: uuid.UUID, today: date) -> tuple[Key, Content, Problems]:
        found = core.goal_problems(row.status, row.due_on, row.achieved_on, today)
        if row.use_case_id is not None and linked.get(row.use_case_id) != customer:
            found.append(
                (
                    "use_case_id",
                    "use_case_not_found",
                    "No use case with this id in a tracker of this customer.",
                )
            )
        content = (
            customer,
            row.title,
            row.status.value,
            row.due_on,
            row.achieved_on,
            row.use_case_id,
        )
        return (row.external_id,), content, found

    return await write_customer_rows(session, principal, GOALS, rows, problems, build)


def _core_goal(goal: Goal) -> core.Goal:
    return core.Goal(goal.customer_id, core.GoalStatus(goal.status), goal.due_on, goal.achieved_on)


@dataclass(frozen=True, slots=True)
class GoalSummary:
    book: core.GoalShare
    customers: list[tuple[uuid.UUID, str, core.GoalShare]]
    overdue: list[Goal]


async def goal_summary(
    session: AsyncSession,
    organization_id: uuid.UUID,
    as_of: date,
    customer_id: uuid.UUID | None,
    tracker_ids: frozenset[uuid.UUID] | None,
) -> GoalSummary:
    loaded = await repository.goals_with_names(session, organization_id, customer_id, tracker_ids)
    names = {goal.customer_id: name for goal, name in loaded}
    goals = [_core_goal(goal) for goal, _ in loaded]
    shares = core.goal_shares(goals, as_of)
    overdue = sorted(
        (goal for goal, _ in loaded if core.is_overdue(_core_goal(goal), as_of)),
        key=lambda g: (g.due_on or date.min, g.title),
    )
    return GoalSummary(
        core.goal_share(goals, as_of),
        sorted(((c, names[c], s) for c, s in shares.items()), key=lambda t: (t[1], str(t[0]))),
        overdue,
    )


async def goal_shares_by_customer(
    session: AsyncSession, organization_id: uuid.UUID, as_of: date
) -> dict[uuid.UUID, core.GoalShare]:
    """For health scores: each customer's share of goals achieved as of `as_of`."""
    summary = await goal_summary(session, organization_id, as_of, None, None)
    return {customer: share for customer, _, share in summary.customers}
