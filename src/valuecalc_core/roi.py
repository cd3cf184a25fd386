"""Contract cost per month and the ROI figures built on it (SPEC 3 "Projection, realized value and ROI").

cost(m) = the recurring fee's share of month m + one-time fees dated in m.
A monthly fee is charged as is. A yearly fee is spread over the 12-month
blocks counted from the contract's first month: each month gets fee / 12
rounded half-even to the minor unit, except the 12th month of a block, which
gets the remainder, so every complete contract year sums exactly to the fee.
(A final partial block simply has the rounded monthly amount in each month.)

Over the months from the contract start to `as_of`:
- net_roi = (realized benefit - cost) / cost and value_multiple = realized /
  cost, each with its numerator and denominator; both None when the cost is 0.
- payback_month = the first month whose cumulative benefit >= cumulative
  cost, counting only months where some cost has accrued (nothing has been
  paid back before anything was paid); None if never reached.
Ratios keep full precision; the presentation layer rounds them to 4 decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import compress
from operator import ge

from valuecalc_core.measurement_table import running_total
from valuecalc_core.money import money_quantum
from valuecalc_core.months import Month
from valuecalc_core.tracker_model import FeeInterval, TrackerSpec

NO_COST = "no_cost"
NOT_REACHED = "not_reached"

_ZERO = Decimal(0)
_TWELVE = Decimal(12)


@dataclass(frozen=True, slots=True)
class RoiFigure:
    """A ratio with what it was computed from; `value` None (and `reason`) when undefined."""

    value: Decimal | None
    numerator: Decimal
    denominator: Decimal
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class RoiSummary:
    """Realized benefit against contract cost over `months` (contract start..as_of)."""

    months: tuple[Month, ...]
    benefit: tuple[Decimal, ...]
    cost: tuple[Decimal, ...]
    cumulative_benefit: tuple[Decimal, ...]
    cumulative_cost: tuple[Decimal, ...]
    total_benefit: Decimal
    total_cost: Decimal
    net_roi: RoiFigure
    value_multiple: RoiFigure
    payback_month: Month | None
    payback_reason: str | None


def cost_schedule(tracker: TrackerSpec) -> tuple[Decimal, ...]:
    """cost(m) for every month of the contract period, in the tracker's currency."""
    quantum = money_quantum(tracker.currency)
    fees = tracker.fees
    month_count = len(tracker.period)
    # Fees carry no digits below the minor unit (the model checks), so quantizing
    # them only fixes how they are written: 5000 USD becomes 5000.00.
    recurring = fees.recurring_amount.quantize(quantum)
    if fees.recurring_interval is FeeInterval.YEAR:
        monthly = (recurring / _TWELVE).quantize(quantum, rounding=ROUND_HALF_EVEN)
        last_of_year = recurring - 11 * monthly
        cost = [last_of_year if index % 12 == 11 else monthly for index in range(month_count)]
    else:
        cost = [recurring] * month_count
    start = tracker.period.first.ordinal
    for fee in fees.one_time:
        cost[fee.month.ordinal - start] += fee.amount.quantize(quantum)
    return tuple(cost)


def roi_summary(
    months: tuple[Month, ...], benefit: Sequence[Decimal], cost: Sequence[Decimal]
) -> RoiSummary:
    """ROI figures for per-month `benefit` and `cost` over the same `months`."""
    benefit = tuple(benefit)
    cost = tuple(cost[: len(months)])
    cumulative_benefit = running_total(benefit)
    cumulative_cost = running_total(cost)
    total_benefit = cumulative_benefit[-1] if months else _ZERO
    total_cost = cumulative_cost[-1] if months else _ZERO
    net_roi, multiple = roi_figures(total_benefit, total_cost)
    payback, reason = _payback(months, cumulative_benefit, cumulative_cost)
    return RoiSummary(
        months=months,
        benefit=benefit,
        cost=cost,
        cumulative_benefit=cumulative_benefit,
        cumulative_cost=cumulative_cost,
        total_benefit=total_benefit,
        total_cost=total_cost,
        net_roi=net_roi,
        value_multiple=multiple,
        payback_month=payback,
        payback_reason=reason,
    )


def roi_figures(benefit: Decimal, cost: Decimal) -> tuple[RoiFigure, RoiFigure]:
    """(net_roi, value_multiple) of a realized `benefit` against a `cost` over the same months."""
    if cost.is_zero():
        return (
            RoiFigure(None, benefit - cost, cost, NO_COST),
            RoiFigure(None, benefit, cost, NO_COST),
        )
    return (
        RoiFigure((benefit - cost) / cost, benefit - cost, cost),
        RoiFigure(benefit / cost, benefit, cost),
    )


def _payback(
    months: tuple[Month, ...],
    cumulative_benefit: tuple[Decimal, ...],
    cumulative_cost: tuple[Decimal, ...],
) -> tuple[Month | None, str | None]:
    if not len(months) == len(cumulative_benefit) == len(cumulative_cost):
        raise ValueError("months, benefit and cost must have the same length")
    if not months or cumulative_cost[-1].is_zero():
        return None, NO_COST
    # The months where cumulative benefit >= cumulative cost, found in C; the first
    # of them where some cost has accrued is the payback month.
    reached = compress(range(len(months)), map(ge, cumulative_benefit, cumulative_cost))
    for index in reached:
        if cumulative_cost[index] > 0:
            return months[index], None
    return None, NOT_REACHED
