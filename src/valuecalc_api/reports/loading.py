"""Loading trackers for reports: database rows -> the core's `TrackerSpec` (one place).

Every report loads whole trackers as plain rows (`reports.repository`, a constant number
of queries), converts them here with `tracker_specs`, and hands the specs to the core.
Access rules: another organization's tracker, or one outside a tracker-limited key, is
not found (404).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.cpu_work import run_cpu
from valuecalc_api.evidence.annotations import annotations_for_tracker
from valuecalc_api.problems import Problem, not_found
from valuecalc_api.reports import repository as report_repository
from valuecalc_api.reports.repository import TrackerRows
from valuecalc_api.trackers import repository
from valuecalc_api.trackers.service import get_use_case
from valuecalc_core.months import Month, Period
from valuecalc_core.review import CalculationAnnotations
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

# The portfolio computes every tracker it lists; beyond this many, narrow it by customer.
MAX_PORTFOLIO_TRACKERS = 500


@dataclass(frozen=True, slots=True)
class LoadedTracker:
    """A tracker as the core models it (spec ids are the rows' UUIDs as text), with what a
    report shows beyond the model: the customer and each calculation's `key`."""

    spec: TrackerSpec
    customer_id: str
    customer_name: str
    calculation_keys: dict[str, str]


class _MonthOf(dict[int, Month]):
    """Month ordinal -> Month, each built once per load."""

    def __missing__(self, ordinal: int) -> Month:
        month = self[ordinal] = Month(ordinal)
        return month


def tracker_specs(rows: TrackerRows) -> list[LoadedTracker]:
    """The core's model of every tracker in `rows`, in the rows' order (oldest first)."""
    month_of = _MonthOf()
    by_owner = _grouped(rows)
    return [
        LoadedTracker(
            spec=TrackerSpec(
                id=str(tracker_id),
                name=name,
                currency=currency,
                period=Period(start, end),
                fees=Fees(
                    recurring_amount=recurring,
                    recurring_interval=FeeInterval(interval),
                    one_time=tuple(
                        OneTimeFee(month, amount, description)
                        for _, month, amount, description in by_owner["fees"][tracker_id]
                    ),
                ),
                use_cases=tuple(
                    UseCaseSpec(
                        id=str(use_case_id),
                        name=use_case_name,
                        status=UseCaseStatus(status),
                        calculations=tuple(
                            _calculation(row, by_owner, month_of)
                            for row in by_owner["calculations"][use_case_id]
                        ),
                    )
                    for _, use_case_id, use_case_name, status in by_owner["use_cases"][tracker_id]
                ),
                missing_months=MissingMonthsPolicy(missing_months),
            ),
            customer_id=str(customer_id),
            customer_name=customer_name,
            calculation_keys={
                str(row[1]): row[2]
                for _, use_case_id, _, _ in by_owner["use_cases"][tracker_id]
                for row in by_owner["calculations"][use_case_id]
            },
        )
        for (
            tracker_id,
            customer_id,
            customer_name,
            name,
            currency,
            start,
            end,
            recurring,
            interval,
            missing_months,
        ) in rows.trackers
    ]


def _grouped(rows: TrackerRows) -> dict[str, defaultdict[uuid.UUID, list[Any]]]:
    """Each table's rows by their owner's id (the first item), keeping the query's order."""
    tables = {
        "fees": rows.one_time_fees,
        "use_cases": rows.use_cases,
        "calculations": rows.calculations,
        "inputs": rows.inputs,
        "input_changes": rows.input_changes,
        "measurements": rows.measurements,
        "ramp_steps": rows.ramp_steps,
    }
    grouped: dict[str, defaultdict[uuid.UUID, list[Any]]] = {}
    for name, table in tables.items():
        owners: defaultdict[uuid.UUID, list[Any]] = defaultdict(list)
        for row in table:
            owners[row[0]].append(row)
        grouped[name] = owners
    return grouped


def _calculation(
    row: Any, by_owner: dict[str, defaultdict[uuid.UUID, list[Any]]], month_of: _MonthOf
) -> CalculationSpec:
    _, calculation_id, _, name, kind, metric_name, unit, baseline, direction, target, formula = row
    return CalculationSpec(
        id=str(calculation_id),
        name=name,
        kind=BenefitKind(kind),
        metric=ImprovementMetric(
            name=metric_name,
            unit=unit,
            baseline=baseline,
            direction=Direction(direction),
            target=target,
        ),
        formula=formula,
        inputs=tuple(
            InputDefinition(key, input_name, input_unit)
            for _, key, input_name, input_unit in by_owner["inputs"][calculation_id]
        ),
        input_changes=tuple(
            InputChange(key, month_of[ordinal], Decimal(value))
            for _, key, ordinals, values in by_owner["input_changes"][calculation_id]
            for ordinal, value in zip(ordinals, values, strict=True)
        ),
        measurements=tuple(
            MeasurementEntry(month_of[ordinal], Decimal(value), estimate, source)
            for _, ordinals, values, estimates, sources in by_owner["measurements"][calculation_id]
            for ordinal, value, estimate, source in zip(
                ordinals, values, estimates, sources, strict=True
            )
        ),
        ramp=tuple(
            RampStep(from_month, share)
            for _, from_month, share in by_owner["ramp_steps"][calculation_id]
        ),
    )


async def load_tracker(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID
) -> LoadedTracker:
    """The whole tracker (eight queries); 404 if not the organization's or not the key's."""
    principal.check_tracker(tracker_id)
    rows = await report_repository.load_tracker_rows(
        session, principal.organization_id, tracker_ids=[tracker_id]
    )
    if not rows.trackers:
        raise not_found("tracker")
    return (await run_cpu(tracker_specs, rows))[0]


async def load_use_case_tracker(
    session: AsyncSession, principal: Principal, use_case_id: uuid.UUID
) -> tuple[LoadedTracker, str]:
    """The whole tracker of a use case, and the use case's id in its spec."""
    use_case = await get_use_case(session, principal, use_case_id)
    return await load_tracker(session, principal, use_case.tracker_id), str(use_case.id)


async def use_case_tracker_id(
    session: AsyncSession, principal: Principal, use_case_id: uuid.UUID
) -> uuid.UUID:
    """The tracker of a use case the caller can see (404 otherwise)."""
    return (await get_use_case(session, principal, use_case_id)).tracker_id


async def calculation_annotations(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID
) -> dict[str, CalculationAnnotations]:
    """The months with notes and with evidence, by calculation id (spec ids). One query."""
    found = await annotations_for_tracker(session, principal.organization_id, tracker_id)
    return {
        str(calculation_id): CalculationAnnotations(note_months=notes, evidence_months=evidence)
        for calculation_id, (notes, evidence) in found.items()
    }


async def load_portfolio(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID | None
) -> list[LoadedTracker]:
    """The trackers the key can see (of one customer if given), oldest first.

    A constant number of queries whatever the number of trackers; refuses (422) more
    than MAX_PORTFOLIO_TRACKERS rather than computing an unbounded report.
    """
    organization_id = principal.organization_id
    if customer_id is not None and not await repository.customer_exists(
        session, organization_id, customer_id
    ):
        raise not_found("customer")
    count = await report_repository.count_trackers(
        session, organization_id, tracker_ids=principal.tracker_ids, customer_id=customer_id
    )
    if count > MAX_PORTFOLIO_TRACKERS:
        raise Problem(
            422,
            "portfolio-too-large",
            f"The portfolio would cover {count} trackers; it is limited to "
            f"{MAX_PORTFOLIO_TRACKERS}. Narrow it with customer_id.",
            extra={"tracker_count": count, "limit": MAX_PORTFOLIO_TRACKERS},
        )
    rows = await report_repository.load_tracker_rows(
        session, organization_id, tracker_ids=principal.tracker_ids, customer_id=customer_id
    )
    return await run_cpu(tracker_specs, rows)
