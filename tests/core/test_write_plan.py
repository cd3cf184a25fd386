"""The write plan of month values: worked examples and the invariants every request keeps."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given

from tests.strategies import StoredRow, write_requests
from valuecalc_core.months import Month
from valuecalc_core.write_plan import (
    ProblemKind,
    RowProblem,
    RowStatus,
    RowsToWrite,
    plan_writes,
)

JAN, FEB, MAR, DEC = (Month.parse(f"2026-{m}") for m in ("01", "02", "03", "12"))


def _one_row(
    value: Decimal | None,
    stored: StoredRow | None,
    *,
    month: Month = FEB,
    estimate: bool = False,
    source: str | None = None,
    if_version: int | None = None,
    locked_through: Month | None = None,
    initial_value_required: bool = False,
    unchanged_in_locked: bool = True,
) -> RowsToWrite:
    return RowsToWrite(
        slots=[("calculation", month)],
        months=[month],
        values=[value],
        estimates=[estimate],
        sources=[source],
        if_versions=[if_version],
        stored=[stored],
        period_starts=[JAN],
        period_ends=[DEC],
        locked_through=[locked_through],
        initial_value_required=initial_value_required,
        unchanged_in_locked=unchanged_in_locked,
    )


STORED = StoredRow(Decimal("130"), False, "zendesk", 2)


def test_a_value_over_nothing_is_created_and_a_new_value_updates() -> None:
    assert plan_writes(_one_row(Decimal("130"), None)).statuses == (RowStatus.created,)
    assert plan_writes(_one_row(Decimal("131"), STORED)).statuses == (RowStatus.updated,)


def test_the_same_number_flag_and_source_is_unchanged_and_a_missing_source_matches_any() -> None:
    assert plan_writes(_one_row(Decimal("130.00"), STORED, source="zendesk")).statuses == (
        RowStatus.unchanged,
    )
    assert plan_writes(_one_row(Decimal("130"), STORED)).statuses == (RowStatus.unchanged,)
    assert plan_writes(_one_row(Decimal("130"), STORED, source="crm")).statuses == (
        RowStatus.updated,
    )
    assert plan_writes(_one_row(Decimal("130"), STORED, estimate=True)).statuses == (
        RowStatus.updated,
    )


def test_removing_a_value_deletes_it_and_removing_nothing_is_unchanged() -> None:
    assert plan_writes(_one_row(None, STORED)).statuses == (RowStatus.deleted,)
    assert plan_writes(_one_row(None, None)).statuses == (RowStatus.unchanged,)


def test_a_stale_if_version_names_the_stored_version_and_zero_means_none_stored() -> None:
    assert plan_writes(_one_row(Decimal("1"), STORED, if_version=1)).problems == (
        RowProblem(0, ProblemKind.stale_version, if_version=1, stored_version=2),
    )
    assert plan_writes(_one_row(Decimal("1"), STORED, if_version=2)).problems == ()
    assert plan_writes(_one_row(Decimal("1"), None, if_version=0)).problems == ()
    assert plan_writes(_one_row(Decimal("1"), None, if_version=2)).problems == (
        RowProblem(0, ProblemKind.stale_version, if_version=2, stored_version=0),
    )


def test_a_change_in_a_locked_month_is_refused_and_an_unchanged_row_passes_in_bulk() -> None:
    locked = RowProblem(0, ProblemKind.month_locked, locked_through=FEB)
    assert plan_writes(_one_row(Decimal("1"), STORED, locked_through=FEB)).problems == (locked,)
    assert plan_writes(_one_row(None, STORED, locked_through=MAR)).problems == (
        replace(locked, locked_through=MAR),
    )
    assert plan_writes(_one_row(Decimal("1"), STORED, locked_through=JAN)).problems == ()
    same = _one_row(Decimal("130"), STORED, locked_through=FEB)
    assert plan_writes(same).problems == ()
    assert plan_writes(replace(same, unchanged_in_locked=False)).problems == (locked,)


def test_outside_the_period_and_an_initial_value_removal_are_refused_before_planning() -> None:
    outside = plan_writes(_one_row(Decimal("1"), None, month=Month.parse("2027-01")))
    assert outside.statuses == (None,)
    assert outside.problems == (RowProblem(0, ProblemKind.outside_period),)
    initial = plan_writes(_one_row(None, STORED, month=JAN, initial_value_required=True))
    assert initial.problems == (RowProblem(0, ProblemKind.initial_value_required),)
    assert plan_writes(_one_row(None, STORED, month=JAN)).statuses == (RowStatus.deleted,)


def test_a_second_row_for_the_same_slot_is_a_duplicate_of_the_first() -> None:
    rows = RowsToWrite(
        slots=["x", "y", "x"],
        months=[FEB, FEB, FEB],
        values=[Decimal("1"), Decimal("2"), Decimal("3")],
        estimates=[False] * 3,
        sources=[None] * 3,
        if_versions=[None] * 3,
        stored=[None] * 3,
        period_starts=[JAN] * 3,
        period_ends=[DEC] * 3,
        locked_through=[None] * 3,
    )
    plan = plan_writes(rows)
    assert plan.statuses == (RowStatus.created, RowStatus.created, None)
    assert plan.problems == (RowProblem(2, ProblemKind.duplicate, duplicate_of=0),)


REFUSED_BEFORE_PLANNING = {
    ProblemKind.outside_period,
    ProblemKind.initial_value_required,
    ProblemKind.duplicate,
}


@given(write_requests())
def test_every_row_is_planned_or_refused_before_planning_never_both(rows: RowsToWrite) -> None:
    plan = plan_writes(rows)
    assert len(plan.statuses) == len(rows.months)
    early = {p.row for p in plan.problems if p.kind in REFUSED_BEFORE_PLANNING}
    assert early == {i for i, status in enumerate(plan.statuses) if status is None}
    for problem in plan.problems:
        if problem.kind in REFUSED_BEFORE_PLANNING:
            assert [p for p in plan.problems if p.row == problem.row] == [problem]


@given(write_requests())
def test_rows_outside_their_period_are_exactly_the_outside_period_problems(
    rows: RowsToWrite,
) -> None:
    outside = {
        i
        for i, month in enumerate(rows.months)
        if not rows.period_starts[i] <= month <= rows.period_ends[i]
    }
    found = {p.row for p in plan_writes(rows).problems if p.kind is ProblemKind.outside_period}
    assert found == outside


@given(write_requests())
def test_each_slot_is_planned_at_most_once_and_duplicates_point_at_the_planned_row(
    rows: RowsToWrite,
) -> None:
    plan = plan_writes(rows)
    planned = [rows.slots[i] for i, status in enumerate(plan.statuses) if status is not None]
    assert len(planned) == len(set(planned))
    for problem in plan.problems:
        if problem.kind is ProblemKind.duplicate:
            assert problem.duplicate_of is not None
            assert problem.duplicate_of < problem.row
            assert rows.slots[problem.duplicate_of] == rows.slots[problem.row]
            assert plan.statuses[problem.duplicate_of] is not None


@given(write_requests())
def test_created_and_deleted_follow_from_what_is_stored(rows: RowsToWrite) -> None:
    for i, status in enumerate(plan_writes(rows).statuses):
        stored, value = rows.stored[i], rows.values[i]
        if status is RowStatus.created:
            assert stored is None
            assert value is not None
        if status is RowStatus.deleted:
            assert stored is not None
            assert value is None
        if status is RowStatus.updated:
            assert stored is not None
            assert value is not None


@given(write_requests())
def test_only_changes_in_locked_months_and_stale_versions_are_refused_after_planning(
    rows: RowsToWrite,
) -> None:
    plan = plan_writes(rows)
    for i, status in enumerate(plan.statuses):
        if status is None:
            continue
        kinds = [p.kind for p in plan.problems if p.row == i]
        through = rows.locked_through[i]
        changes = status is not RowStatus.unchanged
        locked = through is not None and rows.months[i] <= through
        assert (ProblemKind.month_locked in kinds) == (locked and changes)
        stored = rows.stored[i]
        stored_version = 0 if stored is None else stored.version
        expected = rows.if_versions[i]
        assert (ProblemKind.stale_version in kinds) == (
            expected is not None and expected != stored_version
        )


@given(write_requests(unchanged_in_locked=False))
def test_a_single_month_write_is_refused_in_a_locked_month_whatever_it_holds(
    rows: RowsToWrite,
) -> None:
    plan = plan_writes(rows)
    for i, status in enumerate(plan.statuses):
        through = rows.locked_through[i]
        if status is not None and through is not None and rows.months[i] <= through:
            assert ProblemKind.month_locked in {p.kind for p in plan.problems if p.row == i}


@given(write_requests())
def test_writing_the_planned_rows_then_the_same_request_again_changes_nothing(
    rows: RowsToWrite,
) -> None:
    plan = plan_writes(rows)
    after = list(rows.stored)
    for i, status in enumerate(plan.statuses):
        value = rows.values[i]
        if status is None:
            continue
        now: StoredRow | None = None
        if value is not None:
            before = rows.stored[i]
            version = 1 if before is None else before.version + 1
            if status is RowStatus.unchanged:
                assert before is not None
                now = StoredRow(before.value, before.estimate, before.source, before.version)
            else:
                now = StoredRow(value, rows.estimates[i], rows.sources[i] or "import", version)
        for j, slot in enumerate(rows.slots):
            if slot == rows.slots[i]:
                after[j] = now
    again = plan_writes(replace(rows, stored=after, if_versions=[None] * len(after)))
    assert {s for s in again.statuses if s is not None} <= {RowStatus.unchanged}
