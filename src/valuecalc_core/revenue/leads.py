"""CS-qualified leads (CSQLs): expansion leads raised by the CS team (SPEC 4, seed).

Over a period, by the date a lead was raised: how many were raised, how many are still open,
how many closed won ("closed deals") and lost, the revenue of the won ones, and the win rate =
won / (won + lost), undefined while none has closed. Revenue in several currencies needs an FX
table; a lead's revenue converts at the rate of the month it was raised.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum

from valuecalc_core.revenue.fx import FxRates, reporting_currency
from valuecalc_core.revenue.ledger import Customer, InvalidLedgerError, LedgerProblem
from valuecalc_core.revenue.period import RevenuePeriod, month_of
from valuecalc_core.revenue.ratio import EXACT, Ratio, ratio

ZERO = Decimal(0)
WIN_RATE_DEFINITION = "win rate = leads won / (leads won + leads lost), leads raised in the period"
NOTHING_CLOSED = "No lead raised in the period has closed."


class LeadStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class Lead:
    """A CSQL; `closed_revenue` (customer's currency) is set only when won."""

    id: str
    customer_id: str
    raised_on: datetime.date
    status: LeadStatus
    closed_revenue: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LeadSummary:
    period: RevenuePeriod
    currency: str
    raised: int
    open: int
    won: int
    lost: int
    closed_revenue: Decimal
    win_rate: Ratio

    @property
    def closed_deals(self) -> int:
        return self.won


def _lead_problems(leads: list[Lead], customer_ids: set[str]) -> list[LedgerProblem]:
    problems = []
    seen: set[str] = set()
    for lead in leads:
        where = f"Lead {lead.id!r}"
        if lead.id in seen:
            problems.append(
                LedgerProblem("duplicate_id", f"{where} appears more than once.", lead.customer_id)
            )
        seen.add(lead.id)
        if lead.customer_id not in customer_ids:
            problems.append(
                LedgerProblem(
                    "unknown_customer",
                    f"{where} names customer {lead.customer_id!r}, which is not known.",
                    lead.customer_id,
                )
            )
        revenue = lead.closed_revenue
        if lead.status == LeadStatus.WON:
            if not (isinstance(revenue, Decimal) and revenue.is_finite() and revenue >= 0):
                problems.append(
                    LedgerProblem(
                        "invalid_closed_revenue",
                        f"{where} is won, so it needs a closed revenue of 0 or more (got {revenue}).",
                        lead.customer_id,
                    )
                )
        elif revenue is not None:
            problems.append(
                LedgerProblem(
                    "invalid_closed_revenue",
                    f"{where} is {lead.status}; only a won lead has closed revenue.",
                    lead.customer_id,
                )
            )
    return problems


def summarize_leads(
    leads: Iterable[Lead],
    customers: Iterable[Customer],
    period: RevenuePeriod,
    *,
    fx: FxRates | None = None,
) -> LeadSummary:
    """Summary of the leads raised in `period`. Raises `InvalidLedgerError` on bad leads."""
    all_leads = list(leads)
    currency_of = {customer.id: customer.currency for customer in customers}
    problems = _lead_problems(all_leads, set(currency_of))
    if problems:
        raise InvalidLedgerError(problems)
    in_period = [lead for lead in all_leads if lead.raised_on in period]
    currency = reporting_currency(
        {currency_of[lead.customer_id] for lead in in_period} or set(currency_of.values()), fx
    )
    won = lost = opened = 0
    revenue = ZERO
    with localcontext(EXACT):
        for lead in in_period:
            if lead.status == LeadStatus.OPEN:
                opened += 1
            elif lead.status == LeadStatus.LOST:
                lost += 1
            else:
                won += 1
                rate = Decimal(1)
                if fx is not None:
                    rate = fx.rate(currency_of[lead.customer_id], month_of(lead.raised_on))
                revenue += (lead.closed_revenue or ZERO) * rate
    return LeadSummary(
        period=period,
        currency=currency,
        raised=len(in_period),
        open=opened,
        won=won,
        lost=lost,
        closed_revenue=revenue,
        win_rate=ratio(Decimal(won), Decimal(won + lost), WIN_RATE_DEFINITION, NOTHING_CLOSED),
    )
