"""Monthly FX rates to a reporting currency, and the rule for converted reports (SPEC 2, 4).

Amounts in different currencies are never added without an explicit rate table. A converted
report for a period values, per customer:

- ARR at the start, every movement in the period and every renewal amount at the period's
  *start-month* rate (constant currency), so GRR, NRR, renewal rates and the quick ratio are
  constant-currency figures in which an FX change is never expansion or contraction;
- ARR at the end at the *end-month* rate for the reported closing ARR, the difference being the
  FX effect on its own line: ARR_e(local) x (end rate - start rate), summed over customers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from valuecalc_core.errors import CoreError
from valuecalc_core.money import MINOR_UNITS, CurrencyMismatchError
from valuecalc_core.months import Month

ONE = Decimal(1)


class MissingFxRateError(CoreError):
    code = "missing_fx_rate"

    def __init__(self, currency: str, month: Month, reporting_currency: str) -> None:
        super().__init__(
            f"No FX rate from {currency} to {reporting_currency} for {month}: add it to the rate "
            "table to convert this report."
        )
        self.currency = currency
        self.month = month


class InvalidFxRateError(CoreError):
    code = "invalid_fx_rate"


class MixedCurrenciesError(CurrencyMismatchError):
    """Customers in several currencies and no rate table: amounts are never added silently."""

    code = "mixed_currencies"

    def __init__(self, currencies: Iterable[str]) -> None:
        self.currencies = tuple(sorted(currencies))
        super().__init__(
            f"The customers are in several currencies ({', '.join(self.currencies)}); supply an "
            "FX rate table to a reporting currency to combine them."
        )


@dataclass(frozen=True, slots=True)
class FxRates:
    """Rates (currency, month) → units of `reporting_currency` per unit of `currency`.

    The reporting currency itself always converts at 1.
    """

    reporting_currency: str
    rates: Mapping[tuple[str, Month], Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.reporting_currency not in MINOR_UNITS:
            raise InvalidFxRateError(
                f"{self.reporting_currency!r} is not an ISO 4217 currency code.",
                code="unknown_currency",
            )
        for (currency, month), rate in self.rates.items():
            if not (isinstance(rate, Decimal) and rate.is_finite() and rate > 0):
                raise InvalidFxRateError(
                    f"The FX rate for {currency} in {month} is {rate}; a rate must be above 0."
                )

    def rate(self, currency: str, month: Month) -> Decimal:
        if currency == self.reporting_currency:
            return ONE
        try:
            return self.rates[(currency, month)]
        except KeyError:
            raise MissingFxRateError(currency, month, self.reporting_currency) from None


def reporting_currency(currencies: Iterable[str], fx: FxRates | None) -> str:
    """The currency a report is in: the rate table's, or the single currency of the customers."""
    if fx is not None:
        return fx.reporting_currency
    distinct = set(currencies)
    if len(distinct) > 1:
        raise MixedCurrenciesError(distinct)
    if not distinct:
        raise CurrencyMismatchError(
            "There are no customers to take a currency from; supply an FX rate table to name "
            "the reporting currency.",
            code="no_currency",
        )
    return distinct.pop()
