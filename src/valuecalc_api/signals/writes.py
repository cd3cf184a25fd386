"""The bulk write of every signal kind: resolve each row's customer, check each row against
the core's rules with the organization's today, then plan and write all or nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.row_errors import RowError, RowsRefused
from valuecalc_api.signals import repository
from valuecalc_api.signals.bulk import SignalOutcome, core_problems, resolve_customers
from valuecalc_api.signals.schemas import CustomerReference
from valuecalc_api.signals.upserts import Content, Key, TableSpec, write_keyed
from valuecalc_core.signals.days import day_problems

R = TypeVar("R", bound=CustomerReference)

Problems = list[tuple[str, str, str]]
# A row, its customer and the organization's today -> its (key, content), and its problems.
RowBuilder = Callable[[R, uuid.UUID, date], tuple[Key, Content, Problems]]


async def write_customer_rows(
    session: AsyncSession,
    principal: Principal,
    spec: TableSpec,
    rows: Sequence[R | None],
    schema_problems: Sequence[RowError],
    build: RowBuilder[R],
) -> SignalOutcome:
    """Apply every row or none; `rows[i]` is None where row i failed its schema."""
    _, _, today = await repository.signal_settings(session, principal.organization_id)
    customers, errors = await resolve_customers(session, principal, rows)
    errors = [*schema_problems, *errors]
    keyed: list[tuple[Key, Content]] = []
    for index, (row, customer) in enumerate(zip(rows, customers, strict=True)):
        if row is None or customer is None:
            continue
        key, content, problems = build(row, customer, today)
        errors += core_problems(index, problems)
        keyed.append((key, content))
    if errors:
        raise RowsRefused(errors)
    return await write_keyed(session, principal, spec, keyed)


def not_after_today(field: str, value: date, today: date | None) -> Problems:
    """A day in range and (with `today`) not after it."""
    return day_problems(field, value, today)
