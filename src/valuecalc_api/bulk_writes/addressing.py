"""Which calculation each row writes to, for all rows at once in at most two queries.

A row is addressed EITHER by `calculation_id` OR by stable keys: `customer_external_id` +
`calculation_key` (at a tracker's endpoint the customer is implied and may be left out).
By keys, the tracker is the customer's tracker that has a calculation with that key and
whose contract period contains the row's month; if several do, the row is ambiguous and
`tracker_id` chooses. A tracker the API key may not see does not exist for it (SPEC 6),
so its rows are reported as not found, exactly like another organization's.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes import repository
from valuecalc_api.bulk_writes.repository import CalculationTarget
from valuecalc_api.bulk_writes.row_errors import RowError, outside_period
from valuecalc_api.bulk_writes.schemas import RowAddress
from valuecalc_api.models.tracker import Tracker
from valuecalc_api.problems import not_found


@dataclass(frozen=True, slots=True)
class TrackerScope:
    """A tracker's own endpoint: every row must write into `tracker`."""

    tracker: Tracker
    customer_external_id: str | None


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


def _address_errors(index: int, row: RowAddress, scope: TrackerScope | None) -> list[RowError]:
    """What is wrong with how the row names its calculation, before any lookup."""
    if row.calculation_id is not None:
        return [
            RowError(
                index,
                name,
                "address_conflict",
                "Address a row either by calculation_id or by customer_external_id + "
                "calculation_key, not both.",
            )
            for name in ("customer_external_id", "calculation_key")
            if getattr(row, name) is not None
        ]
    errors = []
    if row.calculation_key is None:
        errors.append(
            RowError(
                index,
                "calculation_key",
                "missing",
                "Give calculation_id, or customer_external_id and calculation_key.",
            )
        )
    if scope is None and row.customer_external_id is None:
        errors.append(
            RowError(
                index,
                "customer_external_id",
                "missing",
                "Rows addressed by calculation_key need the customer's customer_external_id.",
            )
        )
    return errors


async def resolve(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[RowAddress | None],
    scope: TrackerScope | None,
) -> tuple[list[CalculationTarget | None], list[RowError]]:
    """The target of every row (None where it has a problem) and the problems."""
    errors: list[RowError] = []
    targets: list[CalculationTarget | None] = [None] * len(rows)
    by_id: list[int] = []
    by_key: list[int] = []
    for index, row in enumerate(rows):
        if row is None:
            continue
        problems = _address_errors(index, row, scope)
        if scope is not None and row.tracker_id not in (None, scope.tracker.id):
            problems.append(
                RowError(
                    index,
                    "tracker_id",
                    "tracker_mismatch",
                    "tracker_id differs from the tracker in the address of the request.",
                )
            )
        if problems:
            errors += problems
        elif row.calculation_id is not None:
            by_id.append(index)
        else:
            by_key.append(index)

    ids = {row.calculation_id for i in by_id if (row := rows[i]) and row.calculation_id}
    found = {
        target.calculation_id: target
        for target in await repository.calculations_by_id(
            session, principal.organization_id, sorted(ids)
        )
        if principal.can_see_tracker(target.tracker_id)
    }
    for index in by_id:
        row = rows[index]
        assert row is not None
        assert row.calculation_id is not None
        target = found.get(row.calculation_id)
        if target is None or (scope is not None and target.tracker_id != scope.tracker.id):
            errors.append(
                RowError(
                    index,
                    "calculation_id",
                    "calculation_not_found",
                    f"No calculation {row.calculation_id} in "
                    + ("this tracker." if scope is not None else "your organization."),
                )
            )
        elif row.tracker_id is not None and row.tracker_id != target.tracker_id:
            errors.append(
                RowError(
                    index,
                    "tracker_id",
                    "tracker_mismatch",
                    f"Calculation {row.calculation_id} belongs to another tracker.",
                )
            )
        elif not target.start_month <= row.month <= target.end_month:
            errors.append(outside_period(index, row.month, target.start_month, target.end_month))
        else:
            targets[index] = target

    if scope is not None:
        errors += await _resolve_in_tracker(session, principal, rows, by_key, scope, targets)
    else:
        errors += await _resolve_by_customer(session, principal, rows, by_key, targets)
    return targets, errors


async def _resolve_in_tracker(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[RowAddress | None],
    indexes: Sequence[int],
    scope: TrackerScope,
    targets: list[CalculationTarget | None],
) -> list[RowError]:
    keys = sorted(
        {row.calculation_key for i in indexes if (row := rows[i]) and row.calculation_key}
    )
    found = {
        target.key: target
        for target in await repository.calculations_by_key(
            session, principal.organization_id, scope.tracker.id, keys
        )
    }
    errors = []
    tracker = scope.tracker
    for index in indexes:
        row = rows[index]
        assert row is not None
        assert row.calculation_key is not None
        target = found.get(row.calculation_key)
        if row.customer_external_id not in (None, scope.customer_external_id):
            errors.append(
                RowError(
                    index,
                    "customer_external_id",
                    "customer_mismatch",
                    (
                        f"This tracker belongs to customer {scope.customer_external_id!r}, "
                        if scope.customer_external_id is not None
                        else "This tracker's customer has no external_id, "
                    )
                    + f"not {row.customer_external_id!r}.",
                )
            )
        elif target is None:
            errors.append(
                RowError(
                    index,
                    "calculation_key",
                    "calculation_not_found",
                    f"This tracker has no calculation with key {row.calculation_key!r}.",
                )
            )
        elif not tracker.start_month <= row.month <= tracker.end_month:
            errors.append(outside_period(index, row.month, tracker.start_month, tracker.end_month))
        else:
            targets[index] = target
    return errors


async def _resolve_by_customer(
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[RowAddress | None],
    indexes: Sequence[int],
    targets: list[CalculationTarget | None],
) -> list[RowError]:
    wanted = [row for i in indexes if (row := rows[i]) is not None]
    external_ids = sorted({row.customer_external_id for row in wanted if row.customer_external_id})
    keys = sorted({row.calculation_key for row in wanted if row.calculation_key})
    trackers: dict[str, dict[uuid.UUID, repository.CustomerTracker]] = defaultdict(dict)
    calculations: dict[tuple[uuid.UUID, str], uuid.UUID] = {}
    for found in await repository.customer_trackers(
        session, principal.organization_id, external_ids, keys
    ):
        if not principal.can_see_tracker(found.tracker_id):
            continue
        trackers[found.external_id][found.tracker_id] = found
        if found.calculation_id is not None and found.calculation_key is not None:
            calculations[(found.tracker_id, found.calculation_key)] = found.calculation_id

    errors = []
    # Thousands of rows share a few (customer, key) pairs: each pair's trackers with the key
    # are found once, and each (tracker, key) target is built once.
    with_key_of: dict[tuple[str, str, uuid.UUID | None], list[repository.CustomerTracker]] = {}
    target_of: dict[tuple[uuid.UUID, str], CalculationTarget] = {}
    for index in indexes:
        row = rows[index]
        assert row is not None
        assert row.customer_external_id
        assert row.calculation_key
        external_id, key = row.customer_external_id, row.calculation_key
        with_key = with_key_of.get((external_id, key, row.tracker_id))
        if with_key:
            containing = [t for t in with_key if t.start_month <= row.month <= t.end_month]
            if len(containing) == 1:
                chosen = containing[0]
                target = target_of.get((chosen.tracker_id, key))
                if target is not None:
                    targets[index] = target
                    continue
        candidates = list(trackers.get(external_id, {}).values())
        if not candidates:
            errors.append(
                RowError(
                    index,
                    "customer_external_id",
                    "customer_not_found",
                    f"No customer with external_id {external_id!r} and a tracker in your "
                    "organization.",
                )
            )
            continue
        if row.tracker_id is not None:
            candidates = [t for t in candidates if t.tracker_id == row.tracker_id]
            if not candidates:
                errors.append(
                    RowError(
                        index,
                        "tracker_id",
                        "tracker_not_found",
                        f"Customer {external_id!r} has no tracker {row.tracker_id}.",
                    )
                )
                continue
        with_key = [t for t in candidates if (t.tracker_id, key) in calculations]
        with_key_of[(external_id, key, row.tracker_id)] = with_key
        if not with_key:
            errors.append(
                RowError(
                    index,
                    "calculation_key",
                    "calculation_not_found",
                    f"No tracker of customer {external_id!r} has a calculation with key {key!r}.",
                )
            )
            continue
        containing = [t for t in with_key if t.start_month <= row.month <= t.end_month]
        if not containing:
            periods = ", ".join(
                f"{t.start_month}..{t.end_month}"
                for t in sorted(with_key, key=lambda t: t.start_month)
            )
            errors.append(
                RowError(
                    index,
                    "month",
                    "month_outside_period",
                    f"{row.month} is outside every contract period of customer "
                    f"{external_id!r} with calculation {key!r} ({periods}).",
                )
            )
        elif len(containing) > 1:
            choices = sorted(containing, key=lambda t: (t.start_month, str(t.tracker_id)))
            errors.append(
                RowError(
                    index,
                    "tracker_id",
                    "ambiguous_tracker",
                    f"{row.month} falls in {len(containing)} trackers of customer "
                    f"{external_id!r} with calculation {key!r}; pass tracker_id to choose one.",
                    {"candidate_tracker_ids": [str(t.tracker_id) for t in choices]},
                )
            )
        else:
            chosen = containing[0]
            targets[index] = target_of[(chosen.tracker_id, key)] = CalculationTarget(
                calculation_id=calculations[(chosen.tracker_id, key)],
                key=key,
                tracker_id=chosen.tracker_id,
                start_month=chosen.start_month,
                end_month=chosen.end_month,
                customer_external_id=external_id,
            )
    return errors
