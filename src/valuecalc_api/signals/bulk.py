"""Bulk writes of signals (SPEC 6 "Bulk endpoints"): up to 10,000 rows, every row checked
before anything is written, all or nothing, each bad row named by its index; a single
create is a one-row call of the same code.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.auth.tracker_scope import require_whole_organization
from valuecalc_api.bulk_writes.applying import new_row_ids, transient_errors_as_concurrent_write
from valuecalc_api.bulk_writes.row_errors import RowError, RowsRefused, refused
from valuecalc_api.problems import Problem
from valuecalc_api.signals import repository
from valuecalc_api.signals.schemas import CustomerReference
from valuecalc_core.signals.planning import RowPlan, RowStatus

CUSTOMER_NOT_FOUND = "customer_not_found"


def require_signal_writer(principal: Principal) -> None:
    """403 for a viewer key or a tracker-limited key (signals belong to customers)."""
    principal.require_editor()
    require_whole_organization(principal, "writing customer signals")


def core_problems(index: int, problems: Iterable[tuple[str, str, str]]) -> list[RowError]:
    return [RowError(index, field, code, message) for field, code, message in problems]


async def resolve_customers(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[CustomerReference | None],
) -> tuple[list[uuid.UUID | None], list[RowError]]:
    """Each row's customer (None where the row failed its schema or names no customer of
    the organization), and a problem per row that names an unknown customer."""
    ids = [r.customer_id for r in rows if r is not None and r.customer_id is not None]
    external = [
        r.customer_external_id
        for r in rows
        if r is not None and r.customer_id is None and r.customer_external_id is not None
    ]
    known, by_external = await repository.customers_by_reference(
        session, principal.organization_id, ids, external
    )
    found: list[uuid.UUID | None] = []
    errors: list[RowError] = []
    for index, row in enumerate(rows):
        if row is None:
            found.append(None)
            continue
        if (row.customer_id is None) == (row.customer_external_id is None):
            found.append(None)
            errors.append(
                RowError(
                    index,
                    "customer_id",
                    "customer_reference",
                    "Name the customer by customer_id or by customer_external_id (one of them).",
                )
            )
            continue
        if row.customer_id is not None:
            customer = row.customer_id if row.customer_id in known else None
            field = "customer_id"
        else:
            customer = by_external.get(row.customer_external_id or "")
            field = "customer_external_id"
        if customer is None:
            errors.append(
                RowError(index, field, CUSTOMER_NOT_FOUND, "No such customer in your organization.")
            )
        found.append(customer)
    return found, errors


@dataclass(frozen=True, slots=True)
class SignalOutcome:
    """What a bulk write did: one (id, status, key) per request row, in order."""

    rows: list[tuple[uuid.UUID, RowStatus, str]]

    def body(self) -> dict[str, Any]:
        counts = dict.fromkeys((s.value for s in RowStatus), 0)
        for _, status, _ in self.rows:
            counts[status.value] += 1
        return {
            "counts": counts,
            "rows": [
                {"id": str(row_id), "status": status.value, "key": key}
                for row_id, status, key in self.rows
            ],
        }

    def response(self) -> Response:
        content = json.dumps(self.body(), separators=(",", ":"), ensure_ascii=False)
        return Response(content.encode("utf-8"), media_type="application/json")


def row_ids(plan: RowPlan[Any], stored_ids: Sequence[uuid.UUID | None]) -> list[uuid.UUID]:
    """Each planned row's id: the stored row's, or a new one for a created row."""
    fresh = iter(new_row_ids(plan.count(RowStatus.created)))
    ids = []
    for status, stored in zip(plan.statuses, stored_ids, strict=True):
        if stored is not None:
            ids.append(stored)
        else:
            assert status is RowStatus.created
            ids.append(next(fresh))
    return ids


def duplicate_errors(plan: RowPlan[Any], field: str) -> list[RowError]:
    return [
        RowError(
            row,
            field,
            "duplicate_row",
            f"Row {first} already has this {field}; send each one once.",
            {"duplicate_of": first},
        )
        for row, first in plan.duplicates
    ]


async def applied(write: Awaitable[SignalOutcome]) -> Response:
    """Run a bulk write: bad rows answer 422 listing each; a transient conflict 503."""
    try:
        async with transient_errors_as_concurrent_write():
            outcome = await write
    except RowsRefused as error:
        raise refused(error) from None
    return outcome.response()


def _field_only(error: RowError) -> dict[str, Any]:
    return {"field": error.field}


async def applied_one(write: Awaitable[SignalOutcome]) -> tuple[uuid.UUID, RowStatus]:
    """A single create through the bulk code: its problems name fields, not rows."""
    try:
        async with transient_errors_as_concurrent_write():
            outcome = await write
    except RowsRefused as error:
        problem: Problem = refused(error, position=_field_only, what="field")
        raise problem from None
    row_id, status, _ = outcome.rows[0]
    return row_id, status
