"""Revenue reads: load the pre-aggregated form from PostgreSQL (`metrics_repository`), hand
it to the core, return the core's results (SPEC 4). Nothing here defines a metric.

Currency: with the organization's reporting currency set, every figure is converted with its
FX table as the core prescribes (start-month rates, FX effect on its own line of the bridge);
without it, the visible customers must share one currency. A missing rate is a 422 naming the
currency and the month, never a silent mix.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.cpu_work import run_cpu
from valuecalc_api.problems import Problem
from valuecalc_api.revenue import ledger_repository, metrics_repository
from valuecalc_core.errors import CoreError
from valuecalc_core.months import Month, Period
from valuecalc_core.revenue import (
    ArrBridge,
    Customer,
    FxRates,
    Granularity,
    Lead,
    LeadStatus,
    LeadSummary,
    MetricSeries,
    MissingFxRateError,
    MovementTotals,
    PeriodAggregate,
    Renewal,
    RenewalOutcome,
    RenewalRates,
    RevenuePeriod,
    SparseGroup,
    SparsePeriodAggregate,
    SplitBy,
    arr_bridge,
    metric_series_from_sparse,
    series_periods,
    summarize_leads,
)
from valuecalc_core.revenue.aggregate import KIND_INDEX, RenewalAggregate, customer_row, renewal_row
from valuecalc_core.revenue.fx import reporting_currency
from valuecalc_core.revenue.ratio import EXACT
from valuecalc_core.revenue.renewals import renewal_rates

ZERO = Decimal(0)
ONE = Decimal(1)


def core_problem(error: CoreError) -> Problem:
    """A core error of a read as a 422 naming what is missing (currency and month for FX)."""
    item: dict[str, object] = {"field": "fx_rates", "code": error.code, "message": str(error)}
    if isinstance(error, MissingFxRateError):
        item["currency"] = error.currency
        item["month"] = str(error.month)
    return Problem(422, "validation-error", str(error), errors=[item])


@dataclass(frozen=True)
class Conversion:
    currency: str
    fx: FxRates | None

    def rate(self, currency: str | None, month: Month) -> Decimal:
        if self.fx is None or currency is None:
            return ONE
        return self.fx.rate(currency, month)


async def conversion(session: AsyncSession, principal: Principal) -> Conversion:
    """The report currency and FX table of the caller's organization (see the docstring)."""
    organization_id = principal.organization_id
    reporting = await ledger_repository.reporting_currency(session, organization_id)
    try:
        if reporting is None:
            currencies = await metrics_repository.customer_currencies(
                session, organization_id, principal.tracker_ids
            )
            return Conversion(reporting_currency(currencies, None), None)
        rates = {
            (currency, Month.of(month.year, month.month)): rate
            for currency, month, rate in await metrics_repository.fx_rates(session, organization_id)
        }
        return Conversion(reporting, FxRates(reporting, rates))
    except CoreError as error:
        raise core_problem(error) from None


def periods_of(first: Month, last: Month, granularity: Granularity) -> tuple[RevenuePeriod, ...]:
    try:
        return series_periods(Period(first, last), granularity)
    except CoreError as error:
        raise core_problem(error) from None


async def sparse_aggregates(
    session: AsyncSession,
    principal: Principal,
    periods: Sequence[RevenuePeriod],
    money: Conversion,
    as_of: datetime.date | None,
) -> list[SparsePeriodAggregate]:
    """Each period's sparse form, from one aggregate query (plus one for the renewals)."""
    rows = await metrics_repository.sparse_periods(
        session,
        principal.organization_id,
        principal.tracker_ids,
        [period.start for period in periods],
        periods[-1].end,
    )
    renewals = await due_renewal_rows(session, principal, periods, money, as_of)
    GroupKey = tuple[str | None, str | None, str | None]
    columns: dict[int, dict[GroupKey, metrics_repository.SparseRow]] = defaultdict(dict)
    kind_sums: dict[int, dict[GroupKey, tuple[Decimal, ...]]] = defaultdict(dict)
    # Per (segment, owner, currency): active customers and their ARR at the first period's start.
    running: dict[GroupKey, tuple[int, Decimal]] = {}
    for row in rows:
        key = (row.segment, row.owner, row.currency)
        if row.bucket < 0:
            running[key] = (row.active_before, row.arr_before)
        else:
            columns[row.bucket][key] = row
            kind_sums[row.bucket][key] = row.sums
    aggregates = []
    try:
        with localcontext(EXACT):
            for index, period in enumerate(periods):
                moved = columns.get(index, {})
                sums_of = kind_sums.get(index, {})
                groups = []
                for key in sorted(running.keys() | moved.keys(), key=str):
                    active, arr = running.get(key, (0, ZERO))
                    found = moved.get(key)
                    starts = (found.starts or []) if found else []
                    ends = (found.ends or []) if found else []
                    # ARR is never below 0, so "active" is "not zero" (C-level counts).
                    steady = active - (len(starts) - starts.count(ZERO))
                    steady_arr = arr - sum(starts, ZERO)
                    running[key] = (
                        steady + len(ends) - ends.count(ZERO),
                        steady_arr + sum(ends, ZERO),
                    )
                    rate = money.rate(key[2], period.start_month)
                    sums = sums_of.get(key, (ZERO,) * 6)
                    if rate != ONE:
                        steady_arr *= rate
                        starts = [s * rate for s in starts]
                        ends = [e * rate for e in ends]
                        sums = tuple(amount * rate for amount in sums)
                    groups.append(
                        SparseGroup(
                            key[0],
                            key[1],
                            steady,
                            steady_arr,
                            tuple(starts),
                            tuple(ends),
                            MovementTotals(*sums),
                        )
                    )
                aggregates.append(
                    SparsePeriodAggregate(
                        period, money.currency, tuple(groups), tuple(renewals.get(index, ()))
                    )
                )
    except CoreError as error:
        raise core_problem(error) from None
    return aggregates


async def due_renewal_rows(
    session: AsyncSession,
    principal: Principal,
    periods: Sequence[RevenuePeriod],
    money: Conversion,
    as_of: datetime.date | None,
) -> dict[int, list[RenewalAggregate]]:
    """The renewals due in each period, as the core's aggregated renewal rows."""
    rows = await metrics_repository.due_renewals(
        session,
        principal.organization_id,
        principal.tracker_ids,
        periods[0].start,
        periods[-1].end,
        as_of,
    )
    found: dict[int, list[RenewalAggregate]] = defaultdict(list)
    try:
        with localcontext(EXACT):
            for row in rows:
                index = next(i for i, p in enumerate(periods) if row.due_date in p)
                currency = row.currency or money.currency
                renewal = Renewal(
                    row.external_id,
                    str(row.customer_id),
                    row.due_date,
                    row.renewable_arr,
                    RenewalOutcome(row.outcome),
                    row.closed_date,
                )
                customer = Customer(str(row.customer_id), "", currency, row.segment, row.owner)
                found[index].append(
                    renewal_row(renewal, customer, list(row.sums), periods[index], as_of, money.fx)
                )
    except CoreError as error:
        raise core_problem(error) from None
    return found


async def series(
    session: AsyncSession,
    principal: Principal,
    first: Month,
    last: Month,
    granularity: Granularity,
    split_by: SplitBy | None,
    as_of: datetime.date | None,
) -> MetricSeries:
    money = await conversion(session, principal)
    periods = periods_of(first, last, granularity)
    aggregates = await sparse_aggregates(session, principal, periods, money, as_of)
    try:
        return await run_cpu(
            partial(metric_series_from_sparse, aggregates, granularity, split_by=split_by)
        )
    except CoreError as error:
        raise core_problem(error) from None


async def period_metrics(
    session: AsyncSession,
    principal: Principal,
    first: Month,
    last: Month,
    split_by: SplitBy | None,
    as_of: datetime.date | None,
) -> MetricSeries:
    """The metrics of one period [first, last] (a one-point series)."""
    money = await conversion(session, principal)
    periods = (RevenuePeriod.of_months(Period(first, last)),)
    aggregates = await sparse_aggregates(session, principal, periods, money, as_of)
    try:
        return await run_cpu(
            partial(metric_series_from_sparse, aggregates, Granularity.MONTH, split_by=split_by)
        )
    except CoreError as error:
        raise core_problem(error) from None


async def bridge(
    session: AsyncSession, principal: Principal, first: Month, last: Month
) -> ArrBridge:
    money = await conversion(session, principal)
    period = RevenuePeriod.of_months(Period(first, last))
    rows = await metrics_repository.period_rows(
        session, principal.organization_id, principal.tracker_ids, period.start, period.end
    )
    try:
        with localcontext(EXACT):
            customers = []
            for row in rows:
                if not row.moves and not row.arr_start:
                    continue
                currency = row.currency or money.currency
                customer = Customer(str(row.customer_id), "", currency, row.segment, row.owner)
                customers.append(
                    customer_row(
                        customer,
                        row.arr_start,
                        list(row.sums) if row.moves else None,
                        money.rate(currency, period.start_month),
                        money.rate(currency, period.end_month),
                    )
                )
        return arr_bridge(PeriodAggregate(period, money.currency, tuple(customers)))
    except CoreError as error:
        raise core_problem(error) from None


async def renewals_due(
    session: AsyncSession,
    principal: Principal,
    first: Month,
    last: Month,
    as_of: datetime.date | None,
) -> RenewalRates:
    money = await conversion(session, principal)
    period = RevenuePeriod.of_months(Period(first, last))
    rows = await due_renewal_rows(session, principal, (period,), money, as_of)
    return renewal_rates(rows.get(0, ()), period, money.currency)


async def lead_summaries(
    session: AsyncSession, principal: Principal, first: Month, last: Month
) -> tuple[LeadSummary, list[tuple[str | None, LeadSummary]]]:
    """The CSQL summary of the period over every lead, and per lead owner."""
    money = await conversion(session, principal)
    period = RevenuePeriod.of_months(Period(first, last))
    rows = await metrics_repository.leads_raised(
        session, principal.organization_id, principal.tracker_ids, period.start, period.end
    )
    customers = {
        str(row.customer_id): Customer(str(row.customer_id), "", row.currency or money.currency)
        for row in rows
    }
    leads: dict[str | None, list[Lead]] = defaultdict(list)
    every = []
    for row in rows:
        lead = Lead(
            row.external_id,
            str(row.customer_id),
            row.raised_on,
            LeadStatus(row.status),
            row.closed_revenue,
        )
        leads[row.owner].append(lead)
        every.append(lead)
    if not customers:
        customers[""] = Customer("", "", money.currency)
    try:
        total = summarize_leads(every, customers.values(), period, fx=money.fx)
        owners = [
            (owner, summarize_leads(leads[owner], customers.values(), period, fx=money.fx))
            for owner in sorted(leads, key=lambda owner: (owner is None, owner or ""))
        ]
    except CoreError as error:
        raise core_problem(error) from None
    return total, owners


KIND_ORDER = tuple(sorted(KIND_INDEX, key=KIND_INDEX.__getitem__))
