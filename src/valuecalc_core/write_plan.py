"""Planning a write of month values: what each row of a request does, or why it cannot.

One rule for every write of a measurement or an input change (SPEC 3, SPEC 6), whether it
comes as a single-month `PUT` / `DELETE`, a bulk row or a CSV line. For each row, in
this order (a row refused by one check is not looked at by the next):

1. its month must lie in the contract period (`outside_period`);
2. removing the value at the period's first month is refused where that month holds an
   initial value (`initial_value_required`, input changes);
3. a second row for the same slot (owner and month) as an earlier row is a `duplicate`;
4. the row is `created` (no stored value), `updated`, `unchanged` (the stored value with the
   same estimate flag, and the same source or none given), or `deleted` (a removal of a
   stored value; removing nothing is `unchanged`);
5. an `if_version` other than the stored version (0: none stored) is `stale_version`;
6. a row that changes a month at or before the lock is `month_locked`; an unchanged row
   is not a change, so it passes (a re-imported template), unless `unchanged_in_locked`
   is False (a single-month write, which is refused in a locked month whatever it holds).

The request is column-wise (one sequence per field, row i at index i): at 10,000 rows,
an object per row costs more than the database's work.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from valuecalc_core.months import Month


class RowStatus(StrEnum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"
    deleted = "deleted"


class StoredValue(Protocol):
    """What the plan needs of a stored value (a database row's named tuple fits)."""

    @property
    def value(self) -> Decimal: ...

    @property
    def estimate(self) -> bool: ...

    @property
    def source(self) -> str | None: ...

    @property
    def version(self) -> int: ...


class ProblemKind(StrEnum):
    outside_period = "outside_period"
    initial_value_required = "initial_value_required"
    duplicate = "duplicate"
    stale_version = "stale_version"
    month_locked = "month_locked"


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why row `row` cannot be written; the fields its kind needs are set, others None."""

    row: int
    kind: ProblemKind
    duplicate_of: int | None = None
    if_version: int | None = None
    stored_version: int | None = None
    locked_through: Month | None = None


@dataclass(frozen=True, slots=True)
class RowsToWrite:
    """The rows of one write request, column-wise; every sequence has one entry per row.

    `values[i]` None removes the stored value; `estimates` / `sources` are the rest of
    the wanted value (False / None where a value has none, as input changes);
    `slots[i]` names what the row writes (two rows with equal slots write the same value);
    `period_starts` / `period_ends` bound the row's contract period; `locked_through[i]`
    is the last locked month of the row's tracker, None when it has no lock.
    """

    slots: Sequence[Hashable]
    months: Sequence[Month]
    values: Sequence[Decimal | None]
    estimates: Sequence[bool]
    sources: Sequence[str | None]
    if_versions: Sequence[int | None]
    stored: Sequence[StoredValue | None]
    period_starts: Sequence[Month]
    period_ends: Sequence[Month]
    locked_through: Sequence[Month | None]
    initial_value_required: bool = False
    unchanged_in_locked: bool = True


@dataclass(frozen=True, slots=True)
class WritePlan:
    """`statuses[i]` is what row i does, None where it is refused before planning (checks
    1-3); the request may be applied only when `problems` is empty."""

    statuses: tuple[RowStatus | None, ...]
    problems: tuple[RowProblem, ...]


def status_of(
    value: Decimal | None, estimate: bool, source: str | None, stored: StoredValue | None
) -> RowStatus:
    """What writing (`value`, `estimate`, `source`) over `stored` does (rule 4)."""
    if value is None:
        return RowStatus.unchanged if stored is None else RowStatus.deleted
    if stored is None:
        return RowStatus.created
    if (
        stored.value == value
        and stored.estimate == estimate
        and (source is None or source == stored.source)
    ):
        return RowStatus.unchanged
    return RowStatus.updated


def plan_writes(rows: RowsToWrite) -> WritePlan:
    """Each row's status and every problem of the request (see the module docstring)."""
    problems: list[RowProblem] = []
    statuses: list[RowStatus | None] = []
    first_row: dict[Hashable, int] = {}
    outside, initial, duplicate = (
        ProblemKind.outside_period,
        ProblemKind.initial_value_required,
        ProblemKind.duplicate,
    )
    unchanged = RowStatus.unchanged
    unchanged_in_locked = rows.unchanged_in_locked
    for index, (month, value, start) in enumerate(
        zip(rows.months, rows.values, rows.period_starts, strict=True)
    ):
        if not start <= month <= rows.period_ends[index]:
            problems.append(RowProblem(index, outside))
            statuses.append(None)
            continue
        if value is None and rows.initial_value_required and month == start:
            problems.append(RowProblem(index, initial))
            statuses.append(None)
            continue
        earlier = first_row.setdefault(rows.slots[index], index)
        if earlier != index:
            problems.append(RowProblem(index, duplicate, duplicate_of=earlier))
            statuses.append(None)
            continue
        stored = rows.stored[index]
        status = status_of(value, rows.estimates[index], rows.sources[index], stored)
        statuses.append(status)
        if_version = rows.if_versions[index]
        if if_version is not None:
            stored_version = 0 if stored is None else stored.version
            if if_version != stored_version:
                problems.append(
                    RowProblem(
                        index,
                        ProblemKind.stale_version,
                        if_version=if_version,
                        stored_version=stored_version,
                    )
                )
        through = rows.locked_through[index]
        if (
            through is not None
            and month <= through
            and (status is not unchanged or not unchanged_in_locked)
        ):
            problems.append(RowProblem(index, ProblemKind.month_locked, locked_through=through))
    return WritePlan(tuple(statuses), tuple(problems))
