"""Problems of single rows, collected over a whole request and reported at once (SPEC 6).

A JSON bulk request names each bad row by its index (`row`, 0-based) and `field`; a CSV
import names its `line` (1-based, the header is line 1) and `column`. When every problem
is a locked month the answer is 423 `month-locked`, when every problem is a row's
`if_version` that is not the stored version 412 `precondition-failed` (as for single-row
writes), otherwise 422 `validation-error` with those rows among the others.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from valuecalc_api.problems import Problem
from valuecalc_core.months import Month
from valuecalc_core.write_plan import ProblemKind, RowProblem, RowsToWrite

MONTH_LOCKED = "month_locked"
VERSION_MISMATCH = "version_mismatch"


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    field: str
    code: str
    message: str
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class RowsRefused(Exception):
    """Raised by the services when any row is bad: nothing has been written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} row problem(s)")
        self.errors = sorted(errors, key=lambda error: error.row)


def row_position(error: RowError) -> dict[str, Any]:
    """How a JSON bulk request names a bad row: its index and field."""
    return {"row": error.row, "field": error.field}


def refused(
    problem: RowsRefused,
    *,
    position: Callable[[RowError], dict[str, Any]] = row_position,
    what: str = "row",
) -> Problem:
    """The 422 (or 423 when only locks are in the way) listing every bad row."""
    errors = [
        {**position(error), "code": error.code, "message": error.message, **error.extra}
        for error in problem.errors
    ]
    bad = len({error.row for error in problem.errors})
    if all(error.code == VERSION_MISMATCH for error in problem.errors):
        return Problem(
            412,
            "precondition-failed",
            f"{bad} {what}(s) changed since they were read (their `if_version` is not the "
            "stored version); nothing was written. Read them again and resend.",
            errors=errors,
        )
    if all(error.code == MONTH_LOCKED for error in problem.errors):
        return Problem(
            423,
            "month-locked",
            f"{bad} {what}(s) would change locked months; nothing was written. An admin can "
            "move or remove the tracker's lock.",
            title="Month locked",
            errors=errors,
        )
    return Problem(
        422,
        "validation-error",
        f"{bad} {what}(s) are invalid; nothing was written.",
        errors=errors,
    )


def schema_errors(row: int, error: ValidationError) -> list[RowError]:
    """Pydantic's problems with one row, each naming the row's field."""
    found = []
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        found.append(
            RowError(
                row=row,
                field=".".join(location) or "row",
                code=item["type"],
                message=str(item["msg"]).removeprefix("Value error, "),
            )
        )
    return found


def version_mismatch(index: int, expected: int, stored: int) -> RowError:
    """Row `index` was sent for version `expected` of its month, which is at `stored`."""
    what = "has no value yet" if stored == 0 else f"is at version {stored}"
    return RowError(
        index,
        "if_version",
        VERSION_MISMATCH,
        f"This month {what}, not {expected}: it changed since it was read. Read it again "
        "and resend the row.",
        {"current_version": stored},
    )


def locked_error(index: int, month: Month, through: Month) -> RowError:
    """Row `index` would change `month`, at or before the tracker's lock."""
    return RowError(
        index,
        "month",
        MONTH_LOCKED,
        f"{month} is locked (the tracker is locked through {through}); an admin must move "
        "or remove the lock first.",
        {"locked_through": str(through)},
    )


def outside_period(index: int, month: Month, start: Month, end: Month) -> RowError:
    return RowError(
        index,
        "month",
        "month_outside_period",
        f"{month} is outside the contract period {start}..{end}.",
    )


def plan_errors(
    problems: Sequence[RowProblem], rows: RowsToWrite, index_of: Sequence[int], what: str
) -> list[RowError]:
    """The write plan's problems as row errors; `index_of[i]` is the request index of the
    planned row i, `what` names a row's slot ("calculation and month")."""
    errors = []
    for problem in problems:
        at = problem.row
        index = index_of[at]
        month = rows.months[at]
        if problem.kind is ProblemKind.outside_period:
            errors.append(
                outside_period(index, month, rows.period_starts[at], rows.period_ends[at])
            )
        elif problem.kind is ProblemKind.initial_value_required:
            errors.append(
                RowError(
                    index,
                    "value",
                    "initial_value_required",
                    f"{month} holds the input's initial value (the contract's first "
                    "month); change it instead of removing it.",
                )
            )
        elif problem.kind is ProblemKind.duplicate:
            assert problem.duplicate_of is not None
            earlier = index_of[problem.duplicate_of]
            errors.append(
                RowError(
                    index,
                    "month",
                    "duplicate_row",
                    f"Row {earlier} already sets this {what}; send each one once.",
                    {"duplicate_of": earlier},
                )
            )
        elif problem.kind is ProblemKind.stale_version:
            assert problem.if_version is not None
            assert problem.stored_version is not None
            errors.append(version_mismatch(index, problem.if_version, problem.stored_version))
        else:
            assert problem.locked_through is not None
            errors.append(locked_error(index, month, problem.locked_through))
    return errors
