"""Does the score predict churn? Churn and contraction per band, and the AUC (SPEC 5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from valuecalc_core.health.profile import Band

_ZERO = Decimal(0)


class Outcome(StrEnum):
    retained = "retained"
    contracted = "contracted"
    churned = "churned"


def outcome(arr_at_start: Decimal, arr_after: Decimal | None) -> Outcome:
    """What happened to a customer with ARR `arr_at_start` > 0 by the horizon's end."""
    if arr_after is None or arr_after <= _ZERO:
        return Outcome.churned
    if arr_after < arr_at_start:
        return Outcome.contracted
    return Outcome.retained


@dataclass(frozen=True, slots=True)
class BacktestCustomer:
    score: Decimal | None
    band: Band | None
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class BandOutcomes:
    """Customers of one band and what followed; rates are fractions (None for no customer)."""

    band: Band | None  # None: customers without a score
    customers: int
    churned: int
    contracted: int
    churn_rate: Decimal | None
    contraction_rate: Decimal | None


@dataclass(frozen=True, slots=True)
class Backtest:
    bands: tuple[BandOutcomes, ...]
    scored: int
    lost: int  # churned or contracted, among the scored
    retained: int  # among the scored
    auc: Decimal | None  # None without both a lost and a retained scored customer
    auc_undefined_reason: str | None


def backtest(customers: Iterable[BacktestCustomer]) -> Backtest:
    rows = list(customers)
    bands = tuple(
        _band_outcomes(band, [row for row in rows if row.band is band])
        for band in (Band.red, Band.yellow, Band.green, None)
    )
    scored = [row for row in rows if row.score is not None]
    lost = [row.score for row in scored if row.outcome is not Outcome.retained]
    kept = [row.score for row in scored if row.outcome is Outcome.retained]
    auc, reason = _auc([s for s in kept if s is not None], [s for s in lost if s is not None])
    return Backtest(bands, len(scored), len(lost), len(kept), auc, reason)


def _band_outcomes(band: Band | None, rows: list[BacktestCustomer]) -> BandOutcomes:
    churned = sum(1 for row in rows if row.outcome is Outcome.churned)
    contracted = sum(1 for row in rows if row.outcome is Outcome.contracted)
    count = len(rows)
    return BandOutcomes(
        band=band,
        customers=count,
        churned=churned,
        contracted=contracted,
        churn_rate=Decimal(churned) / Decimal(count) if count else None,
        contraction_rate=Decimal(contracted) / Decimal(count) if count else None,
    )


def _auc(retained: list[Decimal], lost: list[Decimal]) -> tuple[Decimal | None, str | None]:
    """Mann-Whitney: the share of (retained, lost) pairs where the retained customer scores
    higher, a tie counting half. Ranks with ties averaged, kept in half-units (integers)."""
    if not retained or not lost:
        return None, "needs_lost_and_retained_customers"
    labelled = sorted([(s, True) for s in retained] + [(s, False) for s in lost])
    doubled_rank_sum = 0  # 2 x the sum of the retained customers' ranks
    i = 0
    while i < len(labelled):
        j = i
        while j < len(labelled) and labelled[j][0] == labelled[i][0]:
            j += 1
        doubled_average_rank = (i + 1) + j  # ranks i+1..j averaged, times 2
        doubled_rank_sum += doubled_average_rank * sum(1 for k in range(i, j) if labelled[k][1])
        i = j
    n = len(retained)
    doubled_u = doubled_rank_sum - n * (n + 1)
    return Decimal(doubled_u) / Decimal(2 * n * len(lost)), None
