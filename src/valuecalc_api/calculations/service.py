"""Benefit calculations: create, change and delete them, checking the formula on save.

The formula is compiled with the core (SPEC 3 "Formula") against the calculation's input
keys and the built-in variables; an invalid one is refused with the core's reason and
the position of the problem. Inputs get their initial value at the tracker's first month
(SPEC 3 "Carry-forward timelines").

Once months are locked, a change that moves their numbers (formula, metric baseline,
direction or target, inputs and their initial values, ramp; creating or deleting a
calculation) is refused with 423; renaming is not. Every change leaves one audit record;
updates honour `If-Match`, which a DELETE requires.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit import service as audit
from valuecalc_api.audit.snapshots import calculation_state
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.calculations.schemas import (
    CalculationCreate,
    CalculationOut,
    CalculationPatch,
    FormulaWarningOut,
    InputOut,
    InputPatchItem,
    MetricOut,
    RampStepIn,
    RampStepOut,
)
from valuecalc_api.field_errors import FieldError, field_error
from valuecalc_api.if_match import check_if_match, etag_for
from valuecalc_api.locks.service import ensure_unlocked_from
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.models.calculation import Calculation, CalculationInput, RampStep
from valuecalc_api.models.measurement import InputChange
from valuecalc_api.models.tracker import Tracker, UseCase
from valuecalc_api.partial_updates import changes_nothing, patch_values
from valuecalc_api.problems import Problem, conflict, invalid, not_found
from valuecalc_api.trackers import repository
from valuecalc_api.trackers.service import get_use_case, refuse_if_measured
from valuecalc_api.unique_conflicts import flush_or_conflict
from valuecalc_core.formula import (
    BUILTIN_VARIABLES,
    FormulaError,
    compile_formula,
    compile_formula_to_save,
)
from valuecalc_core.months import Period
from valuecalc_core.valuation import FormulaWarning, formula_warnings


def calculation_out(calculation: Calculation) -> CalculationOut:
    """The response body; needs the calculation's inputs (with changes) and ramp loaded."""
    return CalculationOut(
        id=calculation.id,
        tracker_id=calculation.tracker_id,
        use_case_id=calculation.use_case_id,
        key=calculation.key,
        name=calculation.name,
        kind=calculation.kind,
        metric=MetricOut(
            name=calculation.metric_name,
            unit=calculation.metric_unit,
            baseline=calculation.baseline,
            direction=calculation.direction,
            target=calculation.target,
        ),
        # The first change of an input is at the contract's start: its initial value.
        inputs=[
            InputOut(key=i.key, name=i.name, unit=i.unit, initial_value=i.changes[0].value)
            for i in sorted(calculation.inputs, key=lambda i: i.position)
        ],
        formula=calculation.formula,
        ramp=[RampStepOut(from_month=s.from_month, share=s.share) for s in calculation.ramp_steps],
        warnings=[
            FormulaWarningOut(code=w.code, variable=w.variable, message=w.message)
            for w in _warnings(calculation)
        ],
        version=calculation.version,
        created_at=calculation.created_at,
        updated_at=calculation.updated_at,
    )


def _warnings(calculation: Calculation) -> tuple[FormulaWarning, ...]:
    """The saved formula's warnings (every stored formula was checked when saved)."""
    try:
        formula = compile_formula(
            calculation.formula, [*(i.key for i in calculation.inputs), *BUILTIN_VARIABLES]
        )
    except FormulaError:  # pragma: no cover - only a formula stored by hand in the database
        return ()
    return formula_warnings(formula.variables, calculation.baseline, calculation.target)


async def get_calculation(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    *,
    with_inputs: bool = True,
    lock_tracker: bool = False,
) -> tuple[Calculation, Tracker]:
    """The calculation and its tracker; 404 if not the organization's or not the key's."""
    found = await repository.get_calculation_and_tracker(
        session,
        principal.organization_id,
        calculation_id,
        with_inputs=with_inputs,
        lock_tracker=lock_tracker,
    )
    if found is None or not principal.can_see_tracker(found[1].id):
        raise not_found("calculation")
    return found


def formula_errors(formula: str, input_keys: Sequence[str]) -> list[FieldError]:
    """The formula's problem as a 422 item (field, code, message, position), or none."""
    try:
        compile_formula_to_save(formula, [*input_keys, *BUILTIN_VARIABLES])
    except FormulaError as error:
        return [field_error("formula", error.code, error.reason, position=error.position)]
    return []


def _duplicate_key_errors(keys: Sequence[str]) -> list[FieldError]:
    seen: set[str] = set()
    errors: list[FieldError] = []
    for index, key in enumerate(keys):
        if key in seen:
            errors.append(
                field_error(f"inputs.{index}.key", "duplicate_input", f"{key!r} is listed twice.")
            )
        seen.add(key)
    return errors


def _ramp_errors(ramp: Sequence[RampStepIn], period: Period) -> list[FieldError]:
    seen: set[int] = set()
    errors: list[FieldError] = []
    for index, step in enumerate(ramp):
        if step.from_month in seen:
            errors.append(
                field_error(
                    f"ramp.{index}.from_month",
                    "duplicate_ramp_month",
                    f"Contract month {step.from_month} has two ramp steps.",
                )
            )
        elif step.from_month > len(period):
            errors.append(
                field_error(
                    f"ramp.{index}.from_month",
                    "month_outside_period",
                    f"The contract {period} has {len(period)} months; a ramp step cannot start "
                    f"in month {step.from_month}.",
                )
            )
        seen.add(step.from_month)
    return errors


def _key_taken(key: str) -> Problem:
    return conflict(
        "calculation-key-taken",
        f"Another calculation of this tracker already has the key {key!r}.",
    )


def _ramp_steps(organization_id: uuid.UUID, ramp: Sequence[RampStepIn]) -> list[RampStep]:
    return [
        RampStep(organization_id=organization_id, from_month=step.from_month, share=step.share)
        for step in sorted(ramp, key=lambda s: s.from_month)
    ]


def _new_input(
    tracker: Tracker, key: str, name: str, unit: str, position: int, initial_value: object
) -> CalculationInput:
    return CalculationInput(
        organization_id=tracker.organization_id,
        key=key,
        name=name,
        unit=unit,
        position=position,
        changes=[
            InputChange(
                organization_id=tracker.organization_id,
                month=tracker.start_month,
                value=initial_value,
                version=1,
            )
        ],
    )


async def _use_case_and_tracker(
    session: AsyncSession, principal: Principal, use_case_id: uuid.UUID
) -> tuple[UseCase, Tracker]:
    found = await repository.get_use_case_and_tracker(
        session, principal.organization_id, use_case_id
    )
    if found is None or not principal.can_see_tracker(found[1].id):
        raise not_found("use case")
    return found


async def list_calculations(
    session: AsyncSession,
    principal: Principal,
    use_case_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[Calculation]:
    use_case = await get_use_case(session, principal, use_case_id)
    return await repository.list_calculations(
        session, principal.organization_id, use_case.id, limit=limit, after=after
    )


async def create_calculation(
    session: AsyncSession, principal: Principal, use_case_id: uuid.UUID, body: CalculationCreate
) -> Calculation:
    use_case, tracker = await _use_case_and_tracker(session, principal, use_case_id)
    keys = [item.key for item in body.inputs]
    errors = _duplicate_key_errors(keys)
    errors += formula_errors(body.formula, keys)
    errors += _ramp_errors(body.ramp, Period(tracker.start_month, tracker.end_month))
    if errors:
        raise invalid(errors)
    # A new calculation adds projected and realized values to every month.
    await ensure_unlocked_from(session, principal.organization_id, tracker.id, tracker.start_month)
    metric = body.metric
    calculation = Calculation(
        organization_id=principal.organization_id,
        tracker_id=tracker.id,
        use_case_id=use_case.id,
        key=body.key,
        name=body.name,
        kind=body.kind,
        metric_name=metric.name,
        metric_unit=metric.unit,
        baseline=metric.baseline,
        direction=metric.direction,
        target=metric.target,
        formula=body.formula,
        version=1,
        inputs=[
            _new_input(tracker, item.key, item.name, item.unit, position, item.initial_value)
            for position, item in enumerate(body.inputs)
        ],
        ramp_steps=_ramp_steps(principal.organization_id, body.ramp),
    )
    session.add(calculation)
    await flush_or_conflict(session, {"uq_calculations_tracker_id_key": _key_taken(body.key)})
    await _record(session, principal, calculation, AuditAction.create, None)
    return calculation


async def _record(
    session: AsyncSession,
    principal: Principal,
    calculation: Calculation,
    action: AuditAction,
    before: Mapping[str, object] | None,
) -> None:
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.calculation,
        entity_id=calculation.id,
        tracker_id=calculation.tracker_id,
        calculation_id=calculation.id,
        action=action,
        before=before,
        after=None if action is AuditAction.delete else calculation_state(calculation),
    )


async def _lock_current_version(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID, if_match: str | None
) -> tuple[Calculation, Tracker]:
    """Lock the calculation row first (so what we load next is current), then load it
    and compare its ETag with `If-Match`; a DELETE requires the header."""
    await repository.lock_calculation(session, principal.organization_id, calculation_id)
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, lock_tracker=True
    )
    check_if_match(if_match, etag_for(calculation.id, calculation.version), required=False)
    return calculation, tracker


def _changes_numbers(
    calculation: Calculation,
    values: Mapping[str, object],
    metric: Mapping[str, object],
    items: Sequence[InputPatchItem] | None,
) -> bool:
    """Whether the patch changes any month's projected or realized value (not just labels)."""
    if values.get("formula", calculation.formula) != calculation.formula:
        return True
    if any(
        metric.get(name, getattr(calculation, name)) != getattr(calculation, name)
        for name in ("baseline", "direction", "target")
    ):
        return True
    ramp = values.get("ramp")
    if isinstance(ramp, list) and [(s.from_month, s.share) for s in ramp] != [
        (s.from_month, s.share) for s in calculation.ramp_steps
    ]:
        return True
    if items is None:
        return False
    initial = {i.key: i.changes[0].value for i in calculation.inputs}
    return set(initial) != {item.key for item in items} or any(
        item.initial_value is not None and item.initial_value != initial[item.key] for item in items
    )


def _changes_anything(
    calculation: Calculation,
    values: Mapping[str, object],
    metric: Mapping[str, object],
    items: Sequence[InputPatchItem] | None,
) -> bool:
    """Whether the patch changes any stored field, label or number."""
    if _changes_numbers(calculation, values, metric, items):
        return True
    labels = {name: value for name, value in values.items() if name in ("key", "name", "kind")}
    if not changes_nothing(calculation, labels):
        return True
    if not changes_nothing(calculation, metric, {"name": "metric_name", "unit": "metric_unit"}):
        return True
    if items is None:
        return False
    stored = sorted(calculation.inputs, key=lambda i: i.position)
    return [(i.key, i.name, i.unit) for i in stored] != [(i.key, i.name, i.unit) for i in items]


async def update_calculation(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    body: CalculationPatch,
    if_match: str | None = None,
) -> Calculation:
    calculation, tracker = await _lock_current_version(session, principal, calculation_id, if_match)
    values = patch_values(body)
    metric = patch_values(body.metric, prefix="metric.") if body.metric is not None else {}
    items: list[InputPatchItem] | None = values.get("inputs")
    if not _changes_anything(calculation, values, metric, items):
        return calculation  # no new version, no audit event, no write (issue 12)
    errors: list[FieldError] = []
    if items is None:
        keys = [i.key for i in calculation.inputs]
    else:
        keys = [item.key for item in items]
        errors += _duplicate_key_errors(keys)
        existing = {i.key for i in calculation.inputs}
        errors += [
            field_error(
                f"inputs.{index}.initial_value",
                "missing",
                f"The new input {item.key!r} needs its value at the contract's first month.",
            )
            for index, item in enumerate(items)
            if item.key not in existing and item.initial_value is None
        ]
    errors += formula_errors(values.get("formula", calculation.formula), keys)
    if "ramp" in values:
        errors += _ramp_errors(values["ramp"], Period(tracker.start_month, tracker.end_month))
    if errors:
        raise invalid(errors)
    if _changes_numbers(calculation, values, metric, items):
        await ensure_unlocked_from(
            session, principal.organization_id, tracker.id, tracker.start_month
        )
    before = calculation_state(calculation)

    key_taken = {"uq_calculations_tracker_id_key": _key_taken(values.get("key", calculation.key))}
    if "ramp" in values:  # steps are unique per month: delete the old ones first
        calculation.ramp_steps.clear()
        await flush_or_conflict(session, key_taken)
        calculation.ramp_steps.extend(_ramp_steps(principal.organization_id, values["ramp"]))
    for name in ("key", "name", "kind", "formula"):
        if name in values:
            setattr(calculation, name, values[name])
    for name, value in metric.items():
        setattr(calculation, "metric_" + name if name in ("name", "unit") else name, value)
    if items is not None:
        _apply_inputs(calculation, tracker, items)
    calculation.version += 1
    await flush_or_conflict(session, key_taken)
    await _record(session, principal, calculation, AuditAction.update, before)
    return calculation


def _apply_inputs(
    calculation: Calculation, tracker: Tracker, items: Sequence[InputPatchItem]
) -> None:
    """Make the calculation's inputs the `items`: add, update, and remove (with changes)."""
    existing = {i.key: i for i in calculation.inputs}
    wanted = {item.key for item in items}
    for removed in [i for key, i in existing.items() if key not in wanted]:
        calculation.inputs.remove(removed)
    for position, item in enumerate(items):
        current = existing.get(item.key)
        if current is None:
            calculation.inputs.append(
                _new_input(tracker, item.key, item.name, item.unit, position, item.initial_value)
            )
            continue
        current.name, current.unit, current.position = item.name, item.unit, position
        initial = current.changes[0]
        if item.initial_value is not None and initial.value != item.initial_value:
            initial.value = item.initial_value
            initial.version += 1


async def delete_calculation(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID, if_match: str | None
) -> None:
    calculation, tracker = await _lock_current_version(session, principal, calculation_id, None)
    check_if_match(if_match, etag_for(calculation.id, calculation.version), required=True)
    await ensure_unlocked_from(session, principal.organization_id, tracker.id, tracker.start_month)
    refuse_if_measured(
        await repository.count_measurements_under(
            session, principal.organization_id, calculation_id=calculation.id
        ),
        "calculation",
    )
    before = calculation_state(calculation)
    await repository.delete_calculation(session, principal.organization_id, calculation.id)
    await _record(session, principal, calculation, AuditAction.delete, before)
