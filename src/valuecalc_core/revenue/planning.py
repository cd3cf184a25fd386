"""Row planning of ledger writes: what each incoming row does to the stored records (pure).

A bulk write (and a single write, a one-row bulk write) sends rows addressed by a key (an
`external_id`, or (currency, month) for an FX rate), each either the record's full new
values or a removal. Against the stored records of those keys each row is planned as:

- `created`: no stored record, values given;
- `updated`: a stored record whose values differ (decimals compare by value: "100" = "100.00");
- `unchanged`: a stored record with equal values, or a removal of a record that does not exist;
- `deleted`: a removal of a stored record.

A row with `if_version` is stale when the stored version differs (0: "only if none exists");
a key sent twice is a duplicate of its first row. Both are reported per row, never applied.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class RowStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A stored record's comparable values and its version."""

    values: tuple[object, ...]
    version: int


@dataclass(frozen=True, slots=True)
class IncomingRow:
    """`values` None removes the record; `if_version` is the version the sender read."""

    key: Hashable
    values: tuple[object, ...] | None
    if_version: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """The row's status, the version the record has after the write (None once deleted or
    never existing), and its problems: `stale_version` (the stored version, 0 for none) when
    `if_version` differs, `duplicate_of` (an earlier row index) for a key sent twice."""

    status: RowStatus
    version_after: int | None
    stale_version: int | None = None
    duplicate_of: int | None = None

    @property
    def writes(self) -> bool:
        return self.status in (RowStatus.CREATED, RowStatus.UPDATED, RowStatus.DELETED)


def plan_row(row: IncomingRow, stored: StoredRecord | None) -> PlannedRow:
    """One row against its stored record (see the module docstring)."""
    stored_version = stored.version if stored is not None else 0
    stale = (
        stored_version if row.if_version is not None and row.if_version != stored_version else None
    )
    if row.values is None:
        if stored is None:
            return PlannedRow(RowStatus.UNCHANGED, None, stale)
        return PlannedRow(RowStatus.DELETED, None, stale)
    if stored is None:
        return PlannedRow(RowStatus.CREATED, 1, stale)
    if stored.values == row.values:
        return PlannedRow(RowStatus.UNCHANGED, stored.version, stale)
    return PlannedRow(RowStatus.UPDATED, stored.version + 1, stale)


def plan_rows(
    rows: Sequence[IncomingRow], stored: Mapping[Hashable, StoredRecord]
) -> tuple[PlannedRow, ...]:
    """Every row planned in order; a repeated key is planned against nothing and marked."""
    first: dict[Hashable, int] = {}
    plans = []
    for index, row in enumerate(rows):
        earlier = first.setdefault(row.key, index)
        planned = plan_row(row, stored.get(row.key))
        if earlier != index:
            planned = PlannedRow(
                planned.status, planned.version_after, planned.stale_version, earlier
            )
        plans.append(planned)
    return tuple(plans)
