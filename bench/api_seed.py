"""Seed data of `bench_api.py`: a fresh database and a large tracker created through the
domain services (configuration) and plain rows (measurements, input changes)."""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from valuecalc_api import embedded_postgres
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.calculations import service as calculation_service
from valuecalc_api.calculations.schemas import CalculationCreate
from valuecalc_api.customers import service as customers
from valuecalc_api.customers.schemas import CustomerCreate
from valuecalc_api.db import async_database_url, create_engine, create_sessionmaker
from valuecalc_api.models.measurement import InputChange, Measurement
from valuecalc_api.models.organization import Role
from valuecalc_api.organizations import service as organizations
from valuecalc_api.settings import Settings
from valuecalc_api.trackers import service as trackers
from valuecalc_api.trackers.schemas import TrackerCreate, UseCaseCreate
from valuecalc_core.months import Month

USE_CASES = 50
MONTHS = 36
START = Month.parse("2025-01")


# --- database --------------------------------------------------------------------------


@contextmanager
def bench_database() -> Iterator[str]:
    """A fresh database URL on TEST_DATABASE_URL's server, else on an embedded server."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url is None:
        with tempfile.TemporaryDirectory(prefix="vc-bench-") as folder:
            server = embedded_postgres.start_server(Path(folder) / "pg")
            embedded_postgres.create_database_if_missing(server)
            yield embedded_postgres.server_url(server, embedded_postgres.DATABASE_NAME)
            server.cleanup()
        return
    name = f"valuecalc_bench_{os.getpid()}"
    # NullPool: each asyncio.run has its own event loop, and a pooled connection is tied
    # to the loop it was opened on.
    admin = create_async_engine(
        async_database_url(server_url), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )

    async def run(statement: str) -> None:
        async with admin.connect() as connection:
            await connection.execute(text(statement))

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        asyncio.run(admin.dispose())


# --- seed ------------------------------------------------------------------------------


def _calculation_body(rng: random.Random, index: int) -> dict[str, Any]:
    if index % 2 == 0:
        baseline = rng.randint(50, 200)
        return {
            "key": f"tickets-{index}",
            "name": f"Tickets {index}",
            "kind": "cost_savings",
            "metric": {
                "name": "Avg. tickets handled per day",
                "unit": "tickets/day",
                "baseline": str(baseline),
                "direction": "higher_is_better",
                "target": str(baseline * 2),
            },
            "inputs": [
                {"key": "reps", "name": "# of reps", "unit": "reps", "initial_value": "10"},
                {
                    "key": "cost_per_rep_month",
                    "name": "Cost per rep",
                    "unit": "USD/month",
                    "initial_value": str(rng.randint(4000, 12000)),
                },
            ],
            "formula": "improvement * reps * cost_per_rep_month",
            "ramp": [
                {"from_month": 1, "share": "0.5"},
                {"from_month": 4, "share": "0.8"},
                {"from_month": 7, "share": "1"},
            ],
        }
    baseline = rng.randint(30, 90)
    return {
        "key": f"minutes-{index}",
        "name": f"Minutes {index}",
        "kind": "cost_avoidance",
        "metric": {
            "name": "Minutes per task",
            "unit": "min",
            "baseline": str(baseline),
            "direction": "lower_is_better",
            "target": str(baseline // 2),
        },
        "inputs": [
            {"key": "tasks_per_month", "name": "Tasks", "unit": "tasks", "initial_value": "2000"},
            {"key": "hourly_cost", "name": "Hourly cost", "unit": "USD/h", "initial_value": "50"},
        ],
        "formula": "delta / 60 * tasks_per_month * hourly_cost",
        "ramp": [{"from_month": 1, "share": "0.5"}, {"from_month": 4, "share": "1"}],
    }


async def seed(url: str, settings: Settings) -> dict[str, Any]:
    """The organization, its admin key, the big tracker and a typical small one (5 use
    cases x 2 calculations x 12 months, for scale), in one transaction."""
    rng = random.Random(20261123)
    engine = create_engine(url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            organization = await organizations.create_organization(session, "Bench Vendor")
            key, secret = await organizations.create_api_key(
                session, settings, organization.id, "bench", Role.admin
            )
            admin = Principal(organization.id, key.id, Role.admin, None)
            customer = await customers.create_customer(session, admin, CustomerCreate(name="Big"))
            big = await _seed_tracker(session, admin, customer.id, rng, USE_CASES, MONTHS)
            small = await _seed_tracker(session, admin, customer.id, rng, 5, 12)
            await session.commit()
            return {
                "key": secret,
                "tracker_id": big[0],
                "calculations": big[1],
                "small_tracker_id": small[0],
            }
    finally:
        await engine.dispose()


async def seed_portfolio(url: str, settings: Settings, trackers: int) -> str:
    """An organization of its own with `trackers` trackers like the big one (the portfolio
    that `bench_api.bench_event_loop` computes); its admin key."""
    rng = random.Random(20261205)
    engine = create_engine(url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            organization = await organizations.create_organization(session, "Portfolio Vendor")
            key, secret = await organizations.create_api_key(
                session, settings, organization.id, "bench", Role.admin
            )
            admin = Principal(organization.id, key.id, Role.admin, None)
            for index in range(trackers):
                customer = await customers.create_customer(
                    session, admin, CustomerCreate(name=f"Customer {index}")
                )
                await _seed_tracker(session, admin, customer.id, rng, USE_CASES, MONTHS)
            await session.commit()
            return secret
    finally:
        await engine.dispose()


async def _seed_tracker(
    session: Any,
    admin: Principal,
    customer_id: uuid.UUID,
    rng: random.Random,
    use_cases: int,
    months: int,
) -> tuple[str, list[uuid.UUID]]:
    organization_id = admin.organization_id
    tracker = await trackers.create_tracker(
        session,
        admin,
        TrackerCreate.model_validate(
            {
                "customer_id": customer_id,
                "name": f"Tracker of {use_cases} use cases",
                "currency": "USD",
                "start_month": str(START),
                "end_month": str(START + (months - 1)),
                "recurring_fee_amount": "240000",
                "recurring_fee_interval": "year",
                "one_time_fees": [{"month": str(START), "amount": "15000"}],
            }
        ),
    )
    calculation_ids: list[uuid.UUID] = []
    for u in range(use_cases):
        use_case = await trackers.create_use_case(
            session,
            admin,
            tracker.id,
            UseCaseCreate(name=f"Use case {u}", status="inactive" if u % 10 == 0 else "active"),
        )
        for c in range(2):
            body = CalculationCreate.model_validate(_calculation_body(rng, 2 * u + c))
            calculation = await calculation_service.create_calculation(
                session, admin, use_case.id, body
            )
            calculation_ids.append(calculation.id)
            _values(session, organization_id, calculation, rng, months)
    return str(tracker.id), calculation_ids


def _values(
    session: Any, organization_id: uuid.UUID, calculation: Any, rng: random.Random, months: int
) -> None:
    baseline = calculation.baseline
    sign = 1 if calculation.direction == "higher_is_better" else -1
    value = Decimal(baseline)
    for month in range(months):
        value = (value * (1 + Decimal(sign * rng.randint(-10, 30)) / 1000)).quantize(Decimal("0.1"))
        if rng.random() < 0.9:
            session.add(
                Measurement(
                    organization_id=organization_id,
                    calculation_id=calculation.id,
                    month=START + month,
                    value=value,
                    estimate=rng.random() < 0.05,
                    source="bench",
                    version=1,
                )
            )
    first_input = calculation.inputs[0]
    for month in range(6, months, 6):
        session.add(
            InputChange(
                organization_id=organization_id,
                input_id=first_input.id,
                month=START + month,
                value=Decimal(rng.randint(5, 40)) * (1 if sign > 0 else 100),
                version=1,
            )
        )
