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
