"""The ARR bridge of a period, with FX on its own line (SPEC 4: FX is never expansion).

opening ARR (start-month rates) + new + expansion + reactivation - contraction - churn (all at
start-month rates) + FX effect = closing ARR (end-month rates), over all customers. The FX effect
is Σ ARR_e(local) x (end rate - start rate): what converting the same local closing amounts at
the end rate instead of the start rate changes. Without an FX table it is 0.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, localcontext

from valuecalc_core.revenue.aggregate import PeriodAggregate, aggregate_period
from valuecalc_core.revenue.fx import FxRates
from valuecalc_core.revenue.ledger import Ledger
from valuecalc_core.revenue.period import RevenuePeriod
from valuecalc_core.revenue.ratio import EXACT
from valuecalc_core.revenue.tally import tally_rows

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ArrBridge:
    period: RevenuePeriod
    currency: str
    opening_arr: Decimal
    new: Decimal
    expansion: Decimal
    reactivation: Decimal
    contraction: Decimal
    churn: Decimal
    fx_effect: Decimal
    closing_arr: Decimal


def arr_bridge(aggregate: PeriodAggregate) -> ArrBridge:
    tally = tally_rows(aggregate.customers)
    totals = tally.movements
    with localcontext(EXACT):
        fx_effect = sum((row.fx_effect for row in aggregate.customers), ZERO)
        closing = tally.end_arr + fx_effect
    return ArrBridge(
        period=aggregate.period,
        currency=aggregate.currency,
        opening_arr=tally.start_arr,
        new=totals.new,
        expansion=totals.expansion,
        reactivation=totals.reactivation,
        contraction=totals.contraction,
        churn=totals.churn,
        fx_effect=fx_effect,
        closing_arr=closing,
    )


def ledger_arr_bridge(
    ledger: Ledger,
    period: RevenuePeriod,
    *,
    fx: FxRates | None = None,
    as_of: datetime.date | None = None,
) -> ArrBridge:
    return arr_bridge(aggregate_period(ledger, period, as_of=as_of, fx=fx))
