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

from valuecalc_core.months import Month
from valuecalc_core.tracker_model import CalculationSpec


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
    `changed[i]` is True when something the formula could see changes in month i
    (a measurement or an input change, and always month 0): a month with
    `changed[i]` False has exactly the formula arguments of month i-1.
    `input_changed[i]` is the same for inputs alone (used by the projection).
    """

    first: Month
    month_count: int
    metric: tuple[Decimal | None, ...]
    provenance: tuple[Provenance, ...]
    inputs: tuple[tuple[Decimal, ...], ...]
    changed: tuple[bool, ...]
    input_changed: tuple[bool, ...]


def build_timeline(calculation: CalculationSpec, first: Month, month_count: int) -> Timeline:
    """Carry measurements and input changes forward over `month_count` months from `first`.

    Changes after the last month (e.g. after the report's `as_of`) are ignored.
    The model guarantees each input has a change at `first` and at most one
    measurement per month, so every input column is fully defined.
    """
    start = first.ordinal
    input_changed = [False] * month_count
    if month_count:
        input_changed[0] = True
    columns: list[tuple[Decimal, ...]] = []
    if calculation.inputs:
        by_key: dict[str, list[Decimal | None]] = {
            d.key: [None] * month_count for d in calculation.inputs
        }
        for change in calculation.input_changes:
            index = change.month.ordinal - start
            if 0 <= index < month_count:
                by_key[change.key][index] = change.value
                input_changed[index] = True
        for definition in calculation.inputs:
            columns.append(_fill_forward(by_key[definition.key]))

    metric: list[Decimal | None] = [None] * month_count
    provenance = [Provenance.NONE] * month_count
    changed = list(input_changed)
    for entry in calculation.measurements:
        index = entry.month.ordinal - start
        if 0 <= index < month_count:
            metric[index] = entry.value
            provenance[index] = Provenance.ESTIMATE if entry.estimate else Provenance.MEASURED
            changed[index] = True
    current: Decimal | None = None
    for index in range(month_count):
        value = metric[index]
        if value is not None:
            current = value
        elif current is not None:
            metric[index] = current
            provenance[index] = Provenance.CARRIED
    return Timeline(
        first=first,
        month_count=month_count,
        metric=tuple(metric),
        provenance=tuple(provenance),
        inputs=tuple(columns),
        changed=tuple(changed),
        input_changed=tuple(input_changed),
    )


def _fill_forward(column: list[Decimal | None]) -> tuple[Decimal, ...]:
    current = column[0] if column else None
    filled: list[Decimal] = []
    for value in column:
        if value is not None:
            current = value
        # The model guarantees a change at the first month, so `current` is set.
        assert current is not None
        filled.append(current)
    return tuple(filled)
