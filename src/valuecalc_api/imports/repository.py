"""Every query of the bulk writes, set-based: a constant number of statements whatever the
number of rows (arrays travel as one parameter each, never one parameter per row).

Reads that decide a write lock what they read: trackers `FOR SHARE` (their period cannot
change under us), existing values `FOR UPDATE` in key order (their `before` state is what
the write replaces), and the trackers' lock state as the lock service does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Uuid, any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.locks.repository import ADVISORY_NAMESPACE, advisory_key
from valuecalc_api.models.calculation import Calculation, CalculationInput
from valuecalc_api.models.customer import Customer
from valuecalc_api.models.lock import TrackerLock
from valuecalc_api.models.measurement import Measurement
from valuecalc_api.models.tracker import Tracker, UseCase
from valuecalc_core.months import Month


@dataclass(frozen=True, slots=True)
class CalculationTarget:
    """A calculation a row can write to, with what the checks need of its tracker."""

    calculation_id: uuid.UUID
    key: str
    tracker_id: uuid.UUID
    start_month: Month
    end_month: Month
    customer_external_id: str | None


@dataclass(frozen=True, slots=True)
class CustomerTracker:
    """One tracker of a customer named by external id, and its calculation of a wanted key
    (None when the tracker has none of the wanted keys)."""

    external_id: str
    tracker_id: uuid.UUID
    start_month: Month
    end_month: Month
    calculation_id: uuid.UUID | None
    calculation_key: str | None


def _uuids(name: str, values: Sequence[uuid.UUID]) -> object:
    return any_(bindparam(name, list(values), type_=ARRAY(Uuid())))


def _strings(name: str, values: Sequence[str]) -> object:
    return any_(bindparam(name, list(values), type_=ARRAY(Calculation.key.type)))


async def calculations_by_id(
    session: AsyncSession, organization_id: uuid.UUID, calculation_ids: Sequence[uuid.UUID]
) -> list[CalculationTarget]:
    """The organization's calculations among `calculation_ids`; trackers locked FOR SHARE."""
    if not calculation_ids:
        return []
    query = (
        select(
            Calculation.id,
            Calculation.key,
            Tracker.id,
            Tracker.start_month,
            Tracker.end_month,
            Customer.external_id,
        )
        .join(Tracker, Tracker.id == Calculation.tracker_id)
        .join(Customer, Customer.id == Tracker.customer_id)
        .where(
            Calculation.organization_id == organization_id,
            Calculation.id == _uuids("calculation_ids", calculation_ids),
        )
        .with_for_update(read=True, of=Tracker)
    )
    rows = (await session.execute(query)).all()
    return [CalculationTarget(*row) for row in rows]


async def calculations_by_key(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID, keys: Sequence[str]
) -> list[CalculationTarget]:
    """The tracker's calculations whose key is among `keys` (the tracker is locked already)."""
    if not keys:
        return []
    query = (
        select(
            Calculation.id,
            Calculation.key,
            Tracker.id,
            Tracker.start_month,
            Tracker.end_month,
            Customer.external_id,
        )
        .join(Tracker, Tracker.id == Calculation.tracker_id)
        .join(Customer, Customer.id == Tracker.customer_id)
        .where(
            Calculation.organization_id == organization_id,
            Calculation.tracker_id == tracker_id,
            Calculation.key == _strings("keys", keys),
        )
    )
    rows = (await session.execute(query)).all()
    return [CalculationTarget(*row) for row in rows]


async def customer_trackers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    external_ids: Sequence[str],
    keys: Sequence[str],
) -> list[CustomerTracker]:
    """Every tracker of the customers named by `external_ids`, each joined to its
    calculations whose key is among `keys` (or once with none); trackers locked FOR SHARE."""
    if not external_ids:
        return []
    query = (
        select(
            Customer.external_id,
            Tracker.id,
            Tracker.start_month,
            Tracker.end_month,
            Calculation.id,
            Calculation.key,
        )
        .join(Tracker, Tracker.customer_id == Customer.id)
        .outerjoin(
            Calculation,
            (Calculation.tracker_id == Tracker.id) & (Calculation.key == _strings("keys", keys)),
        )
        .where(
            Customer.organization_id == organization_id,
            Customer.external_id == _strings("external_ids", external_ids),
        )
        .with_for_update(read=True, of=Tracker)
    )
    rows = (await session.execute(query)).all()
    return [
        CustomerTracker(
            external_id=str(row[0]),
            tracker_id=row[1],
            start_month=row[2],
            end_month=row[3],
            calculation_id=row[4],
            calculation_key=row[5],
        )
        for row in rows
    ]


async def get_tracker_for_share(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> tuple[Tracker, str | None] | None:
    """The tracker (locked FOR SHARE) and its customer's external id, None if not found."""
    query = (
        select(Tracker, Customer.external_id)
        .join(Customer, Customer.id == Tracker.customer_id)
        .where(Tracker.organization_id == organization_id, Tracker.id == tracker_id)
        .with_for_update(read=True, of=Tracker)
    )
    row = (await session.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1])


async def inputs_of(
    session: AsyncSession,
    organization_id: uuid.UUID,
    calculation_ids: Sequence[uuid.UUID],
    keys: Sequence[str],
) -> list[tuple[uuid.UUID, str, uuid.UUID]]:
    """(calculation id, input key, input id) of the calculations' inputs among `keys`."""
    if not calculation_ids or not keys:
        return []
    query = select(
        CalculationInput.calculation_id, CalculationInput.key, CalculationInput.id
    ).where(
        CalculationInput.organization_id == organization_id,
        CalculationInput.calculation_id == _uuids("calculation_ids", calculation_ids),
        CalculationInput.key == _strings("keys", keys),
    )
    return [(row[0], row[1], row[2]) for row in (await session.execute(query)).all()]


# --- the CSV template ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TemplateCalculation:
    calculation_id: uuid.UUID
    use_case: str
    key: str
    name: str
    metric_name: str
    metric_unit: str


async def active_calculations(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> list[TemplateCalculation]:
    """The calculations of the tracker's active use cases, in the Measurements tab's order."""
    query = (
        select(
            Calculation.id,
            UseCase.name,
            Calculation.key,
            Calculation.name,
            Calculation.metric_name,
            Calculation.metric_unit,
        )
        .join(UseCase, UseCase.id == Calculation.use_case_id)
        .where(
            Calculation.organization_id == organization_id,
            Calculation.tracker_id == tracker_id,
            UseCase.status == "active",
        )
        .order_by(UseCase.position, UseCase.created_at, UseCase.id, Calculation.created_at)
    )
    return [TemplateCalculation(*row) for row in (await session.execute(query)).all()]


async def measurements_of(
    session: AsyncSession, organization_id: uuid.UUID, calculation_ids: Sequence[uuid.UUID]
) -> dict[tuple[uuid.UUID, Month], tuple[Decimal, bool, str]]:
    """(value, estimate, source) of every measurement of the calculations."""
    if not calculation_ids:
        return {}
    query = select(
        Measurement.calculation_id,
        Measurement.month,
        Measurement.value,
        Measurement.estimate,
        Measurement.source,
    ).where(
        Measurement.organization_id == organization_id,
        Measurement.calculation_id == _uuids("calculation_ids", calculation_ids),
    )
    return {(row[0], row[1]): (row[2], row[3], row[4]) for row in await session.execute(query)}


# --- month locks ---------------------------------------------------------------------

_HOLD_LOCK_STATE_SHARED = text(
    """
    SELECT count(pg_advisory_xact_lock_shared(CAST(:namespace AS integer), k))
    FROM (SELECT DISTINCT k FROM unnest(CAST(:keys AS integer[])) AS k ORDER BY k) AS keys
    """
)


async def locked_through(
    session: AsyncSession, organization_id: uuid.UUID, tracker_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Month]:
    """The last locked month of each of the trackers that has a lock.

    Like `locks.service.ensure_unlocked`, for many trackers in two statements: hold each
    tracker's lock state shared until commit (the same advisory keys the lock service
    takes exclusively to change a lock), then read the lock rows FOR SHARE.
    """
    if not tracker_ids:
        return {}
    await session.execute(
        _HOLD_LOCK_STATE_SHARED,
        {
            "namespace": ADVISORY_NAMESPACE,
            "keys": [advisory_key(tracker_id) for tracker_id in tracker_ids],
        },
    )
    query = (
        select(TrackerLock.tracker_id, TrackerLock.locked_through)
        .where(
            TrackerLock.organization_id == organization_id,
            TrackerLock.tracker_id == _uuids("tracker_ids", tracker_ids),
        )
        .with_for_update(read=True)
    )
    return {row[0]: row[1] for row in (await session.execute(query)).all()}


def as_date(month: Month) -> date:
    return date(month.year, month.month, 1)


def as_month(day: date) -> Month:
    return Month.of(day.year, day.month)
