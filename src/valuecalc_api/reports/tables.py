"""The measurement table (seed: "Understanding the measurement table") as JSON.

Columnar like the core's tables: the payload's `months` are the columns (contract start
to `as_of`), and every row is a list aligned with them. A calculation shows its metric
(with where each month's value came from), each input in effect, delta, improvement,
monthly benefit (with the error code or the reason when a month has none) and the
cumulative benefit; a use case stacks its calculations and sums them; the tracker sums
its active use cases only (SPEC 3) while listing the others with `counted: false`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valuecalc_api.reports.formats import MoneyWriter, plain, plain_column, ratio_column
from valuecalc_core.measurement_table import CalculationTable, TrackerTable, UseCaseTable
from valuecalc_core.review import NO_ANNOTATIONS, CalculationAnnotations
from valuecalc_core.tracker_model import CalculationSpec, TrackerSpec

Payload = dict[str, Any]
Annotations = Mapping[str, CalculationAnnotations]


def metric_payload(spec: CalculationSpec) -> Payload:
    metric = spec.metric
    return {
        "name": metric.name,
        "unit": metric.unit,
        "baseline": plain(metric.baseline),
        "direction": metric.direction.value,
        "target": plain(metric.target),
    }


def calculation_header(spec: CalculationSpec, key: str) -> Payload:
    """Who the calculation is: ids, names, kind, metric and formula."""
    return {
        "calculation_id": spec.id,
        "key": key,
        "name": spec.name,
        "kind": spec.kind.value,
        "metric": metric_payload(spec),
        "formula": spec.formula,
    }


def calculation_rows(
    table: CalculationTable, money: MoneyWriter, marks: CalculationAnnotations = NO_ANNOTATIONS
) -> Payload:
    """The rows of one calculation's table, each aligned with the months.

    `metric_values` is the metric in effect each month and `provenance` where it came
    from (`measured`, `estimate`, `carried`, `none`); `has_note` / `has_evidence` mark
    the months with a note or evidence attached (the seed's indicator icon).
    """
    return {
        "has_note": [month in marks.note_months for month in table.months],
        "has_evidence": [month in marks.evidence_months for month in table.months],
        "metric_values": plain_column(table.metric),
        "provenance": [p.value for p in table.provenance],
        "inputs": [
            {
                "key": column.key,
                "name": column.name,
                "unit": column.unit,
                "values": plain_column(column.values),
            }
            for column in table.inputs
        ],
        "delta": plain_column(table.delta),
        "improvement": ratio_column(table.improvement),
        "benefit": money.column(table.benefit),
        "error": list(table.error),
        "no_benefit_reason": list(table.no_benefit_reason),
        "cumulative_benefit": money.column(table.cumulative_benefit),
        "total_benefit": money.required(table.total_benefit),
    }


def calculation_table_payload(
    table: CalculationTable, key: str, money: MoneyWriter, annotations: Annotations
) -> Payload:
    marks = annotations.get(table.calculation.id, NO_ANNOTATIONS)
    return {**calculation_header(table.calculation, key), **calculation_rows(table, money, marks)}


def use_case_table_payload(
    table: UseCaseTable, keys: dict[str, str], money: MoneyWriter, annotations: Annotations
) -> Payload:
    use_case = table.use_case
    return {
        "use_case_id": use_case.id,
        "name": use_case.name,
        "status": use_case.status.value,
        "counted": table.counted,
        "calculations": [
            calculation_table_payload(c, keys[c.calculation.id], money, annotations)
            for c in table.calculations
        ],
        "benefit": money.column(table.benefit),
        "cumulative_benefit": money.column(table.cumulative_benefit),
        "total_benefit": money.required(table.total_benefit),
    }


def table_frame(tracker: TrackerSpec, months: tuple[Any, ...]) -> Payload:
    """What every table payload starts with: the tracker, its currency and the columns.

    `months` runs from the contract's first month to `as_of`, which the routes never let
    fall before it (422), so there is always a last month (`TableFrame.as_of`)."""
    return {
        "tracker_id": tracker.id,
        "currency": tracker.currency,
        "period": {"start_month": str(tracker.period.first), "end_month": str(tracker.period.last)},
        "missing_months": tracker.missing_months.value,
        "as_of": str(months[-1]),
        "months": [str(m) for m in months],
    }


def tracker_table_payload(
    table: TrackerTable, keys: dict[str, str], annotations: Annotations
) -> Payload:
    money = MoneyWriter(table.tracker.currency)
    return {
        **table_frame(table.tracker, table.months),
        "use_cases": [use_case_table_payload(u, keys, money, annotations) for u in table.use_cases],
        "benefit": money.column(table.benefit),
        "cumulative_benefit": money.column(table.cumulative_benefit),
        "total_benefit": money.required(table.total_benefit),
    }


def single_use_case_payload(
    tracker: TrackerSpec, table: UseCaseTable, keys: dict[str, str], annotations: Annotations
) -> Payload:
    money = MoneyWriter(tracker.currency)
    return {
        **table_frame(tracker, table.months),
        "use_case": use_case_table_payload(table, keys, money, annotations),
    }
