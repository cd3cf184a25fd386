"""Rows of the revenue ledger's writes: one per record, addressed by `external_id`
(FX rates by currency and month). A single write sends one row; a bulk write up to 10,000.

A row carries the record's full values, or `"deleted": true` to remove it. Ledger rules
(kinds, amounts > 0, ARR never below 0, churn = the whole ARR, ...) are the core's and are
checked on the whole ledger of the customers a write touches, not here.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from valuecalc_api.schema_types import CurrencyCode, DecimalStr, InputModel, MonthStr

ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
OwnerName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

FIRST_DATE = datetime.date(1900, 1, 1)
LAST_DATE = datetime.date(2999, 12, 31)
# SPEC 2: dates lie in 1900-01-01..2999-12-31.
LedgerDate = Annotated[
    datetime.date,
    Field(ge=FIRST_DATE, le=LAST_DATE),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
            "description": "A date, YYYY-MM-DD, from 1900-01-01 to 2999-12-31.",
        }
    ),
]


# A rate is above 0 (the core's `invalid_fx_rate` otherwise): a plain non-negative decimal
# with a non-zero digit somewhere.
FxRateStr = Annotated[
    DecimalStr,
    WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": r"^[0-9]{1,15}(\.[0-9]{1,12})?$",
            "allOf": [{"pattern": "[1-9]"}],
            "description": "An exact decimal above 0, written as a string.",
            "examples": ["1.0850"],
        }
    ),
]


class MovementKindIn(StrEnum):
    new = "new"
    upsell = "upsell"
    cross_sell = "cross_sell"
    downsell = "downsell"
    churn = "churn"
    reactivation = "reactivation"


class RenewalOutcomeIn(StrEnum):
    open = "open"
    renewed = "renewed"
    churned = "churned"


class LeadStatusIn(StrEnum):
    open = "open"
    won = "won"
    lost = "lost"


_IF_VERSION = Field(
    default=None,
    description="Optimistic concurrency, per row: apply the request only if the stored record "
    "has this `version` (0: only if it does not exist yet). Any stale row refuses the whole "
    "request (412 when that is the only problem).",
)
_DELETED = Field(
    default=False,
    description="true removes the record (only the key and `if_version` are read); later "
    "figures follow.",
)


class LedgerRow(InputModel):
    """What every ledger row has; `_REQUIRED` names the fields a non-deleted row needs."""

    if_version: NonNegativeInt | None = _IF_VERSION

    @property
    def is_removal(self) -> bool:
        return bool(getattr(self, "deleted", False))

    @model_validator(mode="after")
    def _complete_unless_deleted(self) -> LedgerRow:
        if not self.is_removal:
            missing = [name for name in _required(type(self)) if getattr(self, name) is None]
            if missing:
                # A rule across fields (`deleted` and the values): its own code, so the
                # contract checker can tell it from a field's own fault.
                raise PydanticCustomError(
                    "required_unless_deleted",
                    f"{', '.join(missing)} required unless the row is deleted (`deleted: true`).",
                )
        return self


class CustomerAddressed(LedgerRow):
    customer_external_id: ExternalId | None = Field(
        default=None, description="The customer's `external_id` (your CRM's id)."
    )


class MovementFields(CustomerAddressed):
    """One ARR movement: `amount` > 0 in the customer's currency, the kind gives the sign."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer_external_id": "crm-0042",
                    "date": "2026-01-15",
                    "kind": "new",
                    "amount": "120000",
                    "currency": "USD",
                }
            ]
        },
    )

    date: LedgerDate | None = None
    kind: MovementKindIn | None = None
    amount: DecimalStr | None = None
    currency: CurrencyCode | None = Field(
        default=None,
        description="The customer's currency; optional once the customer has one (a customer's "
        "first movement sets it).",
    )
    renewal_external_id: ExternalId | None = Field(
        default=None,
        description="The renewal this movement happened at (upsell, cross-sell, downsell, churn).",
    )


class RenewalFields(CustomerAddressed):
    """A renewal due on `due_date` with `renewable_arr` up for renewal."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer_external_id": "crm-0042",
                    "due_date": "2026-06-30",
                    "renewable_arr": "120000",
                    "outcome": "renewed",
                    "closed_date": "2026-06-20",
                }
            ]
        },
    )

    due_date: LedgerDate | None = None
    renewable_arr: DecimalStr | None = None
    outcome: RenewalOutcomeIn = RenewalOutcomeIn.open
    closed_date: LedgerDate | None = Field(
        default=None, description="When it was decided; required once renewed or churned."
    )


class ContractLineFields(CustomerAddressed):
    """ARR `arr` of the customer in every month from `start_month` to `end_month`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer_external_id": "crm-0042",
                    "start_month": "2026-01",
                    "end_month": "2026-12",
                    "arr": "120000",
                    "currency": "USD",
                }
            ]
        },
    )

    start_month: MonthStr | None = None
    end_month: MonthStr | None = None
    arr: DecimalStr | None = None
    currency: CurrencyCode | None = Field(
        default=None, description="The customer's currency (as on movements)."
    )


class LeadFields(CustomerAddressed):
    """A CS-qualified lead; `closed_revenue` (customer's currency) only when won."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer_external_id": "crm-0042",
                    "raised_on": "2026-02-03",
                    "status": "won",
                    "closed_revenue": "24000",
                    "owner": "jane.doe@vendor.example",
                }
            ]
        },
    )

    raised_on: LedgerDate | None = None
    status: LeadStatusIn = LeadStatusIn.open
    closed_revenue: DecimalStr | None = None
    owner: OwnerName | None = None


class FxRateFields(LedgerRow):
    """How many units of the reporting currency one unit of `currency` buys in `month`.

    A market quote written the other way round (EUR/USD = 1.08 for a EUR-reporting
    organization holding USD customers) must be inverted: USD → 1 / 1.08 EUR.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "units_of_reporting_currency_per_unit": "1.0850",
                }
            ]
        },
    )

    units_of_reporting_currency_per_unit: FxRateStr | None = Field(
        default=None,
        description="Units of the organization's reporting currency that ONE unit of "
        "`currency` buys in `month` (USD-reporting, EUR customer: about 1.08).",
    )


# Path words of a ledger collection (`POST /v1/revenue/movements/bulk`): no record's id.
RESERVED_EXTERNAL_IDS = ("bulk", "import")


def _not_reserved(value: str) -> str:
    if value in RESERVED_EXTERNAL_IDS:
        raise PydanticCustomError(
            "reserved_external_id",
            f"'{value}' names an operation of the collection; choose another external_id.",
        )
    return value


class _Keyed(InputModel):
    external_id: Annotated[
        ExternalId,
        AfterValidator(_not_reserved),
        Field(json_schema_extra={"not": {"enum": list(RESERVED_EXTERNAL_IDS)}}),
    ] = Field(description="Your id of the record, unique per organization.")
    deleted: bool = _DELETED


def _row_examples(fields: type[InputModel], **key: str) -> ConfigDict:
    extra = fields.model_config.get("json_schema_extra")
    assert isinstance(extra, dict)
    examples = extra["examples"]
    assert isinstance(examples, list)
    assert isinstance(examples[0], dict)
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [{**key, **examples[0]}]})


class MovementRow(MovementFields, _Keyed):
    """A bulk row: an ARR movement by `external_id`, or its removal."""

    model_config = _row_examples(MovementFields, external_id="mv-1001")


class RenewalRow(RenewalFields, _Keyed):
    """A bulk row: a renewal by `external_id`, or its removal."""

    model_config = _row_examples(RenewalFields, external_id="rn-2026-crm-0042")


class ContractLineRow(ContractLineFields, _Keyed):
    """A bulk row: a contract line by `external_id`, or its removal."""

    model_config = _row_examples(ContractLineFields, external_id="cl-crm-0042-1")


class LeadRow(LeadFields, _Keyed):
    """A bulk row: a CS-qualified lead by `external_id`, or its removal."""

    model_config = _row_examples(LeadFields, external_id="csql-77")


class FxRateRow(FxRateFields):
    """A bulk row: the rate of `currency` in `month`, or its removal."""

    model_config = _row_examples(FxRateFields, currency="EUR", month="2026-01")

    currency: CurrencyCode
    month: MonthStr
    deleted: bool = _DELETED


_REQUIRED: dict[str, tuple[str, ...]] = {
    "MovementFields": ("customer_external_id", "date", "kind", "amount"),
    "RenewalFields": ("customer_external_id", "due_date", "renewable_arr"),
    "ContractLineFields": ("customer_external_id", "start_month", "end_month", "arr"),
    "LeadFields": ("customer_external_id", "raised_on"),
    "FxRateFields": ("units_of_reporting_currency_per_unit",),
}


def _required(row_type: type) -> tuple[str, ...]:
    for klass in row_type.__mro__:
        if klass.__name__ in _REQUIRED:
            return _REQUIRED[klass.__name__]
    return ()
