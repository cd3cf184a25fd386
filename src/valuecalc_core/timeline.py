"""Carry-forward timelines (SPEC 3): which input values and which measurement are in effect each month.

An input's value in month m is its latest change at or before m. A measurement
stays in effect until the next one; each month records where its value came
from (`Provenance`). Timelines are plain per-month columns (index 0 is the
contract's first month) so the valuation can walk them without building a
dict per month.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import compress, repeat
from operator import attrgetter, is_, sub

from valuecalc_core.months import Month
from valuecalc_core.tracker_model import CalculationSpec

_ORDINAL = attrgetter("month.ordinal")
_VALUE = attrgetter("value")
_KEY = attrgetter("key")
_ESTIMATE = attrgetter("estimate")


class Provenance(StrEnum):
    """Where a month's metric value came from."""

    MEASURED = "measured"
    ESTIMATE = "estimate"
    CARRIED = "carried"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Timeline:
    """A calculation's carried-forward columns over `month_count` months from `first`.

    `inputs[k]` is the column of the calculation's k-th input definition.
    `measured_at` and `inputs_change_at` are the month indices (ascending) where
    a measurement or any input change takes effect: between two of them every
    month has exactly the formula arguments of the month before.
    """

    first: Month
    month_count: int
    metric: tuple[Decimal | None, ...]
    provenance: tuple[Provenance, ...]
    inputs: tuple[tuple[Decimal, ...], ...]
    measured_at: tuple[int, ...]
    inputs_change_at: tuple[int, ...]


def build_timeline(
    calculation: CalculationSpec, first: Month, month_count: int, *, provenance: bool = True
) -> Timeline:
    """Carry measurements and input changes forward over `month_count` months from `first`.

    Changes after the last month (e.g. after the report's `as_of`) are ignored.
    The model guarantees each input has a change at `first` and at most one
    measurement per month, so every input column is fully defined. Columns are
    built from the changes (a value repeated until the next change), not month by month.
    With `provenance` False the provenance column is left empty (totals-only callers).
    """
    start = first.ordinal
    by_key: dict[str, dict[int, Decimal]] = {d.key: {} for d in calculation.inputs}
    changes = calculation.input_changes
    change_index = list(map(sub, map(_ORDINAL, changes), repeat(start)))
    for key, index, value in zip(
        map(_KEY, changes), change_index, map(_VALUE, changes), strict=True
    ):
        if 0 <= index < month_count:
            by_key[key][index] = value
    change_at = {index for index in change_index if 0 <= index < month_count}
    columns = tuple(_runs(by_key[d.key], month_count) for d in calculation.inputs)

    # attrgetter/map/compress keep the per-measurement work in C: this runs for
    # every calculation of every report.
    entries = calculation.measurements
    measured_at = list(map(sub, map(_ORDINAL, entries), repeat(start)))
    values = list(map(_VALUE, entries))
    if measured_at and not (min(measured_at) >= 0 and max(measured_at) < month_count):
        inside = [0 <= index < month_count for index in measured_at]
        entries = tuple(compress(entries, inside))
        measured_at = list(compress(measured_at, inside))
        values = list(compress(values, inside))
    value_at = dict(zip(measured_at, values, strict=True))
    metric: list[Decimal | None] = list(map(value_at.get, range(month_count)))
    origins: list[Provenance] = []
    if provenance:
        # `measured_at` is still in the order of `entries` here.
        origin_at = dict.fromkeys(measured_at, Provenance.MEASURED)
        for index in compress(measured_at, map(_ESTIMATE, entries)):
            origin_at[index] = Provenance.ESTIMATE
        origins = list(map(origin_at.get, range(month_count), repeat(Provenance.NONE)))
    measured_at.sort()
    if measured_at and len(measured_at) < month_count - measured_at[0]:
        # Carry forward: each month without a value after the first measurement
        # takes the previous month's (in ascending order, so runs of gaps carry).
        first_measured = measured_at[0]
        for index in compress(range(month_count), map(is_, metric, repeat(None))):
            if index > first_measured:
                metric[index] = metric[index - 1]
                if provenance:
                    origins[index] = Provenance.CARRIED
    return Timeline(
        first=first,
        month_count=month_count,
        metric=tuple(metric),
        provenance=tuple(origins),
        inputs=columns,
        measured_at=tuple(measured_at),
        inputs_change_at=tuple(sorted(change_at)),
    )


def _runs(changes: dict[int, Decimal], month_count: int) -> tuple[Decimal, ...]:
    """A column holding each change's value from its month until the next change."""
    if not month_count:
        return ()
    at = sorted(changes)
    # The model guarantees a change at the first month.
    assert at
    assert at[0] == 0
    column: list[Decimal] = []
    for index, end in zip(at, [*at[1:], month_count], strict=True):
        column.extend([changes[index]] * (end - index))
    return tuple(column)
