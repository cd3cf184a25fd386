"""The audited state of each value-tracking resource: what `before` / `after` hold for it.

A tracker includes its one-time fees, a calculation its inputs (with their initial
values) and ramp, so a record shows every number the change could have moved. Callers
load those relationships first (they are `lazy="raise"`).
"""

from __future__ import annotations

from valuecalc_api.audit.values import JsonValue, snapshot
from valuecalc_api.models.calculation import Calculation
from valuecalc_api.models.measurement import InputChange, Measurement
from valuecalc_api.models.tracker import Tracker, UseCase


def tracker_state(tracker: Tracker) -> dict[str, JsonValue]:
    fees = [
        {"month": fee.month, "amount": fee.amount, "description": fee.description}
        for fee in tracker.one_time_fees
    ]
    return snapshot(tracker, extra={"one_time_fees": fees})


def use_case_state(use_case: UseCase) -> dict[str, JsonValue]:
    return snapshot(use_case)


def calculation_state(calculation: Calculation) -> dict[str, JsonValue]:
    inputs = [
        {
            "key": item.key,
            "name": item.name,
            "unit": item.unit,
            "initial_value": item.changes[0].value if item.changes else None,
        }
        for item in sorted(calculation.inputs, key=lambda item: item.position)
    ]
    ramp = [{"from_month": step.from_month, "share": step.share} for step in calculation.ramp_steps]
    return snapshot(calculation, extra={"inputs": inputs, "ramp": ramp})


def measurement_state(measurement: Measurement) -> dict[str, JsonValue]:
    return snapshot(measurement)


def input_change_state(change: InputChange, input_key: str) -> dict[str, JsonValue]:
    return snapshot(change, extra={"input_key": input_key})
