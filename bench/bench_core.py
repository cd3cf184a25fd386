"""How fast the value-tracking core builds tables and reports (`make bench-core`).

(a) one tracker of 50 use cases x 2 calculations x 36 months (measurements in
    most months with a few gaps, input changes every few months, a ramp, fees):
    tracker table and full tracker report, best of N, in ms (target <= 5 ms),
    then where a report's time goes: each stage alone, in us per calculation;
(b) a portfolio of ~1,000,000 calculation-months (27,778 calculations x 36
    months across many trackers, three currencies): seconds (target <= 1.5 s);
(c) the formula engine's own benchmark, `formula_ratio.main()`.

Each figure is also printed as a ratio against a baseline measured in the same
run: a plain-Python loop doing the same Decimal arithmetic over the same data
(delta, improvement, formula, rounding, cumulative sums for realized and
projected benefit) without the table machinery. For (a) and (b) it also prints
the arithmetic floor: only the Decimal operations the report's figures need, each
column in one C-level `map`, over columns prepared before the clock starts and
without building any result object. No implementation on CPython's `decimal`
can be faster than that floor. Prints, never asserts.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal

import formula_ratio
from arithmetic_floor import (
    arithmetic_floor,
    floor_columns,
    portfolio_floor,
    same_figures,
    same_totals,
)
from valuecalc_core.comparison import combine_with_realized, compare_calculation
from valuecalc_core.measurement_table import build_tracker_table, compile_tracker, tracker_table
from valuecalc_core.money import money_quantum
from valuecalc_core.months import Month, Period
from valuecalc_core.projection import project_calculation
from valuecalc_core.report import measured_values, portfolio_report, tracker_report
from valuecalc_core.review import review_calculation, review_measured
from valuecalc_core.timeline import build_timeline
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
    OneTimeFee,
    RampStep,
    TrackerSpec,
    UseCaseSpec,
    UseCaseStatus,
)
from valuecalc_core.trend import classify_changes, classify_trend, measured_changes
from valuecalc_core.valuation import FormulaCache, evaluate_realized, exact_context

MONTHS = 36
START = Month.parse("2025-01")
PERIOD = Period(START, START + (MONTHS - 1))
AS_OF = START + (MONTHS - 1)
REPEATS = 25  # best of: the machine is shared, and one tracker takes milliseconds
PORTFOLIO_REPEATS = 3


def _v1_calculation(rng: random.Random, ident: str) -> CalculationSpec:
    baseline = Decimal(rng.randint(50, 200))
    changes = [InputChange("cost_per_rep_month", START, Decimal(rng.randint(4000, 12000)))]
    changes += [
        InputChange("reps", START + month, Decimal(rng.randint(5, 40)))
        for month in range(0, MONTHS, rng.choice((4, 6, 9)))
    ]
    measurements = _measurements(rng, baseline, Decimal(1))
    return CalculationSpec(
        id=ident,
        name=f"Tickets {ident}",
        kind=BenefitKind.COST_SAVINGS,
        metric=ImprovementMetric(
            "tickets per day", "tickets/day", baseline, Direction.HIGHER_IS_BETTER, baseline * 2
        ),
        formula="improvement * reps * cost_per_rep_month",
        inputs=(
            InputDefinition("reps", "# of reps", "reps"),
            InputDefinition("cost_per_rep_month", "Cost per rep", "per month"),
        ),
        input_changes=tuple(changes),
        measurements=measurements,
        ramp=(RampStep(1, Decimal("0.5")), RampStep(4, Decimal("0.8")), RampStep(7, Decimal(1))),
    )


def _v3_calculation(rng: random.Random, ident: str) -> CalculationSpec:
    baseline = Decimal(rng.randint(30, 90))
    changes = [InputChange("hourly_cost", START, Decimal(rng.randint(30, 120)))]
    changes += [
        InputChange("tasks_per_month", START + month, Decimal(rng.randint(500, 5000)))
        for month in range(0, MONTHS, rng.choice((3, 6, 12)))
    ]
    return CalculationSpec(
        id=ident,
        name=f"Minutes {ident}",
        kind=BenefitKind.COST_AVOIDANCE,
        metric=ImprovementMetric(
            "minutes per task", "min", baseline, Direction.LOWER_IS_BETTER, baseline / 2
        ),
        formula="delta / 60 * tasks_per_month * hourly_cost",
        inputs=(
            InputDefinition("tasks_per_month", "Tasks per month", "tasks"),
            InputDefinition("hourly_cost", "Hourly cost", "per hour"),
        ),
        input_changes=tuple(changes),
        measurements=_measurements(rng, baseline, Decimal(-1)),
        ramp=(RampStep(1, Decimal("0.5")), RampStep(4, Decimal(1))),
    )


def _measurements(
    rng: random.Random, baseline: Decimal, sign: Decimal
) -> tuple[MeasurementEntry, ...]:
    """A measurement in ~90 % of months drifting toward better, some estimates, a few gaps."""
    entries = []
    value = baseline
    for month in range(MONTHS):
        step = sign * Decimal(rng.randint(-10, 30)) / 1000  # -1 % .. +3 % toward better
        value = (value * (1 + step)).quantize(Decimal("0.1"))
        if rng.random() < 0.9:
            entries.append(
                MeasurementEntry(START + month, value, estimate=rng.random() < 0.05, source="bench")
            )
    return tuple(entries)


def _tracker(
    rng: random.Random, ident: str, use_cases: int, currency: str, inactive_every: int = 0
) -> TrackerSpec:
    """A tracker; with `inactive_every` n, use cases 0, n, 2n, ... are inactive."""
    cases = tuple(
        UseCaseSpec(
            id=f"{ident}-u{u}",
            name=f"Use case {u}",
            status=(
                UseCaseStatus.INACTIVE
                if inactive_every and u % inactive_every == 0
                else UseCaseStatus.ACTIVE
            ),
            calculations=(
                _v1_calculation(rng, f"{ident}-u{u}-a"),
                _v3_calculation(rng, f"{ident}-u{u}-b"),
            ),
        )
        for u in range(use_cases)
    )
    yearly = Decimal(rng.randint(50, 500) * 1000) + Decimal("0.05")
    if currency == "JPY":
        yearly = yearly.quantize(Decimal(1))
    return TrackerSpec(
        id=ident,
        name=f"Customer {ident}",
        currency=currency,
        period=PERIOD,
        fees=Fees(yearly, FeeInterval.YEAR, (OneTimeFee(START, Decimal(15000), "Implementation"),)),
        use_cases=cases,
    )


def _baseline_loop(trackers: list[TrackerSpec], active_only: bool = False) -> None:
    """The same Decimal arithmetic as the core, as one plain loop without any table machinery.

    `active_only` skips the use cases a portfolio does not count, as the core does.
    """
    cache: FormulaCache = {}
    with exact_context():
        for tracker in trackers:
            quantum = money_quantum(tracker.currency)
            formulas = compile_tracker(tracker, cache)
            for use_case in tracker.use_cases:
                if active_only and use_case.status is not UseCaseStatus.ACTIVE:
                    continue
                for calc in use_case.calculations:
                    call = formulas[calc.id].call
                    inputs = {c.key: c.value for c in calc.input_changes if c.month == START}
                    measured = {m.month.ordinal: m.value for m in calc.measurements}
                    changes = {(c.key, c.month.ordinal): c.value for c in calc.input_changes}
                    baseline = calc.metric.baseline
                    target = calc.metric.target
                    assert target is not None
                    higher = calc.metric.direction is Direction.HIGHER_IS_BETTER
                    shares = {s.from_month: s.share for s in calc.ramp}
                    metric: Decimal | None = None
                    share = Decimal(0)
                    realized = projected = Decimal(0)
                    for index in range(MONTHS):
                        ordinal = START.ordinal + index
                        for key in inputs:
                            inputs[key] = changes.get((key, ordinal), inputs[key])
                        metric = measured.get(ordinal, metric)
                        share = shares.get(index + 1, share)
                        for value in (metric, baseline + share * (target - baseline)):
                            if value is None:
                                continue
                            delta = value - baseline if higher else baseline - value
                            names = {"improvement": delta / abs(baseline), "delta": delta}
                            names |= inputs
                            args = [names[n] for n in formulas[calc.id].variables]
                            benefit = call(*args).quantize(quantum, rounding=ROUND_HALF_EVEN)
                            if value is metric:
                                realized += benefit
                            else:
                                projected += benefit


def _best(function: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _best_interleaved(functions: list[Callable[[], object]], repeats: int) -> list[float]:
    """The best time of each function, running them in turns so that a shared machine's
    changing load weighs on each alike (their ratios are what the bench reports)."""
    best = [float("inf")] * len(functions)
    for _ in range(repeats):
        for position, function in enumerate(functions):
            started = time.perf_counter()
            function()
            best[position] = min(best[position], time.perf_counter() - started)
    return best


def _stage_costs(tracker: TrackerSpec) -> None:
    """Each stage of a tracker report timed alone over all calculations, in us per calculation.

    The stages of `report.tracker_report` (the table is timeline + realized
    values + assembling the columns); they do not add up exactly to the report,
    which also creates its result objects and sums the use cases.
    """
    with exact_context():
        formulas = compile_tracker(tracker)
        table = build_tracker_table(tracker, formulas, AS_OF)
        quantum = money_quantum(tracker.currency)
        calcs = [c for u in table.use_cases for c in u.calculations]
        projections = [project_calculation(c, formulas[c.calculation.id]) for c in calcs]
        comparisons = [compare_calculation(c, p) for c, p in zip(calcs, projections, strict=True)]
        stages: dict[str, Callable[[], object]] = {
            "carry-forward timeline": lambda: [
                build_timeline(c.calculation, tracker.period.first, MONTHS) for c in calcs
            ],
            "realized values": lambda: [
                evaluate_realized(formulas[c.calculation.id], c.calculation, c.timeline, quantum)
                for c in calcs
            ],
            "projection": lambda: [
                project_calculation(c, formulas[c.calculation.id]) for c in calcs
            ],
            "comparisons": lambda: (
                [compare_calculation(c, p) for c, p in zip(calcs, projections, strict=True)]
                + [
                    combine_with_realized(
                        table.months,
                        comparisons[2 * i : 2 * i + 2],
                        u.benefit,
                        u.cumulative_benefit,
                    )
                    for i, u in enumerate(table.use_cases)
                ]
            ),
            "trend": lambda: [
                classify_trend(c.calculation.metric, measured_values(c)) for c in calcs
            ],
            "review": lambda: [
                review_calculation(
                    c.calculation.id,
                    c.calculation.metric.baseline,
                    c.months,
                    c.metric,
                    c.provenance,
                )
                for c in calcs
            ],
        }
        # As `report.tracker_report` runs them: on the timeline's measured months,
        # with the changes between consecutive values (computed once for both in the
        # report) and the months' labels (formatted once per report).
        labels = [str(month) for month in table.months]
        stages["trend, as in the report"] = lambda: [
            classify_changes(c.calculation.metric, v, measured_changes(v), c.timeline.measured_at)
            for c, v in ((c, [c.metric[i] for i in c.timeline.measured_at]) for c in calcs)
        ]
        stages["review, as in the report"] = lambda: [
            review_measured(
                c.calculation.id,
                c.calculation.metric.baseline,
                c.months,
                c.metric,
                c.provenance,
                c.timeline.measured_at,
                v,
                labels=labels,
                changes=measured_changes(v),
            )
            for c, v in ((c, [c.metric[i] for i in c.timeline.measured_at]) for c in calcs)
        ]
        print("    per calculation, each stage alone:")
        for name, stage in stages.items():
            cost = _best(stage, REPEATS) / len(calcs)
            print(f"      {name:24} {cost * 1e6:6.1f} us")


def main() -> None:
    rng = random.Random(20261123)
    one = _tracker(rng, "t0", 50, "USD", inactive_every=10)
    calc_months = sum(len(u.calculations) for u in one.use_cases) * MONTHS
    print(f"(a) one tracker: 50 use cases x 2 calculations x {MONTHS} months = {calc_months:,}")
    base = _best(lambda: _baseline_loop([one]), REPEATS)
    prepared = floor_columns(one, AS_OF)
    floor, table, report = _best_interleaved(
        [
            lambda: arithmetic_floor(prepared),
            lambda: tracker_table(one, AS_OF),
            lambda: tracker_report(one, AS_OF),
        ],
        REPEATS,
    )
    print(f"    baseline loop   {base * 1e3:8.2f} ms")
    same = same_figures(arithmetic_floor(prepared), tracker_report(one, AS_OF))
    print(
        f"    arithmetic floor{floor * 1e3:8.2f} ms  ({floor / base:.2f}x baseline: the report's"
        f" Decimal operations alone; same monthly figures: {'yes' if same else 'NO'})"
    )
    print(f"    tracker table   {table * 1e3:8.2f} ms  ({table / base:.2f}x baseline)")
    print(
        f"    tracker report  {report * 1e3:8.2f} ms  ({report / base:.2f}x baseline, "
        f"{report / floor:.2f}x floor, target 5 ms)"
    )
    _stage_costs(one)

    calculations = 27_778
    per_tracker = 10  # 5 use cases x 2 calculations
    currencies = ("USD", "EUR", "JPY")
    trackers = [
        _tracker(rng, f"p{i}", per_tracker // 2, currencies[i % 3])
        for i in range(-(-calculations // per_tracker))
    ]
    # The specs are a large static heap: freeze it so the cyclic GC does not rescan it
    # during both timed runs (an API request would only hold its own trackers).
    gc.collect()
    gc.freeze()
    total = sum(len(u.calculations) for t in trackers for u in t.use_cases) * MONTHS
    print(f"(b) portfolio: {len(trackers):,} trackers, {total:,} calculation-months, all active")
    base = _best(lambda: _baseline_loop(trackers), PORTFOLIO_REPEATS)
    prepared_portfolio = [floor_columns(t, AS_OF) for t in trackers]
    gc.collect()
    gc.freeze()
    floor, portfolio = _best_interleaved(
        [lambda: portfolio_floor(prepared_portfolio), lambda: portfolio_report(trackers, AS_OF)],
        PORTFOLIO_REPEATS,
    )
    same = same_totals(portfolio_floor(prepared_portfolio), portfolio_report(trackers, AS_OF))
    print(f"    baseline loop     {base:6.2f} s")
    print(
        f"    arithmetic floor  {floor:6.2f} s  ({floor / base:.2f}x baseline; "
        f"same totals: {'yes' if same else 'NO'})"
    )
    print(
        f"    portfolio report  {portfolio:6.2f} s  ({portfolio / base:.2f}x baseline, "
        f"{portfolio / floor:.2f}x floor, target 1.5 s)"
    )

    print("(c) formula engine")
    formula_ratio.main()


if __name__ == "__main__":
    main()
