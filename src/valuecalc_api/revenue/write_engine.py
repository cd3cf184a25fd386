"""The one write path of every ledger resource (SPEC 6 bulk writes): a single write is a
one-row call of it.

1. the rows' customers (and renewals) resolved and locked FOR UPDATE, in id order;
2. the stored records of the rows' keys locked FOR UPDATE;
3. each row turned into the record's values by its resource (`resources`), problems kept;
4. each row planned by the core (`valuecalc_core.revenue.planning`): created / updated /
   unchanged / deleted, stale `if_version`, duplicate key;
5. for ledger records, the whole ledger of every touched customer validated by the core
   with the write applied (`ledger_check`); each problem reported at the row it concerns;
6. any problem → `RowsRefused` with all of them, nothing written; else inserts, updates,
   deletes and one audit event per changed record, in the request's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit.service import AuditChange, record_many
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.auth.tracker_scope import require_whole_organization
from valuecalc_api.bulk_writes.row_errors import RowError, RowsRefused, version_mismatch
from valuecalc_api.if_match import check_if_match, etag_for
from valuecalc_api.problems import Problem, conflict, not_found
from valuecalc_api.revenue import ledger_repository as repository
from valuecalc_api.revenue.ledger_check import LedgerChanges, check_ledger
from valuecalc_api.revenue.ledger_repository import CustomerRef, RenewalRef
from valuecalc_api.revenue.resource_kinds import MOVEMENTS, problem_field
from valuecalc_api.revenue.resources import LedgerResource, WriteContext
from valuecalc_api.revenue.row_schemas import CustomerAddressed, LedgerRow
from valuecalc_core.revenue.planning import (
    IncomingRow,
    PlannedRow,
    RowStatus,
    StoredRecord,
    plan_rows,
)


@dataclass
class LedgerOutcome:
    """What a write did, one result per request row, in order."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys((status.value for status in RowStatus), 0)
        for row in self.rows:
            found[row["status"]] += 1
        return found


@dataclass
class _Row:
    index: int
    row: LedgerRow
    key: Hashable
    values: tuple[Any, ...] | None
    stored: Any
    plan: PlannedRow | None = None
    new_id: uuid.UUID | None = None


async def _context(
    session: AsyncSession, principal: Principal, rows: Sequence[tuple[int, LedgerRow]]
) -> WriteContext:
    organization_id = principal.organization_id
    customer_ids = {
        row.customer_external_id
        for _, row in rows
        if isinstance(row, CustomerAddressed) and row.customer_external_id is not None
    }
    renewal_ids = {
        external_id
        for _, row in rows
        if (external_id := getattr(row, "renewal_external_id", None)) is not None
    }
    customers = await repository.lock_customers_by_external_id(
        session, organization_id, customer_ids
    )
    renewals: dict[str, RenewalRef] = await repository.renewals_by_external_id(
        session, organization_id, renewal_ids
    )
    return WriteContext(
        customers_by_external_id=customers,
        customers={c.id: c for c in customers.values()},
        renewals=renewals,
    )


async def write_rows(
    session: AsyncSession,
    principal: Principal,
    resource: LedgerResource,
    rows: Sequence[LedgerRow | None],
    schema_errors: Sequence[RowError],
    *,
    if_match: str | None = None,
    must_exist: bool | None = None,
) -> LedgerOutcome:
    """Apply every row or none (see the module docstring). For a one-row write: `if_match`,
    and `must_exist` True (an update: 404 if missing) or False (a create: 409 if present)."""
    require_whole_organization(principal, f"writing {resource.plural}")
    organization_id = principal.organization_id
    errors: list[RowError] = list(schema_errors)
    ready = [(index, row) for index, row in enumerate(rows) if row is not None]
    context = await _context(session, principal, ready)
    stored = await repository.lock_stored_records(
        session,
        resource.model,
        organization_id,
        {resource.key(row) for _, row in ready},
        resource.key_columns,
    )
    if must_exist is not None and ready:
        _check_existence(resource, stored.get(resource.key(ready[0][1])), must_exist)
    work: list[_Row] = []
    for index, row in ready:
        key = resource.key(row)
        current = stored.get(key)
        if row.is_removal:
            problem = resource.check_removal(current)
            values = None
        else:
            values, problem = resource.values(row, current, context)
        if problem is not None:
            errors.append(RowError(index, problem[0], problem[1], problem[2]))
            continue
        work.append(_Row(index, row, key, values, current))
    plans = plan_rows(
        [IncomingRow(item.key, item.values, item.row.if_version) for item in work],
        {
            key: StoredRecord(resource.stored_values(record), record.version)
            for key, record in stored.items()
        },
    )
    for item, plan in zip(work, plans, strict=True):
        item.plan = plan
        if plan.duplicate_of is not None:
            errors.append(
                RowError(
                    item.index,
                    resource.key_columns[0],
                    "duplicate_row",
                    f"Row {work[plan.duplicate_of].index} already writes this record; send "
                    "each one once.",
                    {"duplicate_of": work[plan.duplicate_of].index},
                )
            )
        elif plan.stale_version is not None and item.row.if_version is not None:
            errors.append(version_mismatch(item.index, item.row.if_version, plan.stale_version))
    if if_match is not None and work:
        _check_if_match(if_match, work[0].stored)
    changes = LedgerChanges()
    derived_stored: dict[str, repository.StoredMovement] = {}
    derived: dict[str, Any] = {}
    if resource.ledger_bound:
        derived_stored, derived = await _check_ledgers(
            session, principal, resource, work, context, changes, errors
        )
    if errors:
        raise RowsRefused(errors)
    outcome = LedgerOutcome()
    for item in sorted(work, key=lambda item: item.index):
        assert item.plan is not None
        record = item.stored
        record_id = record.id if record is not None else None
        if item.plan.status is RowStatus.CREATED:
            record_id = item.new_id = uuid.uuid4()
        outcome.rows.append(
            {
                "row": item.index,
                "key": resource.key_text(item.key),
                "id": None if record_id is None else str(record_id),
                "status": item.plan.status.value,
                "version": item.plan.version_after,
            }
        )
    await apply_changes(
        session,
        principal,
        resource,
        [
            (item.plan.status, item.key, item.values, item.stored, item.new_id)
            for item in work
            if item.plan is not None and item.plan.writes
        ],
    )
    if derived_stored or derived:
        await _apply_derived(session, principal, context, derived_stored, derived)
    if context.new_currencies:
        await repository.set_customer_currencies(session, organization_id, context.new_currencies)
    return outcome


def _check_existence(resource: LedgerResource, stored: Any, must_exist: bool) -> None:
    if must_exist and stored is None:
        raise not_found(resource.singular)
    if not must_exist and stored is not None:
        raise conflict(
            "external-id-taken",
            f"Your organization already has a {resource.singular} with this key; change it "
            "with PUT, or send it in a bulk write.",
        )


def _check_if_match(if_match: str, stored: Any) -> None:
    """A single write's If-Match against the locked record: 412 if it changed or is gone."""
    if stored is None:
        raise Problem(
            412,
            "precondition-failed",
            "If-Match names a version, but the record does not exist (any more).",
        )
    check_if_match(if_match, etag_for(stored.id, stored.version), required=False)


async def _check_ledgers(
    session: AsyncSession,
    principal: Principal,
    resource: LedgerResource,
    work: list[_Row],
    context: WriteContext,
    changes: LedgerChanges,
    errors: list[RowError],
) -> tuple[dict[str, repository.StoredMovement], dict[str, Any]]:
    """Validate every touched customer's ledger with the write applied (core), and map each
    problem to its row. Returns the stored and new derived movements of contract lines."""
    row_of_customer: dict[uuid.UUID, int] = {}
    row_of_key: dict[str, int] = {}
    for item in work:
        assert item.plan is not None
        for customer_id in resource.customers_of(item.values, item.stored):
            row_of_customer.setdefault(customer_id, item.index)
        row_of_key[str(item.key)] = item.index
        if item.plan.writes:
            resource.add_change(changes, item.key, item.values, item.stored, context)
    missing = set(row_of_customer) - set(context.customers)
    context.customers.update(
        await repository.lock_customers_by_id(session, principal.organization_id, missing)
    )
    customers: dict[uuid.UUID, CustomerRef] = {
        c: context.customers[c] for c in row_of_customer if c in context.customers
    }
    movements, renewals, lines = await repository.customer_ledgers(
        session, principal.organization_id, set(customers)
    )
    checked = check_ledger(customers, context.new_currencies, movements, renewals, lines, changes)
    first_row = min(row_of_key.values(), default=0)
    for problem in checked.problems:
        index = row_of_key.get(problem.movement_id or "") or row_of_key.get(
            problem.renewal_id or ""
        )
        if index is None and problem.customer_id is not None:
            try:
                index = row_of_customer.get(uuid.UUID(problem.customer_id))
            except ValueError:
                index = None
        errors.append(
            RowError(
                first_row if index is None else index,
                problem_field(resource, problem.code),
                problem.code,
                problem.message,
            )
        )
    derived_stored = {
        m.external_id: m
        for m in movements
        if m.source == "contract_lines" and m.customer_id in changes.line_customers
    }
    return derived_stored, checked.derived if changes.line_customers else {}


async def apply_changes(
    session: AsyncSession,
    principal: Principal,
    resource: LedgerResource,
    items: Sequence[tuple[RowStatus, Hashable, tuple[Any, ...] | None, Any, uuid.UUID | None]],
) -> None:
    """Insert, update and delete the records, and one audit event per change."""
    organization_id = principal.organization_id
    inserts, updates, deletes, audit = [], [], [], []
    columns = resource.value_columns
    for status, key, values, stored, new_id in items:
        key_values = resource.key_values(key)
        if status is RowStatus.CREATED:
            assert values is not None
            assert new_id is not None
            after = {**key_values, **dict(zip(columns, values, strict=True)), "version": 1}
            inserts.append({"id": new_id, "organization_id": organization_id, **after})
            audit.append(AuditChange(resource.entity, new_id, None, "create", None, after))
        elif status is RowStatus.UPDATED:
            assert values is not None
            before = resource.audit_state(stored)
            after = {
                **key_values,
                **dict(zip(columns, values, strict=True)),
                "version": stored.version + 1,
            }
            updates.append({"id": stored.id, **after})
            audit.append(AuditChange(resource.entity, stored.id, None, "update", before, after))
        else:
            deletes.append(stored.id)
            audit.append(
                AuditChange(
                    resource.entity, stored.id, None, "delete", resource.audit_state(stored), None
                )
            )
    await repository.delete_records(session, resource.model, organization_id, deletes)
    await repository.update_records(session, resource.model, updates)
    await repository.insert_records(session, resource.model, inserts)
    await record_many(session, principal, audit)


async def _apply_derived(
    session: AsyncSession,
    principal: Principal,
    context: WriteContext,
    stored: dict[str, repository.StoredMovement],
    derived: dict[str, Any],
) -> None:
    """Movements derived from contract lines: the new set replaces the stored one."""
    keys = sorted(stored.keys() | derived.keys())
    records = await repository.lock_stored_records(
        session, MOVEMENTS.model, principal.organization_id, keys, ("external_id",)
    )
    incoming = []
    for key in keys:
        movement = derived.get(key)
        if movement is None:
            incoming.append(IncomingRow(key, None))
            continue
        customer = context.customers[uuid.UUID(movement.customer_id)]
        currency = context.new_currencies.get(customer.id) or customer.currency
        incoming.append(
            IncomingRow(
                key,
                (
                    customer.id,
                    movement.date,
                    movement.kind.value,
                    movement.amount,
                    currency,
                    None,
                    "contract_lines",
                ),
            )
        )
    plans = plan_rows(
        incoming,
        {
            key: StoredRecord(MOVEMENTS.stored_values(record), record.version)
            for key, record in records.items()
        },
    )
    await apply_changes(
        session,
        principal,
        MOVEMENTS,
        [
            (
                plan.status,
                row.key,
                row.values,
                records.get(row.key),
                uuid.uuid4() if plan.status is RowStatus.CREATED else None,
            )
            for row, plan in zip(incoming, plans, strict=True)
            if plan.writes
        ],
    )
