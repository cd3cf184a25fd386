"""Request and response bodies of trackers and use cases (SPEC 3 "Objects")."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from valuecalc_api.schema_types import (
    LONG_TEXT,
    NOT_A_BOOLEAN,
    AmountStr,
    CurrencyCode,
    DecimalStr,
    InputModel,
    MonthStr,
    OutputModel,
    PatchModel,
)
from valuecalc_core.money import quantize_money

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
FeeInterval = Literal["month", "year"]
MissingMonths = Literal["carry_forward", "no_benefit"]
UseCaseStatus = Literal["draft", "active", "inactive"]
MAX_ONE_TIME_FEES = 120

_FEE_EXAMPLE: dict[str, Any] = {
    "month": "2026-01",
    "amount": "5000.00",
    "description": "Onboarding",
}
_TRACKER_EXAMPLE: dict[str, Any] = {
    "customer_id": "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d",
    "name": "Northwind support automation 2026",
    "currency": "USD",
    "start_month": "2026-01",
    "end_month": "2026-12",
    "recurring_fee_amount": "4000.00",
    "recurring_fee_interval": "month",
    "one_time_fees": [_FEE_EXAMPLE],
    "missing_months": "carry_forward",
}


class OneTimeFeeIn(InputModel):
    """A fee charged once, in `month` (inside the contract period), in the tracker's currency."""

    model_config = ConfigDict(json_schema_extra={"examples": [_FEE_EXAMPLE]})

    month: MonthStr
    amount: AmountStr
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class OneTimeFeeOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_FEE_EXAMPLE]})

    month: MonthStr
    amount: DecimalStr
    description: str


class TrackerCreate(InputModel):
    """A customer's Value Tracker over a contract period (inclusive months) in one currency."""

    model_config = ConfigDict(json_schema_extra={"examples": [_TRACKER_EXAMPLE]})

    customer_id: uuid.UUID
    name: Name
    currency: CurrencyCode
    start_month: MonthStr
    end_month: MonthStr
    recurring_fee_amount: AmountStr = Decimal(0)
    recurring_fee_interval: FeeInterval = "month"
    one_time_fees: list[OneTimeFeeIn] = Field(default_factory=list, max_length=MAX_ONE_TIME_FEES)
    missing_months: MissingMonths = Field(
        default="carry_forward",
        description="What a month without its own measurement realizes: `carry_forward` "
        "(the latest measurement stays in effect) or `no_benefit` (conservative).",
    )


class TrackerPatch(PatchModel):
    """Fields to change; omitted ones keep their value. `one_time_fees` replaces the list.

    The period cannot shrink past recorded data, and the currency cannot change once
    the tracker has calculations (409).
    """

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"end_month": "2027-06", "recurring_fee_amount": "4500"}]}
    )

    customer_id: uuid.UUID | None = None
    name: Name | None = None
    currency: CurrencyCode | None = None
    start_month: MonthStr | None = None
    end_month: MonthStr | None = None
    recurring_fee_amount: AmountStr | None = None
    recurring_fee_interval: FeeInterval | None = None
    one_time_fees: list[OneTimeFeeIn] | None = Field(default=None, max_length=MAX_ONE_TIME_FEES)
    missing_months: MissingMonths | None = None


class TrackerOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                    **_TRACKER_EXAMPLE,
                    "version": 1,
                    "created_at": "2026-01-05T09:30:00Z",
                    "updated_at": "2026-01-05T09:30:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    customer_id: uuid.UUID
    name: str
    currency: str
    start_month: MonthStr
    end_month: MonthStr
    recurring_fee_amount: DecimalStr
    recurring_fee_interval: FeeInterval
    one_time_fees: list[OneTimeFeeOut]
    missing_months: MissingMonths
    version: int = Field(description="Incremented on every change of the tracker.")
    created_at: datetime
    updated_at: datetime

    @model_validator(mode="after")
    def _money_at_the_minor_unit(self) -> TrackerOut:
        """Money out is always written at the currency's minor unit ("120000.00", JPY "5000"),
        as in the reports; the stored amounts have no more decimals than that."""
        self.recurring_fee_amount = quantize_money(self.recurring_fee_amount, self.currency)
        for fee in self.one_time_fees:
            fee.amount = quantize_money(fee.amount, self.currency)
        return self


_USE_CASE_EXAMPLE: dict[str, Any] = {
    "name": "Faster ticket handling",
    "description": "Agents resolve more tickets per day with suggested answers.",
    "status": "active",
    "position": 0,
}


class UseCaseCreate(InputModel):
    """A use case of a tracker; `position` orders the use cases (default: after the last)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_USE_CASE_EXAMPLE]})

    name: Name
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=5000), LONG_TEXT
    ] = ""
    status: UseCaseStatus = "draft"
    position: Annotated[int, Field(ge=0, le=10_000), NOT_A_BOOLEAN] | None = None


class UseCasePatch(PatchModel):
    """Fields to change. Only `active` use cases count in reports; inactive ones keep data."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "inactive"}]})

    name: Name | None = None
    description: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), LONG_TEXT] | None
    ) = None
    status: UseCaseStatus | None = None
    position: Annotated[int, Field(ge=0, le=10_000), NOT_A_BOOLEAN] | None = None


class UseCaseOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                    "tracker_id": "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                    **_USE_CASE_EXAMPLE,
                    "created_at": "2026-01-05T09:30:00Z",
                    "updated_at": "2026-01-05T09:30:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    tracker_id: uuid.UUID
    name: str
    description: str
    status: UseCaseStatus
    position: int
    created_at: datetime
    updated_at: datetime
