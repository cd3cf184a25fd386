"""Bulk measurement writes: validate every row, then apply all or nothing (SPEC 6).

Order of work, all in the request's transaction:
1. rows already parsed (`row_parsing`), their schema problems collected;
2. calculations resolved in a few set-based queries (`addressing`), trackers FOR SHARE;
3. duplicates within the request refused (the same calculation-month twice);
4. the touched trackers' lock state held and read (as `locks.service.ensure_unlocked`
   does), the stored values of the rows read FOR UPDATE, and each row planned as
   created / updated / unchanged / deleted. A row that would change a locked month is
   refused; a row that changes nothing is accepted even there (a re-imported template);
5. any problem → `RowsRefused` with all of them, nothing written; else one upsert and
   one delete, each writing its audit events in the same statement.

A value equal to the stored one (numerically, with the same `estimate`, and the same
`source` or none given) is `unchanged` and keeps its `version`; a written row without a
`source` gets "import".
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Hashable, Sequence
from contextlib import asynccontextmanager
from datetime import date
from typing import NamedTuple

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.imports import repository
from valuecalc_api.imports.addressing import TrackerScope, resolve
from valuecalc_api.imports.measurement_writes import (
    MeasurementWrite,
    StoredMeasurement,
    delete_measurements,
    existing_measurements,
    make_room_for_rows,
    planned_versions,
    upsert_measurements,
)
from valuecalc_api.imports.repository import CalculationTarget, as_date
from valuecalc_api.imports.row_errors import (
    MONTH_LOCKED,
    RowError,
    RowsRefused,
    version_mismatch,
)
from valuecalc_api.imports.schemas import (
    BulkOutcome,
    MeasurementRow,
    RowStatus,
    row_result,
)
from valuecalc_api.problems import Problem, not_found
from valuecalc_core.months import Month

DEFAULT_SOURCE = "import"


async def tracker_scope(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID
) -> TrackerScope:
    """The tracker of a tracker-level endpoint, locked FOR SHARE; 404 if not visible."""
    principal.check_tracker(tracker_id)
    found = await repository.get_tracker_for_share(session, principal.organization_id, tracker_id)
    if found is None:
        raise not_found("tracker")
    tracker, external_id = found
    return TrackerScope(tracker=tracker, customer_external_id=external_id)


def duplicate_errors(keys: Sequence[tuple[int, Hashable]], what: str) -> list[RowError]:
    """A second row for the same `what` (key) as an earlier row of the request."""
    first: dict[Hashable, int] = {}
    errors = []
    for index, key in keys:
        earlier = first.setdefault(key, index)
        if earlier != index:
            errors.append(
                RowError(
                    index,
                    "month",
                    "duplicate_row",
                    f"Row {earlier} already sets this {what}; send each one once.",
                    {"duplicate_of": earlier},
                )
            )
    return errors


def new_row_ids(count: int) -> list[uuid.UUID]:
    """`count` random (version 4) ids from one read of the system's random source."""
    entropy = os.urandom(16 * count)
    return [uuid.UUID(bytes=entropy[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


def locked_error(index: int, month: Month, through: Month) -> RowError:
    return RowError(
        index,
        "month",
        MONTH_LOCKED,
        f"{month} is locked (the tracker is locked through {through}); an admin must move "
        "or remove the lock first.",
        {"locked_through": str(through)},
    )


# Deadlock, serialization failure, lock not available: the transaction was rolled back.
_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "55P03"})


def concurrent_write() -> Problem:
    """Another request wrote some of the same months at the same moment; nothing was written.

    503 with Retry-After, not 409: the idempotency middleware keeps 4xx answers as the
    key's result, so a retry with the same Idempotency-Key would replay a 409 for 24 h;
    a 5xx releases the key and the retry runs.
    """
    return Problem(
        503,
        "concurrent-write",
        "Another request changed some of these values at the same time; nothing was written. "
        "Retry the request (with the same Idempotency-Key, if you sent one).",
        title="Concurrent write",
        headers={"Retry-After": "1"},
    )


def is_transient(error: DBAPIError) -> bool:
    """A database error that a retry of the whole request may not meet again."""
    return getattr(error.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES


@asynccontextmanager
async def transient_errors_as_concurrent_write() -> AsyncIterator[None]:
    """Around a bulk write: a transient database error (a row created meanwhile, a
    deadlock) becomes the retryable `concurrent_write` problem; others propagate."""
    try:
        yield
    except DBAPIError as error:
        if not is_transient(error):
            raise
        raise concurrent_write() from None


class _Planned(NamedTuple):
    row: MeasurementRow
    target: CalculationTarget
    month: date
    status: RowStatus
    stored: StoredMeasurement | None


async def write_measurements(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[MeasurementRow | None],
    schema_problems: Sequence[RowError],
    scope: TrackerScope | None,
    lines: Sequence[int] | None = None,
) -> BulkOutcome:
    """Apply every row or none; `rows[i]` is None where row i failed its schema. `lines`
    (a CSV import's) are the rows' line numbers, shown in the answer's rows."""
    targets, errors = await resolve(session, principal, rows, scope)
    errors = [*schema_problems, *errors]
    ready = [
        (index, row, target)
        for index, (row, target) in enumerate(zip(rows, targets, strict=True))
        if row is not None and target is not None
    ]
    duplicates = duplicate_errors(
        [(index, (target.calculation_id, row.month)) for index, row, target in ready],
        "calculation and month",
    )
    errors += duplicates
    duplicated = {error.row for error in duplicates}
    ready = [item for item in ready if item[0] not in duplicated]

    locks = await repository.locked_through(
        session, principal.organization_id, sorted({target.tracker_id for _, _, target in ready})
    )
    months = [as_date(row.month) for _, row, _ in ready]
    stored = await existing_measurements(
        session,
        principal.organization_id,
        list(
            {
                (target.calculation_id, month)
                for (_, _, target), month in zip(ready, months, strict=True)
            }
        ),
    )
    plan: list[_Planned] = []
    created = 0
    for (index, row, target), month in zip(ready, months, strict=True):
        current = stored.get((target.calculation_id, month))
        if row.value is None:
            status = RowStatus.deleted if current is not None else RowStatus.unchanged
        elif current is None:
            status = RowStatus.created
            created += 1
        elif (current.value, current.estimate) == (row.value, row.estimate) and (
            row.source in (None, current.source)
        ):
            status = RowStatus.unchanged
        else:
            status = RowStatus.updated
        if row.if_version is not None:
            stored_version = current.version if current is not None else 0
            if row.if_version != stored_version:
                errors.append(version_mismatch(index, row.if_version, stored_version))
        through = locks.get(target.tracker_id)
        if status is not RowStatus.unchanged and through is not None and row.month <= through:
            errors.append(locked_error(index, row.month, through))
        plan.append(_Planned(row, target, month, status, current))
    if errors:
        raise RowsRefused(errors)

    # The id of each row's result: the stored row's, a new one's, or none (nothing removed).
    fresh = iter(new_row_ids(created))
    ids = [
        p.stored.id if p.stored else (next(fresh) if p.status is RowStatus.created else None)
        for p in plan
    ]
    writes = [
        MeasurementWrite(
            row_id,
            p.target.tracker_id,
            p.target.calculation_id,
            p.month,
            value,
            p.row.estimate,
            p.row.source or DEFAULT_SOURCE,
            p.stored,
        )
        for p, row_id in zip(plan, ids, strict=True)
        if (p.status is RowStatus.created or p.status is RowStatus.updated)
        and row_id is not None
        and (value := p.row.value) is not None
    ]
    line_of: Sequence[int | None] = [None] * len(plan) if lines is None else lines
    await make_room_for_rows(session)
    # The database writes while this process assembles the answer (10,000 rows of it):
    # the answer follows from the plan, and is dropped if the write fails.
    writing = asyncio.ensure_future(upsert_measurements(session, principal, writes))
    try:
        await asyncio.sleep(0)  # let the statement go out before the work below
        outcome = BulkOutcome.of(
            [
                row_result(row_id, p.status, p.target.calculation_id, p.month, None, line)
                for p, row_id, line in zip(plan, ids, line_of, strict=True)
            ]
        )
    finally:
        written = await writing
    expected = planned_versions([w.before.version if w.before else None for w in writes])
    removals = [
        (p.target.tracker_id, p.stored)
        for p in plan
        if p.status is RowStatus.deleted and p.stored is not None
    ]
    removed = await delete_measurements(session, principal, removals)
    if written != expected or removed != len(removals):
        raise concurrent_write()
    return outcome
