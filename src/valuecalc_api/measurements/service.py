"""Recording values month by month: input changes (carried forward) and measurements.

Months must lie in the tracker's contract period (SPEC 3); an input keeps a value at
the contract's first month (its initial value), which can be changed but not removed.
Every write checks `If-Match` against the row it replaces (412 when stale), is refused in
a locked month (423), and leaves one audit record; a write that changes nothing leaves none.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit import service as audit
from valuecalc_api.audit.snapshots import input_change_state, measurement_state
from valuecalc_api.audit.values import JsonValue
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.concurrency import check_if_match, etag_for
from valuecalc_api.locks.service import ensure_unlocked
from valuecalc_api.measurements import repository
from valuecalc_api.measurements.schemas import MeasurementPut
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.models.calculation import Calculation, CalculationInput
from valuecalc_api.models.measurement import InputChange, Measurement
from valuecalc_api.models.tracker import Tracker
from valuecalc_api.pagination import decode_cursor, encode_cursor
from valuecalc_api.problems import Problem, conflict, invalid
from valuecalc_api.trackers.calculation_service import get_calculation
from valuecalc_api.trackers.terms import field_error
from valuecalc_core.months import Month


def _check_in_period(tracker: Tracker, month: Month) -> None:
    if not tracker.start_month <= month <= tracker.end_month:
        raise invalid(
            [
                field_error(
                    "month",
                    "month_outside_period",
                    f"{month} is outside the contract period "
                    f"{tracker.start_month}..{tracker.end_month}.",
                )
            ]
        )


def _no_such(what: str) -> Problem:
    return Problem(404, "not-found", what)


def _check_if_match(if_match: str | None, row: InputChange | Measurement | None) -> None:
    """412 unless `If-Match` (if sent) names the current version; nothing matches no row."""
    if row is not None:
        check_if_match(if_match, etag_for(row.id, row.version), required=False)
    elif if_match is not None and if_match.strip():
        raise Problem(
            412,
            "precondition-failed",
            "There is no value for this month, so no ETag can match; send the request "
            "without If-Match to create it.",
        )


def _created_concurrently() -> Problem:
    # `lock_new_month` makes this unreachable for writes through this module; a writer that
    # skips it could still insert between our read and our upsert. We cannot tell what we
    # replaced then, so we refuse instead of auditing a guess.
    return conflict(
        "concurrent-write",
        "Another request wrote this month at the same time; read it and send yours again.",
    )


async def _input(
    session: AsyncSession, principal: Principal, calculation: Calculation, key: str
) -> CalculationInput:
    found = await repository.get_input(session, principal.organization_id, calculation.id, key)
    if found is None:
        raise _no_such(f"This calculation has no input {key!r}.")
    return found


# --- input changes -------------------------------------------------------------------


async def list_inputs(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID
) -> Sequence[CalculationInput]:
    calculation, _ = await get_calculation(session, principal, calculation_id, with_inputs=False)
    return await repository.list_inputs_with_changes(
        session, principal.organization_id, calculation.id
    )


async def put_input_change(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    key: str,
    month: Month,
    value: Decimal,
    if_match: str | None = None,
) -> tuple[InputChange, bool]:
    """Set input `key` to `value` from `month` on (SPEC 3 "Carry-forward timelines")."""
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, with_inputs=False, lock_tracker=True
    )
    calculation_input = await _input(session, principal, calculation, key)
    _check_in_period(tracker, month)
    existing = await repository.get_input_change(
        session, principal.organization_id, calculation_input.id, month, for_update=True
    )
    if existing is None:
        await repository.lock_new_month(session, calculation_input.id, month)
        existing = await repository.get_input_change(
            session, principal.organization_id, calculation_input.id, month, for_update=True
        )
    _check_if_match(if_match, existing)
    await ensure_unlocked(session, principal.organization_id, tracker.id, [month])
    before = input_change_state(existing, key) if existing is not None else None
    old_version = existing.version if existing is not None else None
    change, created = await repository.put_input_change(
        session, principal.organization_id, calculation_input.id, month, value
    )
    if not created and old_version is None:
        raise _created_concurrently()
    if created or change.version != old_version:
        await _record_input_change(
            session,
            principal,
            tracker.id,
            calculation.id,
            change,
            AuditAction.create if created else AuditAction.update,
            before,
            input_change_state(change, key),
        )
    return change, created


async def _record_input_change(
    session: AsyncSession,
    principal: Principal,
    tracker_id: uuid.UUID,
    calculation_id: uuid.UUID,
    change: InputChange,
    action: AuditAction,
    before: dict[str, JsonValue] | None,
    after: dict[str, JsonValue] | None,
) -> None:
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.input_change,
        entity_id=change.id,
        tracker_id=tracker_id,
        calculation_id=calculation_id,
        month=change.month,
        action=action,
        before=before,
        after=after,
    )


async def get_input_change(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID, key: str, month: Month
) -> InputChange:
    calculation, _ = await get_calculation(session, principal, calculation_id, with_inputs=False)
    calculation_input = await _input(session, principal, calculation, key)
    change = await repository.get_input_change(
        session, principal.organization_id, calculation_input.id, month
    )
    if change is None:
        raise _no_such(f"Input {key!r} has no change in {month}.")
    return change


async def delete_input_change(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    key: str,
    month: Month,
    if_match: str | None = None,
) -> None:
    """Remove a change; later months then carry the previous value forward."""
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, with_inputs=False, lock_tracker=True
    )
    calculation_input = await _input(session, principal, calculation, key)
    _check_in_period(tracker, month)
    if month == tracker.start_month:
        raise conflict(
            "initial-value-required",
            f"{month} holds the input's initial value (the contract's first month); change it "
            "with PUT instead of removing it.",
        )
    existing = await repository.get_input_change(
        session, principal.organization_id, calculation_input.id, month, for_update=True
    )
    if existing is None:
        raise _no_such(f"Input {key!r} has no change in {month}.")
    check_if_match(if_match, etag_for(existing.id, existing.version), required=False)
    await ensure_unlocked(session, principal.organization_id, tracker.id, [month])
    before = input_change_state(existing, key)
    await repository.delete_input_change(
        session, principal.organization_id, calculation_input.id, month
    )
    await _record_input_change(
        session, principal, tracker.id, calculation.id, existing, AuditAction.delete, before, None
    )


# --- measurements --------------------------------------------------------------------


def _month_cursor(measurement: Measurement) -> str:
    month = measurement.month
    return encode_cursor(datetime(month.year, month.month, 1, tzinfo=UTC), measurement.id)


def _month_after(cursor: str | None) -> tuple[Month, uuid.UUID] | None:
    if cursor is None:
        return None
    moment, measurement_id = decode_cursor(cursor)
    return Month.of(moment.year, moment.month), measurement_id


async def list_measurements(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Measurement], str | None]:
    """A page of measurements by month and the cursor of the next page, if any."""
    calculation, _ = await get_calculation(session, principal, calculation_id, with_inputs=False)
    rows = await repository.list_measurements(
        session,
        principal.organization_id,
        calculation.id,
        limit=limit + 1,
        after=_month_after(cursor),
    )
    shown = rows[:limit]
    return shown, (_month_cursor(shown[-1]) if len(rows) > limit else None)


async def put_measurement(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    month: Month,
    body: MeasurementPut,
    if_match: str | None = None,
) -> tuple[Measurement, bool]:
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, with_inputs=False, lock_tracker=True
    )
    _check_in_period(tracker, month)
    existing = await repository.get_measurement(
        session, principal.organization_id, calculation.id, month, for_update=True
    )
    if existing is None:
        await repository.lock_new_month(session, calculation.id, month)
        existing = await repository.get_measurement(
            session, principal.organization_id, calculation.id, month, for_update=True
        )
    _check_if_match(if_match, existing)
    await ensure_unlocked(session, principal.organization_id, tracker.id, [month])
    before = measurement_state(existing) if existing is not None else None
    old_version = existing.version if existing is not None else None
    measurement, created = await repository.put_measurement(
        session,
        principal.organization_id,
        calculation.id,
        month,
        value=body.value,
        estimate=body.estimate,
        source=body.source,
    )
    if not created and old_version is None:
        raise _created_concurrently()
    if created or measurement.version != old_version:
        await _record_measurement(
            session,
            principal,
            tracker.id,
            measurement,
            AuditAction.create if created else AuditAction.update,
            before,
            measurement_state(measurement),
        )
    return measurement, created


async def _record_measurement(
    session: AsyncSession,
    principal: Principal,
    tracker_id: uuid.UUID,
    measurement: Measurement,
    action: AuditAction,
    before: dict[str, JsonValue] | None,
    after: dict[str, JsonValue] | None,
) -> None:
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.measurement,
        entity_id=measurement.id,
        tracker_id=tracker_id,
        calculation_id=measurement.calculation_id,
        month=measurement.month,
        action=action,
        before=before,
        after=after,
    )


async def get_measurement(
    session: AsyncSession, principal: Principal, calculation_id: uuid.UUID, month: Month
) -> Measurement:
    calculation, _ = await get_calculation(session, principal, calculation_id, with_inputs=False)
    measurement = await repository.get_measurement(
        session, principal.organization_id, calculation.id, month
    )
    if measurement is None:
        raise _no_such(f"This calculation has no measurement in {month}.")
    return measurement


async def delete_measurement(
    session: AsyncSession,
    principal: Principal,
    calculation_id: uuid.UUID,
    month: Month,
    if_match: str | None = None,
) -> None:
    calculation, tracker = await get_calculation(
        session, principal, calculation_id, with_inputs=False, lock_tracker=True
    )
    _check_in_period(tracker, month)
    existing = await repository.get_measurement(
        session, principal.organization_id, calculation.id, month, for_update=True
    )
    if existing is None:
        raise _no_such(f"This calculation has no measurement in {month}.")
    check_if_match(if_match, etag_for(existing.id, existing.version), required=False)
    await ensure_unlocked(session, principal.organization_id, tracker.id, [month])
    before = measurement_state(existing)
    await repository.delete_measurement(session, principal.organization_id, calculation.id, month)
    await _record_measurement(
        session, principal, tracker.id, existing, AuditAction.delete, before, None
    )
