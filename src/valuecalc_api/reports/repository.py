"""The reports' queries: whole trackers as plain rows, in a constant number of queries.

`trackers.repository.load_tracker_graph` builds ORM objects for every measurement and
input change: for a tracker of 100 calculations x 36 months that alone costs more CPU
than the rest of a report (bench/bench_api.py). Reports only read, so they select the
columns they compute on as tuples: one query per table, filtered to the trackers asked
for, whatever their number. Measured values and amounts come back as their text so
they keep the exact digits they were written with (no `1E+4`).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    Text,
    Uuid,
    and_,
    bindparam,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from valuecalc_api.auth.dependencies import KEY_BY_HASH
from valuecalc_api.models.calculation import Calculation, CalculationInput, RampStep
from valuecalc_api.models.customer import Customer
from valuecalc_api.models.data_version import TrackerDataVersion
from valuecalc_api.models.measurement import InputChange, Measurement
from valuecalc_api.models.tracker import OneTimeFee, Tracker, UseCase
from valuecalc_core.months import Month, Period

Rows = Sequence[Any]


@dataclass(frozen=True, slots=True)
class TrackerRows:
    """The rows of some trackers, each row a tuple whose first item is its owner's id.

    trackers:      (id, customer_id, customer_name, name, currency, start_month,
                    end_month, recurring_fee_amount, recurring_fee_interval, missing_months)
    one_time_fees: (tracker_id, month, amount, description)
    use_cases:     (tracker_id, id, name, status)            by position
    calculations:  (use_case_id, id, key, name, kind, metric_name, metric_unit, baseline,
                    direction, target, formula)              by creation
    inputs:        (calculation_id, key, name, unit)         by position
    input_changes: (calculation_id, key, [month ordinal], [value text])   one row per input
    measurements:  (calculation_id, [month ordinal], [value text], [estimate], [source])
                                                             one row per calculation
    (the bulky tables come as arrays, by month: one row per calculation instead of one
    per month keeps the per-row cost of the driver out of the report)
    Month ordinals are `Month.ordinal` (year x 12 + month - 1).
    ramp_steps:    (calculation_id, from_month, share)
    """

    trackers: Rows
    one_time_fees: Rows
    use_cases: Rows
    calculations: Rows
    inputs: Rows
    input_changes: Rows
    measurements: Rows
    ramp_steps: Rows


def _tracker_ids(
    organization_id: uuid.UUID,
    tracker_ids: Collection[uuid.UUID] | None,
    customer_id: uuid.UUID | None,
) -> Select[Any]:
    query: Select[Any] = select(Tracker.id).where(Tracker.organization_id == organization_id)
    if tracker_ids is not None:
        query = query.where(Tracker.id.in_(list(tracker_ids)))
    if customer_id is not None:
        query = query.where(Tracker.customer_id == customer_id)
    return query


def _ordinal(month: Any) -> Any:
    """`Month.ordinal` of a first-of-month DATE column, computed by the database."""
    day = type_coerce(month, Date)
    return cast(func.extract("year", day) * 12 + func.extract("month", day) - 1, Integer)


async def _all(session: AsyncSession, query: Executable) -> Rows:
    # On the session's connection (same transaction), not `session.execute`: plain rows,
    # without the ORM's result machinery, which costs more than the query here.
    connection = await session.connection()
    rows: Rows = (await connection.execute(query)).all()
    return rows


async def load_tracker_rows(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    tracker_ids: Collection[uuid.UUID] | None = None,
    customer_id: uuid.UUID | None = None,
) -> TrackerRows:
    """The organization's trackers (narrowed to `tracker_ids` and/or `customer_id`) with
    everything under them, oldest tracker first. Eight queries, however many trackers."""
    org = organization_id
    trackers = _tracker_ids(org, tracker_ids, customer_id).scalar_subquery()
    calculations = (
        select(Calculation.id)
        .where(Calculation.organization_id == org, Calculation.tracker_id.in_(trackers))
        .scalar_subquery()
    )
    return TrackerRows(
        trackers=await _all(
            session,
            select(
                Tracker.id,
                Tracker.customer_id,
                Customer.name,
                Tracker.name,
                Tracker.currency,
                Tracker.start_month,
                Tracker.end_month,
                Tracker.recurring_fee_amount,
                Tracker.recurring_fee_interval,
                Tracker.missing_months,
            )
            .join(Customer, Customer.id == Tracker.customer_id)
            .where(Tracker.organization_id == org, Tracker.id.in_(trackers))
            .order_by(Tracker.created_at, Tracker.id),
        ),
        one_time_fees=await _all(
            session,
            select(
                OneTimeFee.tracker_id, OneTimeFee.month, OneTimeFee.amount, OneTimeFee.description
            )
            .where(OneTimeFee.organization_id == org, OneTimeFee.tracker_id.in_(trackers))
            .order_by(OneTimeFee.month, OneTimeFee.created_at, OneTimeFee.id),
        ),
        use_cases=await _all(
            session,
            select(UseCase.tracker_id, UseCase.id, UseCase.name, UseCase.status)
            .where(UseCase.organization_id == org, UseCase.tracker_id.in_(trackers))
            .order_by(UseCase.position, UseCase.created_at, UseCase.id),
        ),
        calculations=await _all(
            session,
            select(
                Calculation.use_case_id,
                Calculation.id,
                Calculation.key,
                Calculation.name,
                Calculation.kind,
                Calculation.metric_name,
                Calculation.metric_unit,
                Calculation.baseline,
                Calculation.direction,
                Calculation.target,
                Calculation.formula,
            )
            .where(Calculation.organization_id == org, Calculation.tracker_id.in_(trackers))
            .order_by(Calculation.created_at, Calculation.id),
        ),
        inputs=await _all(
            session,
            select(
                CalculationInput.calculation_id,
                CalculationInput.key,
                CalculationInput.name,
                CalculationInput.unit,
            )
            .where(
                CalculationInput.organization_id == org,
                CalculationInput.calculation_id.in_(calculations),
            )
            .order_by(CalculationInput.position, CalculationInput.key),
        ),
        input_changes=await _all(
            session,
            select(
                CalculationInput.calculation_id,
                CalculationInput.key,
                func.array_agg(aggregate_order_by(_ordinal(InputChange.month), InputChange.month)),
                func.array_agg(
                    aggregate_order_by(cast(InputChange.value, Text), InputChange.month)
                ),
            )
            .join(CalculationInput, CalculationInput.id == InputChange.input_id)
            .where(
                InputChange.organization_id == org,
                CalculationInput.calculation_id.in_(calculations),
            )
            .group_by(CalculationInput.calculation_id, CalculationInput.key),
        ),
        measurements=await _all(
            session,
            select(
                Measurement.calculation_id,
                func.array_agg(aggregate_order_by(_ordinal(Measurement.month), Measurement.month)),
                func.array_agg(
                    aggregate_order_by(cast(Measurement.value, Text), Measurement.month)
                ),
                func.array_agg(aggregate_order_by(Measurement.estimate, Measurement.month)),
                func.array_agg(aggregate_order_by(Measurement.source, Measurement.month)),
            )
            .where(Measurement.organization_id == org, Measurement.calculation_id.in_(calculations))
            .group_by(Measurement.calculation_id),
        ),
        ramp_steps=await _all(
            session,
            select(RampStep.calculation_id, RampStep.from_month, RampStep.share)
            .where(RampStep.organization_id == org, RampStep.calculation_id.in_(calculations))
            .order_by(RampStep.from_month),
        ),
    )


async def count_trackers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    tracker_ids: Collection[uuid.UUID] | None = None,
    customer_id: uuid.UUID | None = None,
) -> int:
    """How many trackers `load_tracker_rows` would load with the same filters."""
    query = select(func.count()).select_from(
        _tracker_ids(organization_id, tracker_ids, customer_id).subquery()
    )
    return (await session.scalar(query)) or 0


@dataclass(frozen=True, slots=True)
class TrackerDataState:
    """A tracker's contract period and data version (None if it has no version row)."""

    start_month: Month
    end_month: Month
    version: int | None

    @property
    def period(self) -> Period:
        return Period(self.start_month, self.end_month)


KEY_AND_TRACKER_STATE = (
    select(KEY_BY_HASH, Tracker.start_month, Tracker.end_month, TrackerDataVersion.version)
    .select_from(KEY_BY_HASH)
    .outerjoin(
        Tracker,
        and_(
            Tracker.id == bindparam("tracker_id", type_=Uuid()),
            Tracker.organization_id == KEY_BY_HASH.c.organization_id,
        ),
    )
    .outerjoin(TrackerDataVersion, TrackerDataVersion.tracker_id == Tracker.id)
)
"""The unrevoked key (`auth.dependencies.KEY_BY_HASH`'s columns first), and the tracker
`:tracker_id`'s period and data version if it belongs to the key's organization (NULLs
otherwise): a cached report's one query. Built once (per-request building costs more
CPU than the round trip)."""


def tracker_state_of(row: Any) -> TrackerDataState | None:
    """The tracker part of a `KEY_AND_TRACKER_STATE` row, None if there is no tracker."""
    key_columns = len(KEY_BY_HASH.c)
    start, end, version = row[key_columns : key_columns + 3]
    return None if start is None else TrackerDataState(start, end, version)


async def tracker_data_state(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> TrackerDataState | None:
    """The organization's tracker's period and data version in one query; None if the
    organization has no such tracker."""
    query = (
        select(Tracker.start_month, Tracker.end_month, TrackerDataVersion.version)
        .outerjoin(TrackerDataVersion, TrackerDataVersion.tracker_id == Tracker.id)
        .where(Tracker.id == tracker_id, Tracker.organization_id == organization_id)
    )
    rows = await _all(session, query)
    return TrackerDataState(*rows[0]) if rows else None


async def data_version(session: AsyncSession, tracker_id: uuid.UUID) -> int | None:
    """The tracker's data version (None without a version row)."""
    rows = await _all(
        session,
        select(TrackerDataVersion.version).where(TrackerDataVersion.tracker_id == tracker_id),
    )
    return int(rows[0][0]) if rows else None


async def data_versions(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    tracker_ids: Collection[uuid.UUID] | None = None,
    customer_id: uuid.UUID | None = None,
) -> list[tuple[uuid.UUID, int | None]]:
    """(tracker id, data version) of every tracker `load_tracker_rows` would load with the
    same filters, by id: what a report spanning them depends on (migration 0005)."""
    ids = _tracker_ids(organization_id, tracker_ids, customer_id).subquery()
    query = (
        select(ids.c.id, TrackerDataVersion.version)
        .outerjoin(TrackerDataVersion, TrackerDataVersion.tracker_id == ids.c.id)
        .order_by(ids.c.id)
    )
    return [(row[0], row[1]) for row in await _all(session, query)]
