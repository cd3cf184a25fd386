"""The demo organization `valuecalc serve` creates on its first start (and `seed-demo`).

Besides the organization and its admin key it holds the seed's support-ticket Value
Tracker (SPEC 3 worked examples V1 and V2), so every screen has something to show:
customer "Acme Support Co", tracker 2026-01..2026-12 in USD with a yearly fee and an
onboarding fee, and four use cases:

- "Faster ticket resolution" (active): V1 + V2 exactly: tickets/day 121, 130, 158 in
  Jan-Mar, reps 10 -> 15 in June with 150 measured in June; realized as of 2026-03
  is 109,000.00 ("a 58 % improvement and $109,000 in realized benefit").
- "Less time on manual triage" (active, lower is better, like V3) and "Upsell from
  faster answers" (active, revenue increase): rolled out in April, so their values
  start then and the March figure above stays the seed's sentence.
- "Self-service deflection" (inactive): keeps its data, counts nowhere.

Configuration goes through the domain services (the same checks as the API); the
recorded values are plain rows. `seed_demo` only flushes; the caller commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.calculations import service as calculation_service
from valuecalc_api.calculations.schemas import CalculationCreate
from valuecalc_api.customers import service as customers
from valuecalc_api.customers.schemas import CustomerCreate
from valuecalc_api.demo_health import seed_health
from valuecalc_api.demo_revenue import seed_revenue_demo
from valuecalc_api.demo_signals import seed_signals
from valuecalc_api.models.calculation import Calculation
from valuecalc_api.models.evidence import Note
from valuecalc_api.models.measurement import InputChange, Measurement
from valuecalc_api.models.organization import Role
from valuecalc_api.organizations import repository, service
from valuecalc_api.settings import Settings
from valuecalc_api.trackers import service as trackers
from valuecalc_api.trackers.schemas import TrackerCreate, UseCaseCreate
from valuecalc_core.months import Month

DEMO_ORGANIZATION_NAME = "Demo Vendor"
# Serializes first-start seeding when two servers start on the same empty database.
_SEED_LOCK_ID = 0x76616C7565  # "value"

_TRACKER: dict[str, Any] = {
    "name": "Acme Support value 2026",
    "currency": "USD",
    "start_month": "2026-01",
    "end_month": "2026-12",
    "recurring_fee_amount": "60000",
    "recurring_fee_interval": "year",
    "one_time_fees": [{"month": "2026-01", "amount": "15000", "description": "Onboarding"}],
}

# (use case name, status, calculation, {month: value or (value, "estimate")},
#  {input key: {month: value}} for changes after the initial value)
_USE_CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], dict[str, dict[str, str]]]] = [
    (
        "Faster ticket resolution",
        "active",
        {
            "key": "ticket-handling",
            "name": "Support cost savings",
            "kind": "cost_savings",
            "metric": {
                "name": "Avg. tickets handled per day",
                "unit": "tickets/day",
                "baseline": "100",
                "direction": "higher_is_better",
                "target": "180",
            },
            "inputs": [
                {"key": "reps", "name": "# of reps", "unit": "reps", "initial_value": "10"},
                {
                    "key": "cost_per_rep_month",
                    "name": "Cost per rep per month",
                    "unit": "USD/month",
                    "initial_value": "10000",
                },
            ],
            "formula": "improvement * reps * cost_per_rep_month",
            "ramp": [
                {"from_month": 1, "share": "0.25"},
                {"from_month": 4, "share": "0.5"},
                {"from_month": 7, "share": "0.75"},
                {"from_month": 10, "share": "1"},
            ],
        },
        {"2026-01": "121", "2026-02": "130", "2026-03": "158", "2026-06": "150"},
        {"reps": {"2026-06": "15"}},
    ),
    (
        "Less time on manual triage",
        "active",
        {
            "key": "triage-minutes",
            "name": "Triage time savings",
            "kind": "cost_savings",
            "metric": {
                "name": "Minutes per task",
                "unit": "minutes",
                "baseline": "40",
                "direction": "lower_is_better",
                "target": "25",
            },
            "inputs": [
                {
                    "key": "tasks_per_month",
                    "name": "Tasks per month",
                    "unit": "tasks",
                    "initial_value": "2000",
                },
                {
                    "key": "hourly_cost",
                    "name": "Hourly cost",
                    "unit": "USD/hour",
                    "initial_value": "50",
                },
            ],
            "formula": "delta / 60 * tasks_per_month * hourly_cost",
            "ramp": [{"from_month": 4, "share": "0.5"}, {"from_month": 7, "share": "1"}],
        },
        {"2026-04": "34", "2026-05": "30", "2026-06": ("29", "estimate"), "2026-07": "28"},
        {},
    ),
    (
        "Upsell from faster answers",
        "active",
        {
            "key": "upsell-revenue",
            "name": "Renewal upsell revenue",
            "kind": "revenue_increase",
            "metric": {
                "name": "Upsell conversion at renewal",
                "unit": "%",
                "baseline": "2",
                "direction": "higher_is_better",
                "target": "3.5",
            },
            "inputs": [
                {
                    "key": "renewals_per_month",
                    "name": "Renewals per month",
                    "unit": "renewals",
                    "initial_value": "40",
                },
                {
                    "key": "average_upsell",
                    "name": "Average upsell",
                    "unit": "USD",
                    "initial_value": "12000",
                },
            ],
            "formula": "delta / 100 * renewals_per_month * average_upsell",
            "ramp": [{"from_month": 4, "share": "0.5"}, {"from_month": 9, "share": "1"}],
        },
        {"2026-04": "2.4", "2026-05": "2.9", "2026-07": "3.1"},
        {},
    ),
    (
        "Self-service deflection",
        "inactive",
        {
            "key": "deflected-tickets",
            "name": "Deflected tickets",
            "kind": "cost_avoidance",
            "metric": {
                "name": "Tickets deflected per month",
                "unit": "tickets/month",
                "baseline": "0",
                "direction": "higher_is_better",
            },
            "inputs": [
                {
                    "key": "cost_per_ticket",
                    "name": "Cost per ticket",
                    "unit": "USD",
                    "initial_value": "6",
                }
            ],
            "formula": "delta * cost_per_ticket",
        },
        {"2026-01": "500", "2026-02": "650"},
        {},
    ),
]

_NOTES = {
    ("ticket-handling", "2026-03"): "Confirmed with the support lead on the monthly data call.",
    ("triage-minutes", "2026-06"): "Estimated from the first two weeks; the June export is late.",
}


@dataclass(frozen=True, slots=True)
class DemoResult:
    organization_id: uuid.UUID
    organization_name: str
    admin_key: str  # the secret: print it once, it is stored only hashed
    tracker_id: uuid.UUID  # the demo Value Tracker


async def seed_demo(session: AsyncSession, settings: Settings) -> DemoResult:
    """Create the demo organization, its admin key and the demo Value Tracker."""
    organization = await service.create_organization(session, DEMO_ORGANIZATION_NAME)
    key, admin_key = await service.create_api_key(
        session, settings, organization.id, "Demo admin", Role.admin
    )
    admin = Principal(organization.id, key.id, Role.admin, None)
    tracker_id = await _seed_tracker(session, admin)
    await seed_revenue_demo(session, admin)
    await seed_signals(session, admin)
    await seed_health(session, admin)
    return DemoResult(
        organization_id=organization.id,
        organization_name=organization.name,
        admin_key=admin_key,
        tracker_id=tracker_id,
    )


async def _seed_tracker(session: AsyncSession, admin: Principal) -> uuid.UUID:
    customer = await customers.create_customer(
        session, admin, CustomerCreate(name="Acme Support Co", external_id="acme")
    )
    tracker = await trackers.create_tracker(
        session, admin, TrackerCreate.model_validate({**_TRACKER, "customer_id": customer.id})
    )
    for name, status, calculation_body, measurements, changes in _USE_CASES:
        use_case = await trackers.create_use_case(
            session,
            admin,
            tracker.id,
            UseCaseCreate.model_validate({"name": name, "status": status}),
        )
        calculation = await calculation_service.create_calculation(
            session, admin, use_case.id, CalculationCreate.model_validate(calculation_body)
        )
        _record_values(session, admin, calculation, measurements, changes)
    await session.flush()
    return tracker.id


def _record_values(
    session: AsyncSession,
    admin: Principal,
    calculation: Calculation,
    measurements: dict[str, Any],
    changes: dict[str, dict[str, str]],
) -> None:
    organization_id = admin.organization_id
    for month, value in measurements.items():
        number, estimate = (value[0], True) if isinstance(value, tuple) else (value, False)
        session.add(
            Measurement(
                organization_id=organization_id,
                calculation_id=calculation.id,
                month=Month.parse(month),
                value=Decimal(number),
                estimate=estimate,
                source="manual",
                version=1,
            )
        )
    inputs = {i.key: i for i in calculation.inputs}
    for key, by_month in changes.items():
        for month, value in by_month.items():
            session.add(
                InputChange(
                    organization_id=organization_id,
                    input_id=inputs[key].id,
                    month=Month.parse(month),
                    value=Decimal(value),
                    version=1,
                )
            )
    for (calculation_key, month), note in _NOTES.items():
        if calculation_key == calculation.key:
            session.add(
                Note(
                    organization_id=organization_id,
                    tracker_id=calculation.tracker_id,
                    calculation_id=calculation.id,
                    month=Month.parse(month),
                    text=note,
                    author_key_id=admin.key_id,
                    actor_id="u_demo_csm",  # the CSM who wrote it (Valuecalc-Actor)
                    actor_name="Dana Reyes",
                )
            )


async def seed_demo_if_empty(session: AsyncSession, settings: Settings) -> DemoResult | None:
    """Seed the demo when the database has no organization yet (a first start)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _SEED_LOCK_ID})
    if await repository.count_organizations(session) > 0:
        return None
    return await seed_demo(session, settings)
