"""HTTP endpoints of onboarding milestones and time to onboard / first value (SPEC 5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.models.onboarding import OnboardingMilestones
from valuecalc_api.onboarding import service
from valuecalc_api.onboarding.schemas import (
    MILESTONE_BULK_EXAMPLE,
    CohortBy,
    CohortOut,
    CustomerOnboardingOut,
    DurationOut,
    MilestoneRow,
    MilestonesOut,
    OnboardingOut,
)
from valuecalc_api.signals import repository as signals
from valuecalc_api.signals.access import check_customer
from valuecalc_api.signals.csv_out import CSV_OK, csv_table, one_decimal
from valuecalc_api.signals.route_parts import CUSTOMER_NOT_FOUND, CustomerQuery
from valuecalc_api.signals.row_routes import SignalKind, add_row_routes
from valuecalc_api.signals.schemas import Day
from valuecalc_api.signals.windows import check_day
from valuecalc_core.signals.onboarding import DurationSummary

router = APIRouter(tags=["onboarding"])


add_row_routes(
    router,
    SignalKind(
        path="/onboarding-milestones",
        id_parameter="milestones_id",
        singular="onboarding milestones",
        plural="onboarding milestones",
        model=OnboardingMilestones,
        entity=AuditEntity.onboarding,
        row=MilestoneRow,
        out=MilestonesOut,
        write=service.write_milestones,
        bulk_example=MILESTONE_BULK_EXAMPLE,
        bulk_doc="Set the milestones of up to 10,000 customers (one row per customer).",
        create_doc="Set one customer's milestones (the bulk write with one row): 201 when "
        "new, 200 when the customer had milestones.",
        exists_doc="The customer's milestones existed.",
    ),
)


def _duration(summary: DurationSummary) -> DurationOut:
    return DurationOut.model_validate(
        {
            "count": summary.count,
            "median": one_decimal(summary.median),
            "p25": one_decimal(summary.p25),
            "p75": one_decimal(summary.p75),
            "p90": one_decimal(summary.p90),
            "distribution": [{"days": d, "count": n} for d, n in summary.distribution],
        }
    )


async def _report(
    session: SessionDep,
    principal: PrincipalDep,
    as_of: Annotated[
        Day | None, Query(alias="as_of_day", description="Count as of this day; default today.")
    ] = None,
    cohort_by: Annotated[CohortBy, Query(description="One cohort per group.")] = CohortBy.none,
    customer_id: CustomerQuery = None,
) -> OnboardingOut:
    await check_customer(session, principal, customer_id)
    _, _, today = await signals.signal_settings(session, principal.organization_id)
    check_day("as_of_day", as_of)
    day = as_of or today
    report = await service.onboarding_report(
        session, principal.organization_id, day, cohort_by.value, customer_id,
        principal.tracker_ids,
    )  # fmt: skip
    return OnboardingOut(
        as_of_day=day,
        cohort_by=cohort_by,
        cohorts=[
            CohortOut(
                key=key,
                customer_count=group.customer_count,
                time_to_onboard=_duration(group.time_to_onboard),
                time_to_first_value=_duration(group.time_to_first_value),
                still_onboarding=group.still_onboarding,
            )
            for key, group in report.cohorts
        ],
        customers=[
            CustomerOnboardingOut(
                customer_id=f.customer_id,
                name=name,
                kickoff_on=f.kickoff_on,
                days_to_onboard=f.days_to_onboard,
                days_to_first_value=f.days_to_first_value,
                still_onboarding=f.still_onboarding,
                days_so_far=f.days_so_far,
            )
            for name, f in report.customers
        ],
    )


ReportDep = Annotated[OnboardingOut, Depends(_report)]


@router.get("/onboarding", response_model=OnboardingOut, responses=CUSTOMER_NOT_FOUND)
async def onboarding_report(report: ReportDep) -> OnboardingOut:
    """Time to onboard and time to first value per customer and per cohort (all, kickoff
    month or segment): median, 25th/75th/90th percentiles and distribution; customers still
    onboarding are listed with their days so far and never counted as finished."""
    return report


@router.get("/onboarding.csv", response_class=Response, responses=CSV_OK | CUSTOMER_NOT_FOUND)
async def onboarding_report_csv(report: ReportDep) -> Response:
    """One line per customer."""
    head = ["customer_id", "name", "kickoff_on", "days_to_onboard", "days_to_first_value",
            "still_onboarding", "days_so_far"]  # fmt: skip
    rows = [
        [c.customer_id, c.name, c.kickoff_on, c.days_to_onboard, c.days_to_first_value,
         c.still_onboarding, c.days_so_far]
        for c in report.customers
    ]  # fmt: skip
    return csv_table(head, rows, f"onboarding-{report.as_of_day}.csv")
