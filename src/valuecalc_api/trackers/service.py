"""Trackers and use cases: create, change and delete them safely (SPEC 3 "Objects").

Safety rules decided here:
- a key limited to some trackers cannot create trackers (403) and sees others as 404;
- the currency cannot change once the tracker has calculations (their amounts are in it);
- the period cannot change so that measurements, input changes or ramp steps would fall
  outside it (409 `period-excludes-data`); the inputs' initial values move with the start;
- a DELETE removes configuration but never recorded measurements: while any measurement
  lies under the object it answers 409 `has-measurements`;
- once months are locked (SPEC 3 "Month lock"), a change that would move their numbers
  (contract terms, fees, the missing-months policy, a use case's status, deleting) is
  refused with 423; renaming is not. Every change leaves one audit record, and a tracker
  update or delete honours `If-Match` (required for DELETE).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit import service as audit
from valuecalc_api.audit.snapshots import tracker_state, use_case_state
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.auth.tracker_scope import require_whole_organization
from valuecalc_api.field_errors import field_error
from valuecalc_api.if_match import check_if_match, etag_for
from valuecalc_api.locks.service import ensure_unlocked_from
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.models.tracker import OneTimeFee, Tracker, UseCase
from valuecalc_api.partial_updates import changes_nothing, patch_values
from valuecalc_api.problems import conflict, invalid, not_found
from valuecalc_api.trackers import repository
from valuecalc_api.trackers.schemas import (
    OneTimeFeeIn,
    TrackerCreate,
    TrackerPatch,
    UseCaseCreate,
    UseCasePatch,
)
from valuecalc_api.trackers.terms import terms_errors
from valuecalc_core.months import Month, Period


async def get_tracker(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID, *, for_update: bool = False
) -> Tracker:
    """The tracker (fees loaded); 404 if it is not the organization's or not the key's."""
    principal.check_tracker(tracker_id)
    tracker = await repository.get_tracker(
        session, principal.organization_id, tracker_id, for_update=for_update
    )
    if tracker is None:
        raise not_found("tracker")
    return tracker


def _fees(organization_id: uuid.UUID, fees: list[OneTimeFeeIn]) -> list[OneTimeFee]:
    """Fee rows in month order, the order every response lists them in."""
    return [
        OneTimeFee(
            organization_id=organization_id,
            month=fee.month,
            amount=fee.amount,
            description=fee.description,
        )
        for fee in sorted(fees, key=lambda fee: fee.month)
    ]


def _customer_missing() -> dict[str, str]:
    return field_error(
        "customer_id", "not_found", "No customer with that id exists in your organization."
    )


async def create_tracker(
    session: AsyncSession, principal: Principal, body: TrackerCreate
) -> Tracker:
    require_whole_organization(principal, "creating a tracker")
    errors = terms_errors(
        currency=body.currency,
        start_month=body.start_month,
        end_month=body.end_month,
        recurring_fee_amount=body.recurring_fee_amount,
        one_time_fees=body.one_time_fees,
    )
    if not await repository.customer_exists(session, principal.organization_id, body.customer_id):
        errors.insert(0, _customer_missing())
    if errors:
        raise invalid(errors)
    tracker = Tracker(
        organization_id=principal.organization_id,
        customer_id=body.customer_id,
        name=body.name,
        currency=body.currency,
        start_month=body.start_month,
        end_month=body.end_month,
        recurring_fee_amount=body.recurring_fee_amount,
        recurring_fee_interval=body.recurring_fee_interval,
        missing_months=body.missing_months,
        one_time_fees=_fees(principal.organization_id, body.one_time_fees),
        version=1,
    )
    session.add(tracker)
    await session.flush()
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.tracker,
        entity_id=tracker.id,
        tracker_id=tracker.id,
        action=AuditAction.create,
        before=None,
        after=tracker_state(tracker),
    )
    return tracker


async def update_tracker(
    session: AsyncSession,
    principal: Principal,
    tracker_id: uuid.UUID,
    body: TrackerPatch,
    if_match: str | None = None,
) -> Tracker:
    tracker = await get_tracker(session, principal, tracker_id, for_update=True)
    check_if_match(if_match, etag_for(tracker.id, tracker.version), required=False)
    values = patch_values(body)
    if _tracker_unchanged(tracker, values):
        return tracker
    currency: str = values.get("currency", tracker.currency)
    start: Month = values.get("start_month", tracker.start_month)
    end: Month = values.get("end_month", tracker.end_month)
    fees: list[OneTimeFeeIn] = values.get("one_time_fees") or []
    if "one_time_fees" not in values:  # the kept fees must still fit the (new) period
        fees = [
            OneTimeFeeIn(month=fee.month, amount=fee.amount, description=fee.description)
            for fee in tracker.one_time_fees
        ]
    errors = terms_errors(
        currency=currency,
        start_month=start,
        end_month=end,
        recurring_fee_amount=values.get("recurring_fee_amount", tracker.recurring_fee_amount),
        one_time_fees=fees,
    )
    customer_id = values.get("customer_id", tracker.customer_id)
    if customer_id != tracker.customer_id:
        # The customer's record would become visible to the key through this tracker.
        require_whole_organization(principal, "moving a tracker to another customer")
    if customer_id != tracker.customer_id and not await repository.customer_exists(
        session, principal.organization_id, customer_id
    ):
        errors.insert(0, _customer_missing())
    if errors:
        raise invalid(errors)
    first_changed = _first_month_whose_numbers_change(tracker, values, fees)
    if first_changed is not None:
        await ensure_unlocked_from(session, principal.organization_id, tracker.id, first_changed)
    before = tracker_state(tracker)
    if currency != tracker.currency:
        calculations = await repository.count_calculations(
            session, principal.organization_id, tracker.id
        )
        if calculations:
            raise conflict(
                "currency-locked",
                f"The tracker's {calculations} calculation(s) give benefits in "
                f"{tracker.currency}; its currency cannot change. Create a new tracker instead.",
            )
    if (start, end) != (tracker.start_month, tracker.end_month):
        await _check_period_change(session, tracker, Period(start, end))
        if start != tracker.start_month:
            await repository.move_initial_values(
                session, principal.organization_id, tracker.id, tracker.start_month, start
            )
    for name, value in values.items():
        if name != "one_time_fees":
            setattr(tracker, name, value)
    if "one_time_fees" in values:
        tracker.one_time_fees = _fees(principal.organization_id, fees)
    tracker.version += 1
    await session.flush()
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.tracker,
        entity_id=tracker.id,
        tracker_id=tracker.id,
        action=AuditAction.update,
        before=before,
        after=tracker_state(tracker),
    )
    return tracker


def _tracker_unchanged(tracker: Tracker, values: dict[str, Any]) -> bool:
    """Whether the patch's fields equal the stored ones (one-time fees compared as a list)."""
    fees: list[OneTimeFeeIn] | None = values.get("one_time_fees")
    if fees is not None and [(f.month, f.amount, f.description) for f in fees] != [
        (f.month, f.amount, f.description) for f in tracker.one_time_fees
    ]:
        return False
    return changes_nothing(tracker, {n: v for n, v in values.items() if n != "one_time_fees"})


_TERMS_OF_EVERY_MONTH = (
    "currency",
    "recurring_fee_amount",
    "recurring_fee_interval",
    "missing_months",
)


def _first_month_whose_numbers_change(
    tracker: Tracker, values: dict[str, object], fees: list[OneTimeFeeIn]
) -> Month | None:
    """The first month whose benefit, cost or ROI the update changes, None if only labels
    change. A lock covers a prefix of months, so this month alone decides (SPEC 3)."""
    firsts: list[Month] = []
    if any(
        name in values and values[name] != getattr(tracker, name) for name in _TERMS_OF_EVERY_MONTH
    ):
        firsts.append(tracker.start_month)
    start = values.get("start_month", tracker.start_month)
    if isinstance(start, Month) and start != tracker.start_month:
        firsts.append(min(start, tracker.start_month))
    end = values.get("end_month", tracker.end_month)
    if isinstance(end, Month) and end != tracker.end_month:
        firsts.append(min(end, tracker.end_month) + 1)
    old_fees = {(f.month, f.amount, f.description) for f in tracker.one_time_fees}
    new_fees = {(f.month, f.amount, f.description) for f in fees}
    firsts += [month for month, _, _ in old_fees ^ new_fees]
    return min(firsts, default=None)


async def _check_period_change(session: AsyncSession, tracker: Tracker, new: Period) -> None:
    """409 if the new period would leave recorded data outside it (SPEC 3: every month of a
    tracker's data lies in its contract period)."""
    span = await repository.recorded_span(
        session, tracker.organization_id, tracker.id, tracker.start_month
    )
    outside: list[str] = []
    if span.first_measurement is not None and span.first_measurement < new.first:
        outside.append(f"a measurement in {span.first_measurement}")
    if span.last_measurement is not None and span.last_measurement > new.last:
        outside.append(f"a measurement in {span.last_measurement}")
    # Changes after the old start must stay after the new start: the start month holds
    # the inputs' initial values, which move to the new start.
    if span.first_later_change is not None and span.first_later_change <= new.first:
        outside.append(f"an input change in {span.first_later_change}")
    if span.last_later_change is not None and span.last_later_change > new.last:
        outside.append(f"an input change in {span.last_later_change}")
    if span.last_ramp_month is not None and span.last_ramp_month > len(new):
        outside.append(f"a ramp step in contract month {span.last_ramp_month}")
    if outside:
        raise conflict(
            "period-excludes-data",
            f"The period {new} would leave {', '.join(outside)} outside the contract (or on "
            "its first month, which holds the initial values). Delete or move that data first.",
        )


async def delete_tracker(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID, if_match: str | None
) -> None:
    tracker = await get_tracker(session, principal, tracker_id, for_update=True)
    check_if_match(if_match, etag_for(tracker.id, tracker.version), required=True)
    await ensure_unlocked_from(session, principal.organization_id, tracker.id, tracker.start_month)
    refuse_if_measured(
        await repository.count_measurements_under(
            session, principal.organization_id, tracker_id=tracker.id
        ),
        "tracker",
    )
    before = tracker_state(tracker)
    await repository.delete_tracker(session, principal.organization_id, tracker.id)
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.tracker,
        entity_id=tracker.id,
        tracker_id=tracker.id,
        action=AuditAction.delete,
        before=before,
        after=None,
    )


def refuse_if_measured(measurements: int, what: str) -> None:
    if measurements:
        raise conflict(
            "has-measurements",
            f"This {what} has {measurements} recorded measurement(s); delete them first, or "
            "set the use case inactive to keep its data out of reports.",
            measurement_count=measurements,
        )


# --- use cases -----------------------------------------------------------------------


async def get_use_case(
    session: AsyncSession, principal: Principal, use_case_id: uuid.UUID, *, for_update: bool = False
) -> UseCase:
    use_case = await repository.get_use_case(
        session, principal.organization_id, use_case_id, for_update=for_update
    )
    if use_case is None or not principal.can_see_tracker(use_case.tracker_id):
        raise not_found("use case")
    return use_case


async def create_use_case(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID, body: UseCaseCreate
) -> UseCase:
    tracker = await get_tracker(session, principal, tracker_id)
    position = body.position
    if position is None:
        position = await repository.next_use_case_position(
            session, principal.organization_id, tracker.id
        )
    use_case = UseCase(
        organization_id=principal.organization_id,
        tracker_id=tracker.id,
        name=body.name,
        description=body.description,
        status=body.status,
        position=position,
    )
    session.add(use_case)
    await session.flush()
    await _record_use_case(session, principal, use_case, AuditAction.create, None)
    return use_case


async def _record_use_case(
    session: AsyncSession,
    principal: Principal,
    use_case: UseCase,
    action: AuditAction,
    before: Mapping[str, object] | None,
) -> None:
    await audit.record(
        session,
        principal,
        entity_type=AuditEntity.use_case,
        entity_id=use_case.id,
        tracker_id=use_case.tracker_id,
        action=action,
        before=before,
        after=None if action is AuditAction.delete else use_case_state(use_case),
    )


async def _ensure_tracker_unlocked(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID
) -> None:
    """423 if any month of the tracker is locked (for changes that touch every month)."""
    tracker = await repository.get_tracker(session, principal.organization_id, tracker_id)
    if tracker is not None:
        await ensure_unlocked_from(
            session, principal.organization_id, tracker_id, tracker.start_month
        )


async def update_use_case(
    session: AsyncSession, principal: Principal, use_case_id: uuid.UUID, body: UseCasePatch
) -> UseCase:
    use_case = await get_use_case(session, principal, use_case_id, for_update=True)
    values = patch_values(body)
    if changes_nothing(use_case, values):
        return use_case
    if values.get("status", use_case.status) != use_case.status:  # reports count active ones
        await _ensure_tracker_unlocked(session, principal, use_case.tracker_id)
    before = use_case_state(use_case)
    for name, value in values.items():
        setattr(use_case, name, value)
    await session.flush()
    await _record_use_case(session, principal, use_case, AuditAction.update, before)
    return use_case


async def delete_use_case(
    session: AsyncSession, principal: Principal, use_case_id: uuid.UUID
) -> None:
    use_case = await get_use_case(session, principal, use_case_id)
    await _ensure_tracker_unlocked(session, principal, use_case.tracker_id)
    refuse_if_measured(
        await repository.count_measurements_under(
            session, principal.organization_id, use_case_id=use_case.id
        ),
        "use case",
    )
    before = use_case_state(use_case)
    await repository.delete_use_case(session, principal.organization_id, use_case.id)
    await _record_use_case(session, principal, use_case, AuditAction.delete, before)
