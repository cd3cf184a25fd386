"""Goals and outcomes per customer (SPEC 5): share achieved and overdue goals.

Share achieved = achieved / goals that are decided or due: achieved, missed, and open
goals (planned, in progress) whose due date has passed. Open goals not yet due do not
lower the share; with no such goal the share is None, not 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from valuecalc_core.signals.days import day_problems


class GoalStatus(StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    achieved = "achieved"
    missed = "missed"


OPEN = frozenset({GoalStatus.planned, GoalStatus.in_progress})


@dataclass(frozen=True, slots=True)
class Goal:
    customer_id: uuid.UUID
    status: GoalStatus
    due_on: date | None
    achieved_on: date | None = None


@dataclass(frozen=True, slots=True)
class GoalShare:
    goal_count: int
    achieved: int
    missed: int
    open: int
    overdue: int
    share_achieved: Decimal | None


def is_overdue(goal: Goal, as_of: date) -> bool:
    return goal.status in OPEN and goal.due_on is not None and goal.due_on < as_of


def goal_share(goals: Iterable[Goal], as_of: date) -> GoalShare:
    listed = list(goals)
    achieved = sum(1 for g in listed if g.status is GoalStatus.achieved)
    missed = sum(1 for g in listed if g.status is GoalStatus.missed)
    overdue = sum(1 for g in listed if is_overdue(g, as_of))
    judged = achieved + missed + overdue
    return GoalShare(
        goal_count=len(listed),
        achieved=achieved,
        missed=missed,
        open=sum(1 for g in listed if g.status in OPEN),
        overdue=overdue,
        share_achieved=Decimal(achieved) / judged if judged else None,
    )


def goal_shares(goals: Iterable[Goal], as_of: date) -> dict[uuid.UUID, GoalShare]:
    """The share of each customer that has goals."""
    grouped: dict[uuid.UUID, list[Goal]] = {}
    for goal in goals:
        grouped.setdefault(goal.customer_id, []).append(goal)
    return {c: goal_share(grouped[c], as_of) for c in sorted(grouped, key=str)}


def goal_problems(
    status: str, due_on: date | None, achieved_on: date | None, today: date
) -> list[tuple[str, str, str]]:
    """(field, code, message) per problem of one goal row."""
    problems = []
    if status == GoalStatus.achieved and achieved_on is None:
        problems.append(("achieved_on", "missing", "An achieved goal needs achieved_on."))
    if status != GoalStatus.achieved and achieved_on is not None:
        problems.append(("achieved_on", "not_achieved", "Only an achieved goal has achieved_on."))
    if due_on is not None:
        problems += day_problems("due_on", due_on)
    if achieved_on is not None:
        problems += day_problems("achieved_on", achieved_on, today)
    return problems
