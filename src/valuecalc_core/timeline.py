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
from operator import is_

from valuecalc_core.frozen import fast_init
from valuecalc_core.months import Month
from valuecalc_core.tracker_model import CalculationSpec


class Provenance(StrEnum):
    """Where a month's metric value came from."""

    MEASURED = "measured"
    ESTIMATE = "estimate"
    CARRIED = "carried"
    NONE = "none"


_MEASURED = Provenance.MEASURED
_ESTIMATE = Provenance.ESTIMATE
_CARRIED = Provenance.CARRIED
_NONE = Provenance.NONE


@fast_init
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
    # Plain loops over the few changes and ~one measurement per month: in Python
    # 3.11 they beat attrgetter/map pipelines here (specialized slot reads, no
    # intermediate lists), and this runs for every calculation of every report.
    start = first.ordinal
    definitions = calculation.inputs
    steps: dict[str, list[tuple[int, Decimal]]] = {d.key: [] for d in definitions}
    for change in calculation.input_changes:
        index = change.month.ordinal - start
        if 0 <= index < month_count:
            steps[change.key].append((index, change.value))
    columns = tuple([_runs(steps[d.key], month_count) for d in definitions])
    # `_runs` sorted each input's steps: their months are where some input changes.
    change_at = {index for d in definitions for index, _ in steps[d.key]}

    metric: list[Decimal | None] = [None] * month_count
    measured_at: list[int] = []
    estimates: list[int] = []
    for entry in calculation.measurements:
        index = entry.month.ordinal - start
        if 0 <= index < month_count:
            metric[index] = entry.value
            measured_at.append(index)
            if provenance and entry.estimate:
                estimates.append(index)
    measured_at.sort()
    origins: list[Provenance] = []
    if not measured_at:
        if provenance:
            origins = [_NONE] * month_count
    else:
        first_measured = measured_at[0]
        if provenance:
            # `none` before the first measurement, then `measured` except the estimates
            # (set here) and the carried months (set below): cheaper than one per month.
            origins = [_NONE] * first_measured + [_MEASURED] * (month_count - first_measured)
            for index in estimates:
                origins[index] = _ESTIMATE
        if len(measured_at) < month_count - first_measured:
            # Carry forward: each month without a value after the first measurement
            # takes the previous month's (ascending, so runs of gaps carry). Finding
            # the gaps runs in C; only the few gap months take a Python step.
            gaps = map(is_, metric[first_measured:], repeat(None))
            for index in compress(range(first_measured, month_count), gaps):
                metric[index] = metric[index - 1]
                if provenance:
                    origins[index] = _CARRIED
    return Timeline(
        first,
        month_count,
        tuple(metric),
        tuple(origins),
        columns,
        tuple(measured_at),
        tuple(sorted(change_at)),
    )


def _runs(steps: list[tuple[int, Decimal]], month_count: int) -> tuple[Decimal, ...]:
    """A column holding each change's value from its month until the next change."""
    if not month_count:
        return ()
    # At most one change per input and month (the model checks), so sorting the
    # (index, value) pairs never compares two values.
    steps.sort()
    # The model guarantees a change at the first month.
    assert steps
    assert steps[0][0] == 0
    if len(steps) == 1:
        return (steps[0][1],) * month_count  # never changed: one run
    column: list[Decimal] = []
    index, value = steps[0]
    for end, following in steps[1:]:
        column += [value] * (end - index)
        index, value = end, following
    column += [value] * (month_count - index)
    return tuple(column)
