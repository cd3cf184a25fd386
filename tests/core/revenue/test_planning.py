"""Row planning of ledger writes (pure): created / updated / unchanged / deleted, stale
versions, duplicate keys."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from valuecalc_core.revenue.planning import (
    IncomingRow,
    RowStatus,
    StoredRecord,
    plan_row,
    plan_rows,
)

STORED = StoredRecord((Decimal("100.00"), "new"), 3)


def test_each_status_and_the_version_after() -> None:
    assert plan_row(IncomingRow("a", (Decimal(1), "new")), None).status is RowStatus.CREATED
    assert plan_row(IncomingRow("a", (Decimal(1), "new")), None).version_after == 1
    same = plan_row(IncomingRow("a", (Decimal("100"), "new")), STORED)
    assert (same.status, same.version_after) == (RowStatus.UNCHANGED, 3)  # 100 = 100.00
    changed = plan_row(IncomingRow("a", (Decimal("101"), "new")), STORED)
    assert (changed.status, changed.version_after) == (RowStatus.UPDATED, 4)
    removed = plan_row(IncomingRow("a", None), STORED)
    assert (removed.status, removed.version_after) == (RowStatus.DELETED, None)
    assert plan_row(IncomingRow("a", None), None).status is RowStatus.UNCHANGED
    assert not plan_row(IncomingRow("a", None), None).writes


def test_a_stale_if_version_names_the_stored_version() -> None:
    assert plan_row(IncomingRow("a", (Decimal(1), "new"), if_version=2), STORED).stale_version == 3
    assert (
        plan_row(IncomingRow("a", (Decimal(1), "new"), if_version=3), STORED).stale_version is None
    )
    assert plan_row(IncomingRow("a", (Decimal(1), "new"), if_version=0), None).stale_version is None
    assert plan_row(IncomingRow("a", (Decimal(1), "new"), if_version=1), None).stale_version == 0


def test_a_key_sent_twice_points_at_its_first_row() -> None:
    plans = plan_rows(
        [IncomingRow("a", (Decimal(1),)), IncomingRow("b", None), IncomingRow("a", None)], {}
    )
    assert [p.duplicate_of for p in plans] == [None, None, 0]


@given(
    values=st.lists(st.decimals(allow_nan=False, allow_infinity=False, places=2), max_size=3),
    version=st.integers(1, 50),
)
def test_sending_the_stored_values_back_writes_nothing(values: list[Decimal], version: int) -> None:
    stored = StoredRecord(tuple(values), version)
    plan = plan_row(IncomingRow("k", tuple(values), if_version=version), stored)
    assert plan.status is RowStatus.UNCHANGED
    assert plan.version_after == version
    assert plan.stale_version is None
    assert not plan.writes
