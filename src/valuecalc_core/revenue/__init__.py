"""Revenue metrics: retention, renewal rates, quick ratio and CSQLs from an ARR ledger (SPEC 4).

Definitions (every result names its formula in a `definition` string, and carries its
numerator and denominator; ratios are fractions at full precision, `Ratio.rounded()` gives 4
decimals; a zero denominator gives `value=None` with an `undefined_reason`, never an error):

Ledger
    A customer's ARR at a date = sum of its movements dated on or before that date, new /
    upsell / cross-sell / reactivation counted +, downsell / churn counted -; never below 0.
    Expansion = upsell + cross-sell; contraction = downsell. MRR = ARR / 12. A downsell must
    leave ARR above 0 (a downsell of the whole ARR is refused: that is a churn), and a churn
    removes exactly the whole ARR. Same-day movements of a customer apply increases first.

Period [start, end] (dates, both included; a period of months runs from the 1st of its first
month to the last day of its last month)
    ARR_s(c) = ARR at the end of the day before `start` (movements dated before `start`);
    ARR_e(c) = ARR at the end of `end` (movements dated on or before `end`).
    Cohort = customers with ARR_s > 0.

GRR = Σ min(ARR_e, ARR_s) / Σ ARR_s over the cohort (0 ≤ GRR ≤ 1).
NRR (= NDR) = Σ ARR_e / Σ ARR_s over the cohort (NRR ≥ GRR; new customers are not in it).
Logo retention = cohort customers with ARR_e > 0 / cohort customers
    = (customers at end - customers that joined during the period) / customers at start,
    "joined" meaning ARR_s = 0 and ARR_e > 0 (a non-cohort reactivation joins; a cohort customer
    that churns and comes back within the period is retained).
Quick ratio = (new + expansion + reactivation) / (churn + contraction), summing the movements
    dated in the period over all customers. Bands: < 2 `bad`, 2 to 4 inclusive `healthy`,
    > 4 `strong` (judged on the full-precision value); nothing lost → `undefined`.
Gross renewal rate = (renewable - churn - downsell at renewal) / renewable, over the renewals
    due in the period that are decided at `as_of`; net renewal rate adds upsell + cross-sell at
    renewal. "At renewal" = movements tagged with the renewal's id. Renewals still open at
    `as_of` are reported separately (count, renewable ARR), never as churn.
Logo renewal rate = renewals renewed / renewals decided over the same renewals (a renewal
    decided as `churned` lost its logo).
Renewal waterfall: renewable → -churn → -downsell → gross renewed → +upsell → +cross-sell →
    net renewed, each step with its amount and the level after it.
CSQLs: leads raised in the period: count, open, won (closed deals), lost, closed revenue of the
    won ones, win rate = won / (won + lost).

Currencies and FX: customers in several currencies need an `FxRates` table (currency, month) →
rate to the reporting currency; a missing rate is an error naming the currency and month. A
converted report values ARR_s, the period's movements and renewal amounts at the start month's
rate (so GRR, NRR, renewal rates and quick ratio are constant-currency) and reports the FX effect
= Σ ARR_e(local) x (end-month rate - start-month rate) on its own line of the ARR bridge; FX is
never expansion or contraction.

Series: each metric per calendar month, quarter or year over a span of months (the first and
last buckets clipped to the span), optionally split by segment or owner (per split plus total).

Contract lines → movements: see `contracts`. Pre-aggregated form (what a SQL GROUP BY gives):
see `aggregate` (a row per customer) and `sparse` (rows only for customers with movements, plus
per-(segment, owner) totals of the others, as columns: the fast form for series); metrics from
either equal metrics from raw movements.

Errors (each a `CoreError` with a stable `code`): `InvalidLedgerError` (`invalid_ledger`) lists
every problem of a ledger, contract lines or leads as `LedgerProblem(code, message, customer_id,
movement_id, renewal_id)`, in a stable order. Problem codes: `duplicate_id`, `unknown_customer`,
`unknown_currency`, `unknown_kind`, `non_positive_amount`, `unknown_renewal`,
`renewal_customer_mismatch`, `renewal_movement_kind`, `renewal_outcome_inconsistent`,
`renewal_loss_exceeds_renewable`, `arr_negative` (a downsell with no ARR),
`downsell_exceeds_arr`, `downsell_to_zero`, `churn_without_arr`, `churn_amount_mismatch`,
`new_with_existing_arr`, `new_after_churn`, `reactivation_without_churn`,
`reactivation_while_active`, `expansion_without_arr`, `contract_ends_before_start`,
`invalid_closed_revenue`. Other errors: `mixed_currencies`, `missing_fx_rate`,
`invalid_fx_rate`, `inconsistent_aggregate` (aggregated rows that no valid ledger gives),
`invalid_period`, `currency_mismatch`, `no_currency`.
"""

from valuecalc_core.revenue.aggregate import (
    CustomerPeriodAggregate,
    InconsistentAggregateError,
    MovementTotals,
    PeriodAggregate,
    RenewalAggregate,
    aggregate_period,
)
from valuecalc_core.revenue.bridge import ArrBridge, arr_bridge, ledger_arr_bridge
from valuecalc_core.revenue.contracts import (
    ContractLine,
    ledger_from_contracts,
    movements_from_contracts,
)
from valuecalc_core.revenue.fx import FxRates, MissingFxRateError, MixedCurrenciesError
from valuecalc_core.revenue.leads import Lead, LeadStatus, LeadSummary, summarize_leads
from valuecalc_core.revenue.ledger import (
    Customer,
    InvalidLedgerError,
    Ledger,
    LedgerProblem,
    Movement,
    MovementKind,
    Renewal,
    RenewalOutcome,
    mrr,
)
from valuecalc_core.revenue.metrics import (
    PeriodMetrics,
    SplitBy,
    SplitMetrics,
    ledger_period_metrics,
    period_metrics,
    sparse_period_metrics,
    split_period_metrics,
)
from valuecalc_core.revenue.period import RevenuePeriod
from valuecalc_core.revenue.quick_ratio import QuickRatio, QuickRatioBand
from valuecalc_core.revenue.ratio import Ratio
from valuecalc_core.revenue.renewals import RenewalRates, WaterfallStep
from valuecalc_core.revenue.retention import RetentionMetrics
from valuecalc_core.revenue.series import (
    Granularity,
    MetricSeries,
    MovementBar,
    aggregate_series,
    metric_series,
    metric_series_from_aggregates,
    metric_series_from_sparse,
    movement_bars,
    series_periods,
    sparse_series,
)
from valuecalc_core.revenue.sparse import SparseGroup, SparsePeriodAggregate, sparse_from_aggregate

__all__ = [
    "ArrBridge",
    "ContractLine",
    "Customer",
    "CustomerPeriodAggregate",
    "FxRates",
    "Granularity",
    "InconsistentAggregateError",
    "InvalidLedgerError",
    "Lead",
    "LeadStatus",
    "LeadSummary",
    "Ledger",
    "LedgerProblem",
    "MetricSeries",
    "MissingFxRateError",
    "MixedCurrenciesError",
    "Movement",
    "MovementBar",
    "MovementKind",
    "MovementTotals",
    "PeriodAggregate",
    "PeriodMetrics",
    "QuickRatio",
    "QuickRatioBand",
    "Ratio",
    "Renewal",
    "RenewalAggregate",
    "RenewalOutcome",
    "RenewalRates",
    "RetentionMetrics",
    "RevenuePeriod",
    "SparseGroup",
    "SparsePeriodAggregate",
    "SplitBy",
    "SplitMetrics",
    "WaterfallStep",
    "aggregate_period",
    "aggregate_series",
    "arr_bridge",
    "ledger_arr_bridge",
    "ledger_from_contracts",
    "ledger_period_metrics",
    "metric_series",
    "metric_series_from_aggregates",
    "metric_series_from_sparse",
    "movement_bars",
    "movements_from_contracts",
    "mrr",
    "period_metrics",
    "series_periods",
    "sparse_from_aggregate",
    "sparse_period_metrics",
    "sparse_series",
    "split_period_metrics",
    "summarize_leads",
]
