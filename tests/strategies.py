"""Shared hypothesis strategies and small builders for value-tracking tests.

The strategies build valid trackers: every input has a value from the
contract's first month, at most one measurement per month, months inside the
contract period. Formulas come from a fixed list so a property can pick the
kind it needs (e.g. non-negative, or not using `metric`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from hypothesis import strategies as st

from valuecalc_core.months import Month, Period
from valuecalc_core.tracker_model import (
    BenefitKind,
    CalculationSpec,
    Direction,
    FeeInterval,
    Fees,
    ImprovementMetric,
    InputChange,
    InputDefinition,
    MeasurementEntry,
    MissingMonthsPolicy,
    OneTimeFee,
    RampStep,
    TrackerSpec,
    UseCaseSpec,
    UseCaseStatus,
)
from valuecalc_core.write_plan import RowsToWrite

START = Month.parse("2026-01")

# Formulas over inputs `a` and `b`. The first group never uses `metric` itself,
# so mirroring the series around the baseline leaves them unchanged.
DIRECTION_FREE_FORMULAS = (
    "improvement * a * b",
    "delta / 60 * a * b",
    "delta * a - b / 7",
    "if(delta > 0, delta * a, 0)",
    "a / delta",  # divides by zero when the metric equals the baseline
)
NON_NEGATIVE_FORMULAS = ("abs(delta) * a", "max(improvement, 0) * a * b + b / 3")
OTHER_FORMULAS = ("metric * a - baseline * b", "round(delta * a / 3, 1)")
ALL_FORMULAS = DIRECTION_FREE_FORMULAS + NON_NEGATIVE_FORMULAS + OTHER_FORMULAS

INPUTS = (
    InputDefinition("a", "Input a", "units"),
    InputDefinition("b", "Input b", "per month"),
)

CURRENCIES = ("USD", "JPY", "KWD", "EUR")


def decimals(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Decimals from `low` to `high` with up to `places` decimals, built exactly."""
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda n: Decimal(n).scaleb(-places))


metric_values = decimals(0, 400, 1)
input_values = decimals(0, 5000, 2)
_baselines = decimals(0, 300, 1)
_nonzero_baselines = decimals(1, 300, 1)
_targets = st.none() | metric_values
_shares = decimals(0, 1, 2)


@lru_cache(maxsize=64)
def _month_sets(low: int, high: int, max_size: int) -> st.SearchStrategy[frozenset[int]]:
    # Built once per shape: constructing strategies inside a composite is slow.
    return st.frozensets(st.integers(low, high), max_size=max_size)


@lru_cache(maxsize=64)
def _measurement_values(month_count: int) -> st.SearchStrategy[list[Decimal]]:
    return st.lists(metric_values, min_size=month_count, max_size=month_count)


@lru_cache(maxsize=64)
def _month_masks(month_count: int) -> st.SearchStrategy[int]:
    # One draw for "which months": bit i set means month i (cheaper than a draw per month).
    return st.integers(0, 2**month_count - 1)


@st.composite
def calculations(
    draw: st.DrawFn,
    month_count: int,
    ident: str = "c1",
    formulas: tuple[str, ...] = ALL_FORMULAS,
    nonzero_baseline: bool = False,
) -> CalculationSpec:
    """A calculation over `month_count` months from START with random data."""
    baseline = draw(_nonzero_baselines if nonzero_baseline else _baselines)
    direction = draw(st.sampled_from(Direction))
    target = draw(_targets)
    changes = []
    for definition in INPUTS:
        months = draw(_month_sets(1, max(month_count - 1, 1), 2))
        for index in [0, *sorted(m for m in months if m < month_count)]:
            changes.append(InputChange(definition.key, START + index, draw(input_values)))
    measured = draw(_month_masks(month_count))
    estimated = draw(_month_masks(month_count))
    values = draw(_measurement_values(month_count))
    measurements = tuple(
        MeasurementEntry(START + index, value, estimate=bool(estimated >> index & 1))
        for index, value in enumerate(values)
        if measured >> index & 1
    )
    ramp_months = draw(_month_sets(1, month_count, 2))
    ramp = tuple(RampStep(m, draw(_shares)) for m in sorted(ramp_months))
    return CalculationSpec(
        id=ident,
        name=f"Calculation {ident}",
        kind=draw(st.sampled_from(BenefitKind)),
        metric=ImprovementMetric("metric", "units", baseline, direction, target),
        formula=draw(st.sampled_from(formulas)),
        inputs=INPUTS,
        input_changes=tuple(changes),
        measurements=measurements,
        ramp=ramp,
    )


_one_time_fees = {places: decimals(0, 20000, places) for places in (0, 2, 3)}
_recurring_fees = {places: decimals(0, 90000, places) for places in (0, 2, 3)}


@st.composite
def trackers(
    draw: st.DrawFn,
    formulas: tuple[str, ...] = ALL_FORMULAS,
    max_months: int = 13,
    max_use_cases: int = 2,
    currency: str | None = None,
    nonzero_baseline: bool = False,
) -> TrackerSpec:
    """A tracker with 1..`max_use_cases` use cases of 1-2 calculations each."""
    month_count = draw(st.integers(1, max_months))
    period = Period(START, START + (month_count - 1))
    use_cases = []
    for u in range(draw(st.integers(1, max_use_cases))):
        calcs = tuple(
            draw(calculations(month_count, f"u{u}c{c}", formulas, nonzero_baseline))
            for c in range(draw(st.integers(1, 2)))
        )
        status = draw(st.sampled_from(UseCaseStatus))
        use_cases.append(UseCaseSpec(f"u{u}", f"Use case {u}", status, calcs))
    chosen = currency or draw(st.sampled_from(CURRENCIES))
    places = {"JPY": 0, "KWD": 3}.get(chosen, 2)
    one_time = tuple(
        OneTimeFee(START + index, draw(_one_time_fees[places]), "fee")
        for index in sorted(draw(_month_sets(0, month_count - 1, 1)))
    )
    fees = Fees(draw(_recurring_fees[places]), draw(st.sampled_from(FeeInterval)), one_time)
    return TrackerSpec(
        id="t1",
        name="Tracker",
        currency=chosen,
        period=period,
        fees=fees,
        use_cases=tuple(use_cases),
        missing_months=draw(st.sampled_from(MissingMonthsPolicy)),
    )


def single_calculation_tracker(
    calculation: CalculationSpec,
    *,
    currency: str = "USD",
    first: str = "2026-01",
    last: str = "2026-12",
    fees: Fees | None = None,
    missing_months: MissingMonthsPolicy = MissingMonthsPolicy.CARRY_FORWARD,
    status: UseCaseStatus = UseCaseStatus.ACTIVE,
) -> TrackerSpec:
    """A tracker holding one use case with one calculation (worked examples)."""
    return TrackerSpec(
        id="t1",
        name="Acme",
        currency=currency,
        period=Period.parse(first, last),
        fees=fees or Fees(),
        use_cases=(UseCaseSpec("u1", "Support", status, (calculation,)),),
        missing_months=missing_months,
    )


def v1_calculation(
    measurements: dict[str, str] | None = None,
    extra_changes: tuple[InputChange, ...] = (),
    target: Decimal | None = None,
    ramp: tuple[RampStep, ...] = (),
) -> CalculationSpec:
    """SPEC 3 V1: tickets handled per day, baseline 100, 10 reps at 10,000 a month."""
    values = measurements or {"2026-01": "121", "2026-02": "130", "2026-03": "158"}
    return CalculationSpec(
        id="v1",
        name="Tickets handled",
        kind=BenefitKind.COST_SAVINGS,
        metric=ImprovementMetric(
            "tickets handled per day",
            "tickets/day",
            Decimal(100),
            Direction.HIGHER_IS_BETTER,
            target,
        ),
        formula="improvement * reps * cost_per_rep_month",
        inputs=(
            InputDefinition("reps", "# of reps", "reps"),
            InputDefinition("cost_per_rep_month", "Cost per rep", "USD per month"),
        ),
        input_changes=(
            InputChange("reps", START, Decimal(10)),
            InputChange("cost_per_rep_month", START, Decimal(10000)),
            *extra_changes,
        ),
        measurements=tuple(MeasurementEntry(Month.parse(m), Decimal(v)) for m, v in values.items()),
        ramp=ramp,
    )


# --- write requests (valuecalc_core.write_plan) ----------------------------------------


@dataclass(frozen=True)
class StoredRow:
    """A stored value as the write plan sees it."""

    value: Decimal
    estimate: bool
    source: str | None
    version: int


_write_months = st.integers(0, 5).map(lambda offset: Month.parse("2026-01") + offset)
_write_values = st.sampled_from([Decimal("1"), Decimal("1.0"), Decimal("2"), Decimal("30.5")])
_write_sources = st.sampled_from([None, "import", "crm"])
_stored_rows = st.builds(
    StoredRow,
    value=_write_values,
    estimate=st.booleans(),
    source=st.sampled_from(["import", "crm"]),
    version=st.integers(1, 3),
)


@st.composite
def write_requests(draw: st.DrawFn, unchanged_in_locked: bool = True) -> RowsToWrite:
    """A request of 0-12 rows over 2 owners and months 2026-01..2026-06 (periods of
    2026-02..2026-05 or the whole span, so some rows fall outside), the same stored value
    for every row of one slot, some trackers locked."""
    count = draw(st.integers(0, 12))
    owners = [draw(st.sampled_from(["a", "b"])) for _ in range(count)]
    months = [draw(_write_months) for _ in range(count)]
    slots = list(zip(owners, months, strict=True))
    stored_of = {slot: draw(st.none() | _stored_rows) for slot in sorted(set(slots), key=str)}
    narrow = {owner: draw(st.booleans()) for owner in "ab"}
    lock = {owner: draw(st.none() | _write_months) for owner in "ab"}
    return RowsToWrite(
        slots=slots,
        months=months,
        values=[draw(st.none() | _write_values) for _ in range(count)],
        estimates=[draw(st.booleans()) for _ in range(count)],
        sources=[draw(_write_sources) for _ in range(count)],
        if_versions=[draw(st.none() | st.integers(0, 3)) for _ in range(count)],
        stored=[stored_of[slot] for slot in slots],
        period_starts=[Month.parse("2026-02" if narrow[o] else "2026-01") for o in owners],
        period_ends=[Month.parse("2026-05" if narrow[o] else "2026-06") for o in owners],
        locked_through=[lock[owner] for owner in owners],
        initial_value_required=draw(st.booleans()),
        unchanged_in_locked=unchanged_in_locked,
    )
