"""Gross and net renewal rates and the renewal waterfall (SPEC 4, seed's waterfall chart).

Over the renewals due in the period that are decided at `as_of`:

- gross renewal rate = (renewable - churn - downsell at renewal) / renewable;
- net renewal rate = (renewable - churn - downsell + upsell + cross-sell at renewal) / renewable;
- logo renewal rate = renewals renewed / renewals decided (a renewal decided as churned lost
  its logo; SPEC 4);

"at renewal" meaning movements tagged with the renewal's id. Renewals still open at `as_of` are
counted separately (number and renewable ARR), never as churn. The waterfall steps: renewable →
-churn → -downsell → gross renewed → +upsell → +cross-sell → net renewed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from valuecalc_core.revenue.aggregate import RenewalAggregate
from valuecalc_core.revenue.period import RevenuePeriod
from valuecalc_core.revenue.ratio import EXACT, Ratio, ratio

ZERO = Decimal(0)
GROSS_RENEWAL_DEFINITION = (
    "gross renewal rate = (renewable - churn - downsell at renewal) / renewable, over decided "
    "renewals due in the period (SPEC 4)"
)
NET_RENEWAL_DEFINITION = (
    "net renewal rate = (renewable - churn - downsell + upsell + cross-sell at renewal) / "
    "renewable, over decided renewals due in the period (SPEC 4)"
)
LOGO_RENEWAL_DEFINITION = (
    "logo renewal rate = renewals renewed / renewals decided, over renewals due in the period "
    "(open ones apart) (SPEC 4)"
)
NOTHING_DECIDED = "No renewal due in the period was decided."


@dataclass(frozen=True, slots=True)
class WaterfallStep:
    """`amount` is the step's signed change, or the level for a total step; `level` after it."""

    step: str
    amount: Decimal
    level: Decimal
    is_total: bool


@dataclass(frozen=True, slots=True)
class RenewalRates:
    period: RevenuePeriod
    currency: str
    renewals_decided: int
    renewable_arr: Decimal
    churn: Decimal
    downsell: Decimal
    gross_renewed: Decimal
    upsell: Decimal
    cross_sell: Decimal
    net_renewed: Decimal
    open_renewals: int
    open_renewable_arr: Decimal
    gross_renewal_rate: Ratio
    net_renewal_rate: Ratio
    waterfall: tuple[WaterfallStep, ...]
    renewals_renewed: int = 0
    logo_renewal_rate: Ratio | None = None


def renewal_rates(
    rows: Iterable[RenewalAggregate], period: RevenuePeriod, currency: str
) -> RenewalRates:
    """Renewal rates and waterfall of the renewals in `rows` (those due in `period`)."""
    decided = opened = churned_logos = 0
    renewable = churn = downsell = upsell = cross_sell = open_renewable = ZERO
    with localcontext(EXACT):
        for row in rows:
            if row.is_open:
                opened += 1
                open_renewable += row.renewable_arr
                continue
            decided += 1
            churned_logos += row.churned
            renewable += row.renewable_arr
            churn += row.churn
            downsell += row.downsell
            upsell += row.upsell
            cross_sell += row.cross_sell
        gross = renewable - churn - downsell
        net = gross + upsell + cross_sell
        waterfall = (
            WaterfallStep("renewable", renewable, renewable, True),
            WaterfallStep("churn", -churn, renewable - churn, False),
            WaterfallStep("downsell", -downsell, gross, False),
            WaterfallStep("gross_renewed", gross, gross, True),
            WaterfallStep("upsell", upsell, gross + upsell, False),
            WaterfallStep("cross_sell", cross_sell, net, False),
            WaterfallStep("net_renewed", net, net, True),
        )
    return RenewalRates(
        period=period,
        currency=currency,
        renewals_decided=decided,
        renewable_arr=renewable,
        churn=churn,
        downsell=downsell,
        gross_renewed=gross,
        upsell=upsell,
        cross_sell=cross_sell,
        net_renewed=net,
        open_renewals=opened,
        open_renewable_arr=open_renewable,
        gross_renewal_rate=ratio(gross, renewable, GROSS_RENEWAL_DEFINITION, NOTHING_DECIDED),
        net_renewal_rate=ratio(net, renewable, NET_RENEWAL_DEFINITION, NOTHING_DECIDED),
        waterfall=waterfall,
        renewals_renewed=decided - churned_logos,
        logo_renewal_rate=ratio(
            Decimal(decided - churned_logos),
            Decimal(decided),
            LOGO_RENEWAL_DEFINITION,
            NOTHING_DECIDED,
        ),
    )
