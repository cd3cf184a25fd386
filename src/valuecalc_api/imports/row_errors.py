"""Problems of single rows, collected over a whole request and reported at once (SPEC 6).

A JSON bulk request names each bad row by its index (`row`, 0-based) and `field`; a CSV
import names its `line` (1-based, the header is line 1) and `column`. When every problem
is a locked month the answer is 423 `month-locked` (as for single-row writes), otherwise
422 `validation-error` with the locked rows among the others.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from valuecalc_api.problems import Problem

MONTH_LOCKED = "month_locked"


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
