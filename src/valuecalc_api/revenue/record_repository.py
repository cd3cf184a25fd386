"""Reads of single ledger records and pages of them, scoped to the organization and, for a
tracker-limited key, to the customers of its trackers."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Hashable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from valuecalc_api.models.audit import AuditEvent
from valuecalc_api.models.customer import Customer
from valuecalc_api.models.revenue import ArrMovement, FxRate, Renewal
from valuecalc_api.models.tracker import Tracker
from valuecalc_api.revenue.resources import LedgerResource


def visible_customer(
    customer_id: Any, visible_tracker_ids: Collection[uuid.UUID] | None
) -> ColumnElement[bool] | None:
    """The customer owns one of the key's trackers (None: the key sees every customer)."""
    if visible_tracker_ids is None:
        return None
    return exists().where(
        Tracker.customer_id == customer_id, Tracker.id.in_(list(visible_tracker_ids))
    )


def _query(
    resource: LedgerResource,
    organization_id: uuid.UUID,
    visible_tracker_ids: Collection[uuid.UUID] | None,
) -> Select[Any]:
    model = resource.model
    if model is FxRate:
        return select(FxRate).where(FxRate.organization_id == organization_id)
    query = (
        select(model, Customer.external_id.label("customer_external_id"))
        .join(Customer, Customer.id == model.customer_id)
        .where(model.organization_id == organization_id)
    )
    if model is ArrMovement:
        tagged = aliased(Renewal)
        query = query.add_columns(tagged.external_id.label("renewal_external_id")).outerjoin(
            tagged, tagged.id == ArrMovement.renewal_id
        )
    condition = visible_customer(model.customer_id, visible_tracker_ids)
    if condition is not None:
        query = query.where(condition)
    return query


def _as_dict(resource: LedgerResource, row: Any) -> dict[str, Any]:
    if resource.model is FxRate:
        record = row[0]
        found = {name: getattr(record, name) for name in ("id", "currency", "version")}
        found["month"] = f"{record.month.year:04d}-{record.month.month:02d}"
        found["units_of_reporting_currency_per_unit"] = record.units_of_reporting_currency_per_unit
    else:
        record = row[0]
        found = {
            column.key: getattr(record, column.key) for column in resource.model.__table__.columns
        }
        for name in ("start_month", "end_month"):
            if name in found:
                found[name] = f"{found[name].year:04d}-{found[name].month:02d}"
        found.update(row._mapping)
        found.pop(resource.model.__name__, None)
    found["created_at"], found["updated_at"] = record.created_at, record.updated_at
    return found


async def get_record(
    session: AsyncSession,
    resource: LedgerResource,
    organization_id: uuid.UUID,
    key: Hashable,
    visible_tracker_ids: Collection[uuid.UUID] | None,
) -> dict[str, Any] | None:
    query = _query(resource, organization_id, visible_tracker_ids)
    columns = [getattr(resource.model, name) for name in resource.key_columns]
    values = key if isinstance(key, tuple) else (key,)
    for column, value in zip(columns, values, strict=True):
        query = query.where(column == value)
    row = (await session.execute(query)).first()
    return None if row is None else _as_dict(resource, row)


async def list_records(
    session: AsyncSession,
    resource: LedgerResource,
    organization_id: uuid.UUID,
    visible_tracker_ids: Collection[uuid.UUID] | None,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
    customer_external_id: str | None,
) -> list[dict[str, Any]]:
    """Records in creation order, `limit` of them after the keyset position `after`."""
    model = resource.model
    query = _query(resource, organization_id, visible_tracker_ids)
    if customer_external_id is not None and model is not FxRate:
        query = query.where(Customer.external_id == customer_external_id)
    if after is not None:
        query = query.where(tuple_(model.created_at, model.id) > tuple_(*after))
    query = query.order_by(model.created_at, model.id).limit(limit)
    return [_as_dict(resource, row) for row in (await session.execute(query)).all()]


async def record_history(
    session: AsyncSession,
    resource: LedgerResource,
    organization_id: uuid.UUID,
    record_id: uuid.UUID,
    limit: int,
) -> list[AuditEvent]:
    """The record's audit events (SPEC 6: who, when, before, after), newest first."""
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.organization_id == organization_id,
            AuditEvent.tracker_id.is_(None),
            AuditEvent.entity_id == record_id,
            AuditEvent.entity_type == resource.entity.value,
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.seq.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())
