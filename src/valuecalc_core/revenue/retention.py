"""Gross and net revenue retention and logo retention over a period (SPEC 4, Definitions).

The cohort is the customers with ARR > 0 at the start (ARR_s: movements dated before the
period's first day). ARR_e includes movements dated on the period's last day.

- GRR = Σ min(ARR_e, ARR_s) / Σ ARR_s over the cohort: the per-customer form, so a customer who
  expands and then churns loses no more than it started with; 0 ≤ GRR ≤ 1.
- NRR (= NDR) = Σ ARR_e / Σ ARR_s over the cohort; customers new in the period are not in it.
- Logo retention = cohort customers with ARR > 0 at the end / cohort customers
  = (customers at end - customers that joined during the period) / customers at start.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from valuecalc_core.revenue.period import RevenuePeriod
from valuecalc_core.revenue.ratio import Ratio, ratio
from valuecalc_core.revenue.tally import PeriodTally

GRR_DEFINITION = (
    "GRR = sum over the cohort of min(ARR at end, ARR at start) / sum over the cohort of ARR at "
    "start; cohort = customers with ARR > 0 at the start (SPEC 4)"
)
NRR_DEFINITION = (
    "NRR = sum over the cohort of ARR at end / sum over the cohort of ARR at start; cohort = "
    "customers with ARR > 0 at the start (SPEC 4)"
)
LOGO_RETENTION_DEFINITION = (
    "logo retention = cohort customers with ARR > 0 at the end / cohort customers = (customers "
    "at end - customers that joined during the period) / customers at start (SPEC 4)"
)
NO_COHORT = "No customer had ARR at the start of the period."


@dataclass(frozen=True, slots=True)
class RetentionMetrics:
    """GRR, NRR and logo retention of one period, with the counts and sums behind them.

    `starting_arr` = Σ ARR_s, `retained_arr` = Σ min(ARR_e, ARR_s) and `cohort_ending_arr` =
    Σ ARR_e over the cohort; `ending_arr` = Σ ARR_e over all customers. In a converted report
    every amount is at the period's start-month rates (constant currency); the ARR bridge
    (`bridge.arr_bridge`) gives the closing ARR at end-month rates and the FX effect.
    """

    period: RevenuePeriod
    currency: str
    customers_at_start: int
    customers_at_end: int
    customers_joined: int
    customers_retained: int
    starting_arr: Decimal
    retained_arr: Decimal
    cohort_ending_arr: Decimal
    ending_arr: Decimal
    grr: Ratio
    nrr: Ratio
    logo_retention: Ratio


def retention_from_tally(
    tally: PeriodTally, period: RevenuePeriod, currency: str
) -> RetentionMetrics:
    return RetentionMetrics(
        period=period,
        currency=currency,
        customers_at_start=tally.cohort,
        customers_at_end=tally.at_end,
        customers_joined=tally.joined,
        customers_retained=tally.retained,
        starting_arr=tally.start_arr,
        retained_arr=tally.retained_arr,
        cohort_ending_arr=tally.cohort_end_arr,
        ending_arr=tally.end_arr,
        grr=ratio(tally.retained_arr, tally.start_arr, GRR_DEFINITION, NO_COHORT),
        nrr=ratio(tally.cohort_end_arr, tally.start_arr, NRR_DEFINITION, NO_COHORT),
        logo_retention=ratio(
            Decimal(tally.at_end - tally.joined),
            Decimal(tally.cohort),
            LOGO_RETENTION_DEFINITION,
            NO_COHORT,
        ),
    )
