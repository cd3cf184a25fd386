"""Every query that finds the calculations bulk rows write to, set-based: a constant number
of statements whatever the number of rows (arrays travel as one parameter each, never one
parameter per row). Trackers are read `FOR SHARE`: their period cannot change under a write.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Uuid, any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.calculation import Calculation
from valuecalc_api.models.customer import Customer
from valuecalc_api.models.tracker import Tracker
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


def uuids_param(name: str, values: Sequence[uuid.UUID]) -> object:
    """`= ANY(:name)` of a uuid array bound as one parameter."""
    return any_(bindparam(name, list(values), type_=ARRAY(Uuid())))


def strings_param(name: str, values: Sequence[str]) -> object:
    """`= ANY(:name)` of a text array bound as one parameter."""
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
            Calculation.id == uuids_param("calculation_ids", calculation_ids),
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
            Calculation.key == strings_param("keys", keys),
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
            (Calculation.tracker_id == Tracker.id)
            & (Calculation.key == strings_param("keys", keys)),
        )
        .where(
            Customer.organization_id == organization_id,
            Customer.external_id == strings_param("external_ids", external_ids),
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


_NEW_MONTH_NAMESPACE = 0x6D6E7468


async def lock_new_month(session: AsyncSession, owner_id: uuid.UUID, month: Month) -> None:
    """Until commit, serialize writes that find no row for (`owner_id`, `month`): a row lock
    needs a row, and the audit trail needs to know what the first write replaced (nothing).
    After this, read the row again: a concurrent first write is then committed and visible."""
    key = int.from_bytes(owner_id.bytes[:4], "big", signed=True) ^ month.ordinal
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
        {"namespace": _NEW_MONTH_NAMESPACE, "key": key},
    )
