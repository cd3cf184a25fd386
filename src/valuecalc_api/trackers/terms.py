"""Validation of a tracker's contract terms: period, currency and fees (SPEC 2, 3).

Every problem is reported at once, each naming its field, as a 422 `errors` list.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from valuecalc_api.field_errors import FieldError, field_error
from valuecalc_api.trackers.schemas import OneTimeFeeIn
from valuecalc_core.money import money_quantum
from valuecalc_core.months import Month, Period

# SPEC 2: a contract period is at most 240 months, so its tables and reports are bounded.
MAX_PERIOD_MONTHS = 240


def amount_errors(field: str, amount: Decimal, currency: str) -> list[FieldError]:
    """A fee must be ≥ 0 and have no more decimals than the currency's minor unit."""
    if amount < 0:
        return [field_error(field, "negative_amount", f"{field} cannot be negative.")]
    quantum = money_quantum(currency)
    if amount != amount.quantize(quantum):
        return [
            field_error(
                field,
                "too_many_decimals",
                f"{field} ({amount}) has more decimals than {currency} allows "
                f"({max(-quantum.as_tuple().exponent, 0)}).",  # type: ignore[operator]
            )
        ]
    return []


def terms_errors(
    *,
    currency: str,
    start_month: Month,
    end_month: Month,
    recurring_fee_amount: Decimal,
    one_time_fees: Sequence[OneTimeFeeIn],
) -> list[FieldError]:
    errors: list[FieldError] = []
    period_ok = end_month >= start_month
    if not period_ok:
        errors.append(
            field_error(
                "end_month",
                "period_order",
                f"end_month ({end_month}) is before start_month ({start_month}).",
            )
        )
    elif len(Period(start_month, end_month)) > MAX_PERIOD_MONTHS:
        period_ok = False
        errors.append(
            field_error(
                "end_month",
                "period_too_long",
                f"A contract period is at most {MAX_PERIOD_MONTHS} months (20 years); "
                f"{start_month}..{end_month} has {len(Period(start_month, end_month))}.",
            )
        )
    errors += amount_errors("recurring_fee_amount", recurring_fee_amount, currency)
    for index, fee in enumerate(one_time_fees):
        if period_ok and not start_month <= fee.month <= end_month:
            errors.append(
                field_error(
                    f"one_time_fees.{index}.month",
                    "month_outside_period",
                    f"{fee.month} is outside the contract period {start_month}..{end_month}.",
                )
            )
        errors += amount_errors(f"one_time_fees.{index}.amount", fee.amount, currency)
    return errors
