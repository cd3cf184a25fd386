"""A single-month `PUT` or `DELETE` of a measurement or an input change: a one-row write
(`measurements.writes`, `input_changes.writes`) whose refusal is answered as one problem.

The problems, in the order they are reported: the month outside the contract period
(422), the input's initial value removed (409), no value to remove (404), `If-Match`
not naming the stored version (412), a locked month (423).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from valuecalc_api.bulk_writes.applying import StoredRow
from valuecalc_api.bulk_writes.repository import CalculationTarget
from valuecalc_api.field_errors import field_error
from valuecalc_api.if_match import check_if_match, etag_for
from valuecalc_api.locks.service import month_locked
from valuecalc_api.models.calculation import Calculation
from valuecalc_api.models.tracker import Tracker
from valuecalc_api.problems import Problem, conflict, invalid
from valuecalc_core.write_plan import ProblemKind, RowStatus, RowsToWrite, WritePlan


def target_of(calculation: Calculation, tracker: Tracker) -> CalculationTarget:
    """The calculation a single-month write addresses, as a bulk row's target."""
    return CalculationTarget(
        calculation_id=calculation.id,
        key=calculation.key,
        tracker_id=tracker.id,
        start_month=tracker.start_month,
        end_month=tracker.end_month,
        customer_external_id=None,
    )


class PlannedRow(Protocol):
    """A one-row plan of `measurements.writes` or `input_changes.writes`."""

    @property
    def request(self) -> RowsToWrite: ...

    @property
    def plan(self) -> WritePlan: ...

    @property
    def stored(self) -> Sequence[StoredRow | None]: ...


def planned_status(
    planned: PlannedRow, tracker_id: uuid.UUID, *, if_match: str | None, missing: str
) -> RowStatus:
    """The one row's status, or its first problem raised (see the module docstring);
    `missing` is the 404's text for a removal of nothing."""
    plan, request, stored = planned.plan, planned.request, planned.stored[0]
    problems = {problem.kind: problem for problem in plan.problems}
    month = request.months[0]
    if ProblemKind.outside_period in problems:
        raise invalid(
            [
                field_error(
                    "month",
                    "month_outside_period",
                    f"{month} is outside the contract period "
                    f"{request.period_starts[0]}..{request.period_ends[0]}.",
                )
            ]
        )
    if ProblemKind.initial_value_required in problems:
        raise conflict(
            "initial-value-required",
            f"{month} holds the input's initial value (the contract's first month); change it "
            "with PUT instead of removing it.",
        )
    if stored is None:
        if request.values[0] is None:
            raise Problem(404, "not-found", missing)
        if if_match is not None and if_match.strip():
            raise Problem(
                412,
                "precondition-failed",
                "There is no value for this month, so no ETag can match; send the request "
                "without If-Match to create it.",
            )
    else:
        check_if_match(if_match, etag_for(stored.id, stored.version), required=False)
    locked = problems.get(ProblemKind.month_locked)
    if locked is not None:
        assert locked.locked_through is not None
        raise month_locked(tracker_id, locked.locked_through, [month])
    status = plan.statuses[0]
    assert status is not None
    return status
