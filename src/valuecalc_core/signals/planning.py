"""Row planning of signal writes: what each row of a bulk request does (created, updated,
unchanged) given what is stored, and which rows repeat an earlier row's key.

A row whose content equals the stored one is `unchanged` (a replay stores nothing twice);
a key sent twice in one request is refused, naming the first row.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RowStatus(StrEnum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"


@dataclass(frozen=True, slots=True)
class RowPlan(Generic[K]):
    """`statuses[i]` is row i's fate, None for a duplicate; `duplicates` (row, first row)."""

    statuses: tuple[RowStatus | None, ...]
    duplicates: tuple[tuple[int, int], ...]

    def count(self, status: RowStatus) -> int:
        return sum(1 for s in self.statuses if s is status)


def plan_rows(rows: Sequence[tuple[K, V]], stored: Mapping[K, V]) -> RowPlan[K]:
    """Plan (key, content) rows against the stored content of the same keys."""
    first: dict[K, int] = {}
    statuses: list[RowStatus | None] = []
    duplicates: list[tuple[int, int]] = []
    for index, (key, content) in enumerate(rows):
        earlier = first.setdefault(key, index)
        if earlier != index:
            duplicates.append((index, earlier))
            statuses.append(None)
        elif key not in stored:
            statuses.append(RowStatus.created)
        elif stored[key] == content:
            statuses.append(RowStatus.unchanged)
        else:
            statuses.append(RowStatus.updated)
    return RowPlan(tuple(statuses), tuple(duplicates))
