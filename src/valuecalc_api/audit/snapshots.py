"""The audited state of each value-tracking resource: what `before` / `after` hold for it.

A tracker includes its one-time fees, a calculation its inputs (with their initial
values) and ramp, so a record shows every number the change could have moved. Callers
load those relationships first (they are `lazy="raise"`).

Measurements and input changes are written by set-based statements that insert their
audit events themselves (`measurements.write_repository`, `input_changes.write_repository`):
their state is built in SQL, here, from the statement's row `i`. Values are text in plain
notation, months `YYYY-MM`, as `snapshot` gives them.
"""

from __future__ import annotations

from valuecalc_api.audit.json_values import JsonValue, snapshot
from valuecalc_api.audit.service import AUDIT_WHO_COLUMNS
from valuecalc_api.models.calculation import Calculation
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


AUDIT_EVENT_COLUMNS = f"""
    id, {AUDIT_WHO_COLUMNS}, tracker_id, calculation_id,
    entity_type, entity_id, month, action, before, after
"""
"""The columns of an audit event, in the order the write statements select them."""


def measurement_state_sql(value: str, estimate: str, source: str, version: str) -> str:
    """A measurement's audited state (id, calculation_id, month, value, estimate, source,
    version) as a SQL expression: id, calculation_id and month from row `i`, the rest the
    given SQL expressions (the state before or after the write)."""
    return (
        "jsonb_build_object('id', i.id::text, 'calculation_id', i.calculation_id::text, "
        f"'month', to_char(i.month, 'YYYY-MM'), 'value', ({value})::text, "
        f"'estimate', {estimate}, 'source', {source}, 'version', {version})"
    )


def input_change_state_sql(value: str, version: str) -> str:
    """An input change's audited state (id, input_id, month, value, version, input_key) as
    a SQL expression, like `measurement_state_sql`."""
    return (
        "jsonb_build_object('id', i.id::text, 'input_id', i.input_id::text, "
        f"'month', to_char(i.month, 'YYYY-MM'), 'value', ({value})::text, "
        f"'version', {version}, 'input_key', i.input_key)"
    )
