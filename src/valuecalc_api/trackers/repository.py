"""Every query about trackers, use cases and calculations; always scoped by organization.

`load_tracker_graph` / `load_trackers_graph` load whole trackers (fees, use cases,
calculations, inputs with their changes, measurements, ramp) in a constant number of
queries, for the reports that compute on them.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from valuecalc_api.models.calculation import Calculation, CalculationInput, RampStep
from valuecalc_api.models.customer import Customer
from valuecalc_api.models.measurement import InputChange, Measurement
from valuecalc_api.models.tracker import Tracker, UseCase
from valuecalc_core.months import Month

# --- whole trackers ------------------------------------------------------------------


def tracker_graph_options() -> tuple[LoaderOption, ...]:
    """Eager loads of everything under a tracker: one SELECT per table, whatever the size."""
    calculations = selectinload(Tracker.use_cases).selectinload(UseCase.calculations)
    return (
        selectinload(Tracker.customer),
        selectinload(Tracker.one_time_fees),
        calculations.selectinload(Calculation.inputs).selectinload(CalculationInput.changes),
        calculations.selectinload(Calculation.measurements),
        calculations.selectinload(Calculation.ramp_steps),
    )


async def load_tracker_graph(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> Tracker | None:
    """The tracker with its customer, one-time fees and use cases; each use case with its
    calculations; each calculation with its inputs (each with its changes, by month),
    measurements (by month) and ramp steps (by `from_month`). None if the tracker is not
    the organization's. Nine queries, however large the tracker.
    """
    query = (
        select(Tracker)
        .where(Tracker.organization_id == organization_id, Tracker.id == tracker_id)
        .options(*tracker_graph_options())
    )
    return await session.scalar(query)


async def load_trackers_graph(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    tracker_ids: Collection[uuid.UUID] | None = None,
    customer_id: uuid.UUID | None = None,
) -> list[Tracker]:
    """Like `load_tracker_graph` for many trackers at once, oldest first: the organization's
    trackers, narrowed to `tracker_ids` and/or `customer_id` when given. The number of
    queries does not grow with the number of trackers (SQLAlchemy batches the IN lists).
    """
    query = select(Tracker).where(Tracker.organization_id == organization_id)
    if tracker_ids is not None:
        query = query.where(Tracker.id.in_(list(tracker_ids)))
    if customer_id is not None:
        query = query.where(Tracker.customer_id == customer_id)
    query = query.order_by(Tracker.created_at, Tracker.id).options(*tracker_graph_options())
    return list((await session.scalars(query)).all())


# --- trackers ------------------------------------------------------------------------


async def get_tracker(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> Tracker | None:
    """The tracker with its one-time fees loaded, or None.

    `for_update` locks the row until the transaction ends: a change of the contract
    period then waits for, and is waited for by, writes that check a month against it
    (they take a share lock, see `get_calculation_and_tracker`).
    """
    query = (
        select(Tracker)
        .where(Tracker.organization_id == organization_id, Tracker.id == tracker_id)
        .options(selectinload(Tracker.one_time_fees))
    )
    if for_update:
        # FOR NO KEY UPDATE: it still excludes the share locks of writers, but not the key
        # share a new month lock's foreign key takes (locks.service), so the two never deadlock.
        query = query.with_for_update(key_share=True)
    return await session.scalar(query.execution_options(populate_existing=True))


async def list_trackers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
    customer_id: uuid.UUID | None = None,
    visible_tracker_ids: Collection[uuid.UUID] | None = None,
) -> Sequence[Tracker]:
    """Trackers (with fees) in creation order, `limit` of them after the position `after`."""
    query = select(Tracker).where(Tracker.organization_id == organization_id)
    if customer_id is not None:
        query = query.where(Tracker.customer_id == customer_id)
    if visible_tracker_ids is not None:
        query = query.where(Tracker.id.in_(list(visible_tracker_ids)))
    if after is not None:
        query = query.where(tuple_(Tracker.created_at, Tracker.id) > tuple_(*after))
    query = (
        query.order_by(Tracker.created_at, Tracker.id)
        .limit(limit)
        .options(selectinload(Tracker.one_time_fees))
    )
    return (await session.scalars(query)).all()


async def customer_exists(
    session: AsyncSession, organization_id: uuid.UUID, customer_id: uuid.UUID
) -> bool:
    query = select(Customer.id).where(
        Customer.organization_id == organization_id, Customer.id == customer_id
    )
    return (await session.scalar(query)) is not None


async def count_calculations(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> int:
    query = select(func.count()).where(
        Calculation.organization_id == organization_id, Calculation.tracker_id == tracker_id
    )
    return (await session.scalar(query)) or 0


@dataclass(frozen=True, slots=True)
class RecordedSpan:
    """The months a tracker's recorded data occupies, to check a change of its period.

    `later_changes` are input changes after the start month (the start month's changes
    are the inputs' initial values, which move with the start).
    """

    first_measurement: Month | None
    last_measurement: Month | None
    first_later_change: Month | None
    last_later_change: Month | None
    last_ramp_month: int | None


async def recorded_span(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID, start: Month
) -> RecordedSpan:
    measurements = (
        await session.execute(
            select(func.min(Measurement.month), func.max(Measurement.month))
            .join(Calculation, Calculation.id == Measurement.calculation_id)
            .where(
                Measurement.organization_id == organization_id,
                Calculation.tracker_id == tracker_id,
            )
        )
    ).one()
    changes = (
        await session.execute(
            select(func.min(InputChange.month), func.max(InputChange.month))
            .join(CalculationInput, CalculationInput.id == InputChange.input_id)
            .join(Calculation, Calculation.id == CalculationInput.calculation_id)
            .where(
                InputChange.organization_id == organization_id,
                Calculation.tracker_id == tracker_id,
                InputChange.month != start,
            )
        )
    ).one()
    last_ramp_month = await session.scalar(
        select(func.max(RampStep.from_month))
        .join(Calculation, Calculation.id == RampStep.calculation_id)
        .where(RampStep.organization_id == organization_id, Calculation.tracker_id == tracker_id)
    )
    return RecordedSpan(
        first_measurement=measurements[0],
        last_measurement=measurements[1],
        first_later_change=changes[0],
        last_later_change=changes[1],
        last_ramp_month=last_ramp_month,
    )


async def move_initial_values(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_id: uuid.UUID,
    old_start: Month,
    new_start: Month,
) -> None:
    """Move every input's initial value (its change at `old_start`) to `new_start`."""
    inputs_of_tracker = (
        select(CalculationInput.id)
        .join(Calculation, Calculation.id == CalculationInput.calculation_id)
        .where(Calculation.organization_id == organization_id, Calculation.tracker_id == tracker_id)
    )
    await session.execute(
        update(InputChange)
        .where(
            InputChange.organization_id == organization_id,
            InputChange.input_id.in_(inputs_of_tracker),
            InputChange.month == old_start,
        )
        .values(month=new_start, updated_at=func.now())
        .execution_options(synchronize_session=False)
    )


async def count_measurements_under(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    tracker_id: uuid.UUID | None = None,
    use_case_id: uuid.UUID | None = None,
    calculation_id: uuid.UUID | None = None,
) -> int:
    """How many measurements lie under a tracker, a use case or a calculation."""
    query = (
        select(func.count())
        .select_from(Measurement)
        .join(Calculation, Calculation.id == Measurement.calculation_id)
        .where(Measurement.organization_id == organization_id)
    )
    if tracker_id is not None:
        query = query.where(Calculation.tracker_id == tracker_id)
    if use_case_id is not None:
        query = query.where(Calculation.use_case_id == use_case_id)
    if calculation_id is not None:
        query = query.where(Calculation.id == calculation_id)
    return (await session.scalar(query)) or 0


async def delete_tracker(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> None:
    """Delete the tracker; the database cascades to everything under it."""
    await session.execute(
        delete(Tracker).where(Tracker.organization_id == organization_id, Tracker.id == tracker_id)
    )


# --- use cases -----------------------------------------------------------------------


async def get_use_case(
    session: AsyncSession,
    organization_id: uuid.UUID,
    use_case_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> UseCase | None:
    query = select(UseCase).where(
        UseCase.organization_id == organization_id, UseCase.id == use_case_id
    )
    if for_update:
        query = query.with_for_update(key_share=True)
    return await session.scalar(query)


async def get_use_case_and_tracker(
    session: AsyncSession, organization_id: uuid.UUID, use_case_id: uuid.UUID
) -> tuple[UseCase, Tracker] | None:
    """The use case and its tracker, the tracker share-locked (its period is checked)."""
    query = (
        select(UseCase, Tracker)
        .join(Tracker, Tracker.id == UseCase.tracker_id)
        .where(UseCase.organization_id == organization_id, UseCase.id == use_case_id)
        .with_for_update(read=True, of=Tracker)
    )
    row = (await session.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1])


async def list_use_cases(
    session: AsyncSession,
    organization_id: uuid.UUID,
    tracker_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[UseCase]:
    """A tracker's use cases in creation order (each carries its `position`)."""
    query = select(UseCase).where(
        UseCase.organization_id == organization_id, UseCase.tracker_id == tracker_id
    )
    if after is not None:
        query = query.where(tuple_(UseCase.created_at, UseCase.id) > tuple_(*after))
    query = query.order_by(UseCase.created_at, UseCase.id).limit(limit)
    return (await session.scalars(query)).all()


async def next_use_case_position(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> int:
    query = select(func.coalesce(func.max(UseCase.position) + 1, 0)).where(
        UseCase.organization_id == organization_id, UseCase.tracker_id == tracker_id
    )
    return (await session.scalar(query)) or 0


async def delete_use_case(
    session: AsyncSession, organization_id: uuid.UUID, use_case_id: uuid.UUID
) -> None:
    await session.execute(
        delete(UseCase).where(UseCase.organization_id == organization_id, UseCase.id == use_case_id)
    )


# --- calculations --------------------------------------------------------------------


def _with_inputs_and_ramp(query: Select[Calculation]) -> Select[Calculation]:
    return query.options(
        selectinload(Calculation.inputs).selectinload(CalculationInput.changes),
        selectinload(Calculation.ramp_steps),
    )


async def get_calculation_and_tracker(
    session: AsyncSession,
    organization_id: uuid.UUID,
    calculation_id: uuid.UUID,
    *,
    with_inputs: bool = True,
    lock_tracker: bool = False,
) -> tuple[Calculation, Tracker] | None:
    """The calculation and its tracker, or None; `with_inputs` loads its inputs (with
    their changes) and ramp. `lock_tracker` share-locks the tracker row, so a write that
    checked a month against the contract period cannot race a change of that period."""
    query = (
        select(Calculation, Tracker)
        .join(Tracker, Tracker.id == Calculation.tracker_id)
        .where(Calculation.organization_id == organization_id, Calculation.id == calculation_id)
    )
    if lock_tracker:
        query = query.with_for_update(read=True, of=Tracker)
    if with_inputs:
        query = query.options(
            selectinload(Calculation.inputs).selectinload(CalculationInput.changes),
            selectinload(Calculation.ramp_steps),
        )
    row = (await session.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1])


async def lock_calculation(
    session: AsyncSession, organization_id: uuid.UUID, calculation_id: uuid.UUID
) -> None:
    """Lock the calculation row until the transaction ends (an update compares its version)."""
    await session.execute(
        select(Calculation.id)
        .where(Calculation.organization_id == organization_id, Calculation.id == calculation_id)
        .with_for_update(key_share=True)
    )


async def list_calculations(
    session: AsyncSession,
    organization_id: uuid.UUID,
    use_case_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[Calculation]:
    """A use case's calculations (inputs with changes, ramp loaded) in creation order."""
    query = select(Calculation).where(
        Calculation.organization_id == organization_id, Calculation.use_case_id == use_case_id
    )
    if after is not None:
        query = query.where(tuple_(Calculation.created_at, Calculation.id) > tuple_(*after))
    query = query.order_by(Calculation.created_at, Calculation.id).limit(limit)
    return (await session.scalars(_with_inputs_and_ramp(query))).all()


async def delete_calculation(
    session: AsyncSession, organization_id: uuid.UUID, calculation_id: uuid.UUID
) -> None:
    await session.execute(
        delete(Calculation).where(
            Calculation.organization_id == organization_id, Calculation.id == calculation_id
        )
    )
