"""Every SQL statement of the ledger writes: customers and stored records locked FOR UPDATE,
the whole ledger of the customers a write touches, and the writes themselves.

Locks are taken in id order (customers) and key order (records), so two writes of
overlapping customers wait for each other instead of deadlocking.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Hashable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.customer import Customer
from valuecalc_api.models.organization import Organization
from valuecalc_api.models.revenue import ArrMovement, ContractLine, FxRate, Renewal


class CustomerRef(NamedTuple):
    id: uuid.UUID
    external_id: str | None
    name: str
    currency: str | None
    segment: str | None
    owner: str | None


_CUSTOMER_COLUMNS = (
    Customer.id,
    Customer.external_id,
    Customer.name,
    Customer.currency,
    Customer.segment,
    Customer.owner,
)


async def lock_customers_by_external_id(
    session: AsyncSession, organization_id: uuid.UUID, external_ids: Collection[str]
) -> dict[str, CustomerRef]:
    """The organization's customers with these `external_id`s, locked FOR UPDATE."""
    if not external_ids:
        return {}
    result = await session.execute(
        select(*_CUSTOMER_COLUMNS)
        .where(
            Customer.organization_id == organization_id,
            Customer.external_id.in_(sorted(external_ids)),
        )
        .order_by(Customer.id)
        .with_for_update()
    )
    return {row.external_id: CustomerRef(*row) for row in result}


async def lock_customers_by_id(
    session: AsyncSession, organization_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, CustomerRef]:
    if not ids:
        return {}
    result = await session.execute(
        select(*_CUSTOMER_COLUMNS)
        .where(Customer.organization_id == organization_id, Customer.id.in_(sorted(ids)))
        .order_by(Customer.id)
        .with_for_update()
    )
    return {row.id: CustomerRef(*row) for row in result}


async def reporting_currency(session: AsyncSession, organization_id: uuid.UUID) -> str | None:
    return await session.scalar(
        select(Organization.reporting_currency).where(Organization.id == organization_id)
    )


async def set_reporting_currency(
    session: AsyncSession, organization_id: uuid.UUID, currency: str
) -> None:
    await session.execute(
        update(Organization)
        .where(Organization.id == organization_id)
        .values(reporting_currency=currency)
    )


async def set_customer_currencies(
    session: AsyncSession, organization_id: uuid.UUID, currencies: dict[uuid.UUID, str]
) -> None:
    """Give customers without a currency the one their first movement names."""
    for customer_id, currency in sorted(currencies.items()):
        await session.execute(
            update(Customer)
            .where(
                Customer.organization_id == organization_id,
                Customer.id == customer_id,
                Customer.currency.is_(None),
            )
            .values(currency=currency)
        )


LedgerModel = type[ArrMovement] | type[Renewal] | type[ContractLine] | type[FxRate] | Any


async def lock_stored_records(
    session: AsyncSession,
    model: LedgerModel,
    organization_id: uuid.UUID,
    keys: Collection[Hashable],
    key_columns: Sequence[str],
) -> dict[Hashable, Any]:
    """The stored records with these keys (one column's values, or tuples of several),
    locked FOR UPDATE in key order."""
    if not keys:
        return {}
    columns = [getattr(model, name) for name in key_columns]
    wanted = sorted(keys, key=str)
    condition = columns[0].in_(wanted) if len(columns) == 1 else tuple_(*columns).in_(wanted)
    records = await session.scalars(
        select(model)
        .where(model.organization_id == organization_id, condition)
        .order_by(*columns)
        .with_for_update()
    )
    found: dict[Hashable, Any] = {}
    for record in records:
        values = tuple(getattr(record, name) for name in key_columns)
        found[values[0] if len(values) == 1 else values] = record
    return found


class RenewalRef(NamedTuple):
    id: uuid.UUID
    customer_id: uuid.UUID


async def renewals_by_external_id(
    session: AsyncSession, organization_id: uuid.UUID, external_ids: Collection[str]
) -> dict[str, RenewalRef]:
    if not external_ids:
        return {}
    result = await session.execute(
        select(Renewal.external_id, Renewal.id, Renewal.customer_id).where(
            Renewal.organization_id == organization_id,
            Renewal.external_id.in_(sorted(external_ids)),
        )
    )
    return {row[0]: RenewalRef(row[1], row[2]) for row in result}


class StoredMovement(NamedTuple):
    id: uuid.UUID
    external_id: str
    customer_id: uuid.UUID
    date: date
    kind: str
    amount: Decimal
    currency: str
    renewal_id: uuid.UUID | None
    renewal_external_id: str | None
    source: str
    version: int


class StoredRenewal(NamedTuple):
    id: uuid.UUID
    external_id: str
    customer_id: uuid.UUID
    due_date: date
    renewable_arr: Decimal
    outcome: str
    closed_date: date | None


class StoredLine(NamedTuple):
    external_id: str
    customer_id: uuid.UUID
    start_month: date
    end_month: date
    arr: Decimal


async def customer_ledgers(
    session: AsyncSession, organization_id: uuid.UUID, customer_ids: Collection[uuid.UUID]
) -> tuple[list[StoredMovement], list[StoredRenewal], list[StoredLine]]:
    """Every movement, renewal and contract line of these customers."""
    if not customer_ids:
        return [], [], []
    ids = sorted(customer_ids)
    movements = await session.execute(
        select(
            ArrMovement.id,
            ArrMovement.external_id,
            ArrMovement.customer_id,
            ArrMovement.date,
            ArrMovement.kind,
            ArrMovement.amount,
            ArrMovement.currency,
            ArrMovement.renewal_id,
            Renewal.external_id,
            ArrMovement.source,
            ArrMovement.version,
        )
        .outerjoin(Renewal, Renewal.id == ArrMovement.renewal_id)
        .where(ArrMovement.organization_id == organization_id, ArrMovement.customer_id.in_(ids))
    )
    renewals = await session.execute(
        select(
            Renewal.id,
            Renewal.external_id,
            Renewal.customer_id,
            Renewal.due_date,
            Renewal.renewable_arr,
            Renewal.outcome,
            Renewal.closed_date,
        ).where(Renewal.organization_id == organization_id, Renewal.customer_id.in_(ids))
    )
    lines = await session.execute(
        select(
            ContractLine.external_id,
            ContractLine.customer_id,
            ContractLine.start_month,
            ContractLine.end_month,
            ContractLine.arr,
        ).where(ContractLine.organization_id == organization_id, ContractLine.customer_id.in_(ids))
    )
    return (
        [StoredMovement(*row) for row in movements],
        [StoredRenewal(*row) for row in renewals],
        [StoredLine(*row) for row in lines],
    )


async def insert_records(
    session: AsyncSession, model: LedgerModel, rows: Sequence[dict[str, Any]]
) -> None:
    if rows:
        await session.execute(insert(model), list(rows))


async def update_records(
    session: AsyncSession, model: LedgerModel, rows: Sequence[dict[str, Any]]
) -> None:
    """Update by primary key (each dict has `id`); callers hold the rows' locks."""
    if rows:
        await session.execute(update(model), list(rows))


async def delete_records(
    session: AsyncSession, model: LedgerModel, organization_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> None:
    if ids:
        await session.execute(
            delete(model).where(model.organization_id == organization_id, model.id.in_(list(ids)))
        )
