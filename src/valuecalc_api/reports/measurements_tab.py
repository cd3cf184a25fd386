"""The Measurements tab (seed: "Measurements tab"): every improvement metric of the
tracker's active use cases for one month, with its trend line and the period's timeline.

For the chosen month each metric shows the value in effect and where it came from, its
unit and baseline, that month's improvement and benefit, and whether the month has a note
or evidence; its series runs from the contract start to that month. The timeline lists
every month of the period with how many metrics have their own value (measured or
estimate) there, and `complete` when all of them do.

Default month: the latest month of the period in which any active metric has its own
measurement, else the contract's first month: where a person resumes entering values.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from valuecalc_api.reports.formats import MoneyWriter, plain, ratio
from valuecalc_api.reports.loading import LoadedTracker
from valuecalc_api.reports.tables import Payload, metric_payload
from valuecalc_api.reports.trend_payload import trend_detail
from valuecalc_core.measurement_table import CalculationTable, tracker_table
from valuecalc_core.months import Month
from valuecalc_core.report import measured_values
from valuecalc_core.review import NO_ANNOTATIONS, CalculationAnnotations
from valuecalc_core.tracker_model import MeasurementEntry, TrackerSpec, UseCaseStatus
from valuecalc_core.trend import read_measured


def active_only(spec: TrackerSpec) -> TrackerSpec:
    """The tracker with its active use cases only: the Measurements tab shows no others."""
    active = tuple(u for u in spec.use_cases if u.status is UseCaseStatus.ACTIVE)
    return replace(spec, use_cases=active)


def default_month(spec: TrackerSpec) -> Month:
    """The latest month with an active metric's own measurement, else the period start."""
    months = [
        entry.month
        for use_case in active_only(spec).use_cases
        for calculation in use_case.calculations
        for entry in calculation.measurements
    ]
    return max(months, default=spec.period.first)


def _entry_in_effect(
    measurements: tuple[MeasurementEntry, ...], month: Month
) -> MeasurementEntry | None:
    """The latest measurement at or before `month` (the one a carried month shows)."""
    found: MeasurementEntry | None = None
    for entry in measurements:
        if entry.month <= month and (found is None or entry.month > found.month):
            found = entry
    return found


def _metric(
    table: CalculationTable,
    use_case_id: str,
    use_case_name: str,
    key: str,
    annotations: CalculationAnnotations,
    money: MoneyWriter,
) -> Payload:
    spec = table.calculation
    month = table.months[-1]
    entry = _entry_in_effect(spec.measurements, month)
    measured = measured_values(table)
    reading = read_measured(spec.metric, measured)
    return {
        "use_case_id": use_case_id,
        "use_case_name": use_case_name,
        "calculation_id": spec.id,
        "calculation_key": key,
        "calculation_name": spec.name,
        "kind": spec.kind.value,
        "metric": metric_payload(spec),
        "value": plain(table.metric[-1]),
        "provenance": table.provenance[-1].value,
        "measured_in": None if entry is None else str(entry.month),
        "source": None if entry is None else entry.source,
        "delta": plain(table.delta[-1]),
        "improvement": ratio(table.improvement[-1]),
        "benefit": money.one(table.benefit[-1]),
        "error": table.error[-1],
        "no_benefit_reason": table.no_benefit_reason[-1],
        "has_note": month in annotations.note_months,
        "has_evidence": month in annotations.evidence_months,
        "trend": reading.headline.value,
        "trend_detail": trend_detail(reading, [m for m, _ in measured]),
        "series": [
            {"month": str(m), "value": plain(v), "provenance": p.value}
            for m, v, p in zip(table.months, table.metric, table.provenance, strict=True)
        ],
    }


def measurements_view(
    loaded: LoadedTracker, month: Month, annotations: dict[str, CalculationAnnotations]
) -> Payload:
    spec = active_only(loaded.spec)
    money = MoneyWriter(spec.currency)
    table = tracker_table(spec, month)
    metrics = [
        _metric(
            calc,
            use_case.use_case.id,
            use_case.use_case.name,
            loaded.calculation_keys[calc.calculation.id],
            annotations.get(calc.calculation.id, NO_ANNOTATIONS),
            money,
        )
        for use_case in table.use_cases
        for calc in use_case.calculations
    ]
    own_months = [{e.month for e in c.measurements} for u in spec.use_cases for c in u.calculations]
    metric_count = len(own_months)
    timeline = []
    for period_month in spec.period:
        measured = sum(1 for months in own_months if period_month in months)
        timeline.append(
            {
                "month": str(period_month),
                "measured": measured,
                "metrics": metric_count,
                "complete": metric_count > 0 and measured == metric_count,
                "selected": period_month == month,
            }
        )
    month_benefit: Decimal = table.benefit[-1]
    return {
        "tracker_id": spec.id,
        "tracker_name": spec.name,
        "currency": spec.currency,
        "period": {"start_month": str(spec.period.first), "end_month": str(spec.period.last)},
        "missing_months": spec.missing_months.value,
        "month": str(month),
        "benefit": money.required(month_benefit),
        "timeline": timeline,
        "metrics": metrics,
    }
