"""How fast the revenue core computes a 24-month series (`make bench-revenue`).

Data: 1,000,000 ARR movements over 100,000 customers and 36 months (2024-01..2026-12),
generated deterministically (random.Random(SEED)); every customer has exactly 10 movements
on distinct days: a `new`, then upsells, cross-sells, downsells, churns and reactivations.

Measured: the monthly series 2025-01..2026-12 (24 points) of GRR, NRR, logo retention and quick
ratio,
(a) from raw movements: building the validated `Ledger` plus `metric_series` (target <= 5 s);
(b) from the pre-aggregated form (target <= 0.5 s): `metric_series_from_sparse` over the 24
    `SparsePeriodAggregate`s, i.e. per period and (segment, owner) group the steady customers'
    count and ARR, the ARR at start and end of each customer with movements (columns) and the
    kind sums: what the API gets from a PostgreSQL GROUP BY (building them is not timed; the
    derivation from the ledger and the construction/check of the objects are printed apart).
    (b0), for comparison: `metric_series_from_aggregates` over the 24 row-per-customer
    `PeriodAggregate`s (the previous form of (b)). Splits by segment and by owner are timed too.
(c) the same four metrics per month computed by DuckDB with SQL from the same movements in the
    same run (loading excluded). Its sums, counts and 4-decimal ratios are compared with ours.

Prints absolute seconds (best of 3 wall-clock, best of 5 for (b), with CPU time) and the ratios
(a)/(c), (b)/(c), (b0)/(c), (b0)/(b), plus a machine baseline (a plain loop over the movements)
to compare runs on other machines. Prints, never asserts.
"""

from __future__ import annotations

import csv
import datetime
import random
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TypeVar

import duckdb

from valuecalc_core.money import quantize_ratio
from valuecalc_core.months import Period
from valuecalc_core.revenue import (
    Customer,
    Granularity,
    Ledger,
    MetricSeries,
    Movement,
    MovementKind,
    SparseGroup,
    SparsePeriodAggregate,
    SplitBy,
    aggregate_series,
    metric_series,
    metric_series_from_aggregates,
    metric_series_from_sparse,
    sparse_series,
)

SEED = 20261123
REPEAT = 3  # timed figures are the best of this many runs
REPEAT_SHORT = 5  # ... for the sub-second figures (b), (b0)
CUSTOMERS = 100_000
MOVEMENTS_PER_CUSTOMER = 10
FIRST_DAY = datetime.date(2024, 1, 1)
LAST_DAY = datetime.date(2026, 12, 31)
SPAN = Period.parse("2025-01", "2026-12")
SEGMENTS = ("enterprise", "mid_market", "smb")
K = MovementKind
T = TypeVar("T")


def generate(seed: int = SEED) -> tuple[list[Customer], list[Movement]]:
    """Customers joining mostly early, each with 10 movements on distinct days, all valid."""
    rng = random.Random(seed)
    total_days = (LAST_DAY - FIRST_DAY).days + 1
    customers: list[Customer] = []
    movements: list[Movement] = []
    for n in range(CUSTOMERS):
        cid = f"c{n:06d}"
        customers.append(Customer(cid, f"Customer {n}", "USD", SEGMENTS[n % 3], f"csm{n % 40}"))
        # Join in the first two years (earlier more likely), leaving room for 9 more movements.
        join = int((total_days - 400) * rng.random() ** 1.5)
        days = sorted(rng.sample(range(join + 1, total_days), MOVEMENTS_PER_CUSTOMER - 1))
        arr = Decimal(rng.randrange(100_000, 10_000_000)).scaleb(-2)
        movements.append(
            Movement(f"{cid}-0", cid, FIRST_DAY + datetime.timedelta(join), K.NEW, arr)
        )
        for i, day in enumerate(days, start=1):
            date = FIRST_DAY + datetime.timedelta(day)
            if arr == 0:
                kind, amount = (
                    K.REACTIVATION,
                    Decimal(rng.randrange(100_000, 10_000_000)).scaleb(-2),
                )
            else:
                draw = rng.random()
                if draw < 0.08:
                    kind, amount = K.CHURN, arr
                elif draw < 0.35:
                    share = Decimal(rng.randrange(5, 50)) / 100
                    kind, amount = K.DOWNSELL, (arr * share).quantize(Decimal("0.01"))
                else:
                    kind = K.UPSELL if draw < 0.8 else K.CROSS_SELL
                    amount = Decimal(rng.randrange(1_000, 2_000_000)).scaleb(-2)
            arr = arr - amount if kind in (K.CHURN, K.DOWNSELL) else arr + amount
            movements.append(Movement(f"{cid}-{i}", cid, date, kind, amount))
    rng.shuffle(movements)
    return customers, movements


def timed(label: str, action: Callable[[], T], repeat: int = 1) -> tuple[T, float]:
    """Run `action` `repeat` times; print the best wall-clock and CPU seconds (CPU includes
    DuckDB's threads, so it can exceed wall-clock). Best-of damps other load on the machine."""
    best = best_cpu = float("inf")
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = action()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu_started)
    runs = f"best of {repeat}" if repeat > 1 else "1 run"
    print(f"  {label:<62} {best:8.3f} s  (CPU {best_cpu:.3f} s, {runs})")
    return result, best


def machine_baseline(movements: list[Movement]) -> None:
    """A plain loop reading one attribute per movement: how fast this machine runs Python now."""
    total = 0
    for m in movements:
        total += m.date.day


# The four metrics per month the way a SQL engine does it well: one GROUP BY per customer and
# month, a running sum per customer for ARR, and running totals over months for everyone else
# (a customer without movements in a month keeps its ARR, so only changed rows are looked at).
DUCKDB_SQL = """
WITH per_month AS (
    SELECT customer_id,
           (year(date) - 2024) * 12 + month(date) - 1 AS mo,
           sum(CASE WHEN kind IN ('downsell', 'churn') THEN -amount ELSE amount END) AS delta,
           coalesce(sum(amount) FILTER (WHERE kind NOT IN ('downsell', 'churn')), 0) AS gained,
           coalesce(sum(amount) FILTER (WHERE kind IN ('downsell', 'churn')), 0) AS lost
    FROM movements GROUP BY ALL
),
changed AS (
    SELECT mo, delta, gained, lost,
           sum(delta) OVER (PARTITION BY customer_id ORDER BY mo) - delta AS arr_start,
           sum(delta) OVER (PARTITION BY customer_id ORDER BY mo) AS arr_end
    FROM per_month
),
by_month AS (
    SELECT mo,
           sum(delta) AS net,
           count(*) FILTER (WHERE arr_end > 0) - count(*) FILTER (WHERE arr_start > 0) AS net_active,
           coalesce(sum(arr_start - least(arr_start, arr_end)) FILTER (WHERE arr_start > 0), 0)
               AS cohort_loss,
           coalesce(sum(arr_start - arr_end) FILTER (WHERE arr_start > 0), 0) AS cohort_net_loss,
           count(*) FILTER (WHERE arr_start > 0 AND arr_end = 0) AS cohort_churned,
           sum(gained) AS gained, sum(lost) AS lost
    FROM changed GROUP BY mo
),
running AS (
    SELECT m.mo, b.cohort_loss, b.cohort_net_loss, b.cohort_churned, b.gained, b.lost,
           coalesce(sum(b.net) OVER w, 0) AS start_arr,
           coalesce(sum(b.net_active) OVER w, 0) AS cohort
    FROM range(0, 36) m(mo) LEFT JOIN by_month b USING (mo)
    WINDOW w AS (ORDER BY m.mo ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
metrics AS (
    SELECT mo, start_arr,
           start_arr - coalesce(cohort_loss, 0) AS retained_arr,
           start_arr - coalesce(cohort_net_loss, 0) AS cohort_end_arr,
           cohort, cohort - coalesce(cohort_churned, 0) AS retained,
           coalesce(gained, 0) AS gained, coalesce(lost, 0) AS lost
    FROM running
)
SELECT mo, start_arr, retained_arr, cohort_end_arr, cohort, retained, gained, lost,
       round(retained_arr / nullif(start_arr, 0), 4) AS grr,
       round(cohort_end_arr / nullif(start_arr, 0), 4) AS nrr,
       round(retained / nullif(cohort, 0), 4) AS logo_retention,
       round(gained / nullif(lost, 0), 4) AS quick_ratio
FROM metrics WHERE mo BETWEEN 12 AND 35 ORDER BY mo
"""

# The same, literally from the definitions: every customer's ARR at every month end.
DUCKDB_LITERAL_SQL = """
WITH per_month AS (
    SELECT customer_id,
           (year(date) - 2024) * 12 + month(date) - 1 AS mo,
           sum(CASE WHEN kind IN ('downsell', 'churn') THEN -amount ELSE amount END) AS delta,
           sum(amount) FILTER (WHERE kind NOT IN ('downsell', 'churn')) AS gained,
           sum(amount) FILTER (WHERE kind IN ('downsell', 'churn')) AS lost
    FROM movements GROUP BY ALL
),
grid AS (
    SELECT c.customer_id, m.mo
    FROM (SELECT DISTINCT customer_id FROM movements) c CROSS JOIN range(0, 36) m(mo)
),
levels AS (
    SELECT g.customer_id, g.mo,
           sum(coalesce(p.delta, 0)) OVER (
               PARTITION BY g.customer_id ORDER BY g.mo ROWS UNBOUNDED PRECEDING) AS arr_end,
           coalesce(p.gained, 0) AS gained, coalesce(p.lost, 0) AS lost
    FROM grid g LEFT JOIN per_month p USING (customer_id, mo)
),
spans AS (
    SELECT *, coalesce(lag(arr_end) OVER (PARTITION BY customer_id ORDER BY mo), 0) AS arr_start
    FROM levels
)
SELECT mo,
       coalesce(sum(arr_start) FILTER (WHERE arr_start > 0), 0) AS start_arr,
       coalesce(sum(least(arr_start, arr_end)) FILTER (WHERE arr_start > 0), 0) AS retained_arr,
       coalesce(sum(arr_end) FILTER (WHERE arr_start > 0), 0) AS cohort_end_arr,
       count(*) FILTER (WHERE arr_start > 0) AS cohort,
       count(*) FILTER (WHERE arr_start > 0 AND arr_end > 0) AS retained,
       sum(gained) AS gained, sum(lost) AS lost,
       round(sum(least(arr_start, arr_end)) FILTER (WHERE arr_start > 0)
             / sum(arr_start) FILTER (WHERE arr_start > 0), 4) AS grr,
       round(sum(arr_end) FILTER (WHERE arr_start > 0)
             / sum(arr_start) FILTER (WHERE arr_start > 0), 4) AS nrr,
       round(count(*) FILTER (WHERE arr_start > 0 AND arr_end > 0)
             / count(*) FILTER (WHERE arr_start > 0), 4) AS logo_retention,
       round(sum(gained) / nullif(sum(lost), 0), 4) AS quick_ratio
FROM spans
WHERE mo BETWEEN 12 AND 35
GROUP BY mo ORDER BY mo
"""


def load_duckdb(movements: list[Movement], folder: Path) -> duckdb.DuckDBPyConnection:
    path = folder / "movements.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "date", "kind", "amount"])
        writer.writerows(
            (m.customer_id, m.date.isoformat(), m.kind.value, m.amount) for m in movements
        )
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE movements AS SELECT * FROM read_csv(?, header = true, columns = {"
        "'customer_id': 'VARCHAR', 'date': 'DATE', 'kind': 'VARCHAR', 'amount': 'DECIMAL(18,2)'})",
        [str(path)],
    )
    return connection


def ours_as_rows(series: MetricSeries) -> list[tuple[object, ...]]:
    """Our series in the shape of the SQL result, for an exact comparison."""
    rows: list[tuple[object, ...]] = []
    for index, point in enumerate(series.points, start=12):
        r, q = point.retention, point.quick_ratio

        def rounded(value: Decimal | None) -> Decimal | None:
            return None if value is None else quantize_ratio(value)

        rows.append(
            (
                index,
                r.starting_arr,
                r.retained_arr,
                r.cohort_ending_arr,
                r.customers_at_start,
                r.customers_retained,
                q.ratio.numerator,
                q.ratio.denominator,
                rounded(r.grr.value),
                rounded(r.nrr.value),
                rounded(r.logo_retention.value),
                rounded(q.ratio.value),
            )
        )
    return rows


def normalized(row: tuple[object, ...]) -> tuple[object, ...]:
    """DuckDB returns ratios as DOUBLE: compare them as 4-decimal Decimals."""
    return tuple(quantize_ratio(Decimal(repr(v))) if isinstance(v, float) else v for v in row)


def rebuilt(
    aggregates: tuple[SparsePeriodAggregate, ...], *, decode: bool = False
) -> list[SparsePeriodAggregate]:
    """The sparse form built again from its columns: what the API pays after the query
    (object construction and the consistency checks of `SparseGroup`). With `decode`, every
    column value is a new Decimal parsed from text, allocated column after column as a
    database driver does (the sweep's Decimals lie scattered in memory, which slows (b))."""

    def column(values: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
        return tuple(Decimal(str(value)) for value in values) if decode else values

    return [
        SparsePeriodAggregate(
            a.period,
            a.currency,
            tuple(
                SparseGroup(
                    g.segment,
                    g.owner,
                    g.steady_customers,
                    g.steady_arr,
                    column(g.moved_arr_start),
                    column(g.moved_arr_end),
                    g.movements,
                )
                for g in a.groups
            ),
            a.renewals,
        )
        for a in aggregates
    ]


def main() -> None:
    print("revenue core benchmark: 1,000,000 movements, 100,000 customers, 36 months")
    (customers, movements), _ = timed("generate the data (not part of any figure)", generate)
    timed(
        "machine baseline: a plain loop over the 1,000,000 movements",
        lambda: machine_baseline(movements),
    )

    ledger, validate_s = timed(
        "(a1) build + validate the Ledger",
        lambda: Ledger(tuple(customers), tuple(movements)),
        REPEAT,
    )
    raw, series_s = timed(
        "(a2) metric_series, 24 months, from raw movements",
        lambda: metric_series(ledger, SPAN),
        REPEAT,
    )
    raw_s = validate_s + series_s

    sparse, _ = timed(
        "sparse_series (the GROUP BY's job; not part of (b))",
        lambda: sparse_series(ledger, SPAN),
    )
    moved = sum(len(g.moved_arr_start) for a in sparse for g in a.groups)
    groups = sum(len(a.groups) for a in sparse)
    timed(
        "construct + check the sparse objects (not part of (b))",
        lambda: rebuilt(sparse),
        REPEAT,
    )
    compact, compact_s = timed(
        f"(b) metric_series_from_sparse: {moved:,} moved, {groups:,} groups",
        lambda: metric_series_from_sparse(sparse, Granularity.MONTH),
        REPEAT_SHORT,
    )
    decoded = rebuilt(sparse, decode=True)
    from_decoded, decoded_s = timed(
        "(b) the same over columns decoded afresh, as from a driver",
        lambda: metric_series_from_sparse(decoded, Granularity.MONTH),
        REPEAT_SHORT,
    )
    split_equal = {}
    for split_by in SplitBy:
        split_sparse, _ = timed(
            f"(b) the same, split by {split_by.value}",
            partial(metric_series_from_sparse, sparse, Granularity.MONTH, split_by=split_by),
            REPEAT_SHORT,
        )
        split_equal[split_by] = split_sparse == metric_series(ledger, SPAN, split_by=split_by)

    aggregates, _ = timed(
        "aggregate_series (row-per-customer form; not part of (b0))",
        lambda: aggregate_series(ledger, SPAN),
    )
    customer_rows = sum(len(a.customers) for a in aggregates)
    aggregated, aggregated_s = timed(
        f"(b0) metric_series_from_aggregates over {customer_rows:,} rows",
        lambda: metric_series_from_aggregates(aggregates, Granularity.MONTH),
        REPEAT_SHORT,
    )

    with tempfile.TemporaryDirectory() as folder:
        connection, _ = timed(
            "load the movements into DuckDB (not part of (c))",
            lambda: load_duckdb(movements, Path(folder)),
        )
        duck_rows, duck_s = timed(
            "(c) the same series in DuckDB SQL",
            lambda: connection.execute(DUCKDB_SQL).fetchall(),
            REPEAT,
        )
        literal_rows, _ = timed(
            "DuckDB, literal definition (every customer x month; a check)",
            lambda: connection.execute(DUCKDB_LITERAL_SQL).fetchall(),
        )
        connection.close()

    ours = ours_as_rows(raw)
    theirs = [normalized(row) for row in duck_rows]
    literal = [normalized(row) for row in literal_rows]
    print()
    print(f"raw and row-per-customer (b0) results identical: {raw == aggregated}")
    print(f"raw and sparse (b) results identical: {raw == compact == from_decoded}")
    for split_by, equal in split_equal.items():
        print(f"raw and sparse (b) split by {split_by.value} identical: {equal}")
    for label, rows in (("DuckDB (c)", theirs), ("DuckDB literal", literal)):
        print(f"{label} numbers equal ours (sums, counts, 4-dp ratios, 24 months): {ours == rows}")
        for mine, other in zip(ours, rows, strict=False):
            if mine != other:
                print(f"  first difference: ours {mine}\n                    duckdb {other}")
                break
    print()
    print(
        f"(a) raw movements          {raw_s:7.3f} s  (target <= 5 s; "
        f"validate {validate_s:.3f} s + series {series_s:.3f} s)"
    )
    print(
        f"(b) sparse pre-aggregated  {compact_s:7.3f} s  (target <= 0.5 s; "
        f"{decoded_s:.3f} s over freshly decoded columns)"
    )
    print(f"(b0) row per customer      {aggregated_s:7.3f} s  (the previous form, for comparison)")
    print(f"(c) DuckDB SQL             {duck_s:7.3f} s")
    print(
        f"(a)/(c) = {raw_s / duck_s:.2f}   (b)/(c) = {compact_s / duck_s:.2f}   "
        f"(b0)/(c) = {aggregated_s / duck_s:.2f}   (b0)/(b) = {aggregated_s / compact_s:.2f}"
    )
    sample = raw.points[-1]
    print(
        f"2026-12: GRR {sample.retention.grr.rounded()}  NRR {sample.retention.nrr.rounded()}  "
        f"logo {sample.retention.logo_retention.rounded()}  quick ratio "
        f"{sample.quick_ratio.ratio.rounded()} ({sample.quick_ratio.band.value})"
    )


if __name__ == "__main__":
    main()
