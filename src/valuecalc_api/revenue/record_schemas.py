"""Response bodies of the ledger records and of ledger writes."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from pydantic import ConfigDict, Field

from valuecalc_api.revenue.row_schemas import LeadStatusIn, MovementKindIn, RenewalOutcomeIn
from valuecalc_api.schema_types import DecimalStr, MonthText, OutputModel

_ID = "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4"
_CUSTOMER_ID = "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d"
_STAMPS = {"created_at": "2026-01-15T09:30:00Z", "updated_at": "2026-01-15T09:30:00Z"}


def _example(**values: Any) -> ConfigDict:
    return ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{"id": _ID, **values, "version": 1, **_STAMPS}]},
    )


class _Record(OutputModel):
    id: uuid.UUID
    version: int = Field(description="Counts the record's changes; its ETag follows it.")
    created_at: datetime.datetime
    updated_at: datetime.datetime


class _CustomerRecord(_Record):
    external_id: str
    customer_id: uuid.UUID
    customer_external_id: str | None


class MovementOut(_CustomerRecord):
    model_config = _example(
        external_id="mv-1001",
        customer_id=_CUSTOMER_ID,
        customer_external_id="crm-0042",
        date="2026-01-15",
        kind="new",
        amount="120000",
        currency="USD",
        renewal_external_id=None,
        source="api",
    )

    date: datetime.date
    kind: MovementKindIn
    amount: DecimalStr
    currency: str
    renewal_external_id: str | None
    source: Literal["api", "contract_lines"] = Field(
        description="`api` (sent by you) or `contract_lines` (derived from contract lines)."
    )


class RenewalOut(_CustomerRecord):
    model_config = _example(
        external_id="rn-2026-crm-0042",
        customer_id=_CUSTOMER_ID,
        customer_external_id="crm-0042",
        due_date="2026-06-30",
        renewable_arr="120000",
        outcome="renewed",
        closed_date="2026-06-20",
    )

    due_date: datetime.date
    renewable_arr: DecimalStr
    outcome: RenewalOutcomeIn
    closed_date: datetime.date | None


class ContractLineOut(_CustomerRecord):
    model_config = _example(
        external_id="cl-crm-0042-1",
        customer_id=_CUSTOMER_ID,
        customer_external_id="crm-0042",
        start_month="2026-01",
        end_month="2026-12",
        arr="120000",
    )

    start_month: MonthText
    end_month: MonthText
    arr: DecimalStr


class LeadOut(_CustomerRecord):
    model_config = _example(
        external_id="csql-77",
        customer_id=_CUSTOMER_ID,
        customer_external_id="crm-0042",
        raised_on="2026-02-03",
        status="won",
        closed_revenue="24000",
        owner="jane.doe@vendor.example",
    )

    raised_on: datetime.date
    status: LeadStatusIn
    closed_revenue: DecimalStr | None
    owner: str | None


class FxRateOut(_Record):
    model_config = _example(
        currency="EUR", month="2026-01", units_of_reporting_currency_per_unit="1.0850"
    )

    currency: str
    month: MonthText
    units_of_reporting_currency_per_unit: DecimalStr = Field(
        description="Units of the reporting currency that one unit of `currency` buys."
    )


class LedgerWriteCounts(OutputModel):
    created: int
    updated: int
    unchanged: int
    deleted: int


class LedgerRowResult(OutputModel):
    """What happened to one row: `key` is its `external_id` (FX: `CUR/YYYY-MM`); `id` and
    `version` are null once removed (or for the removal of a record that did not exist)."""

    row: int
    key: str
    id: uuid.UUID | None
    status: Literal["created", "updated", "unchanged", "deleted"] = Field(
        description="created, updated, unchanged or deleted"
    )
    version: int | None


class LedgerWriteResult(OutputModel):
    """Counts, then one result per request row, in the request's order."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "counts": {"created": 1, "updated": 0, "unchanged": 0, "deleted": 0},
                    "rows": [
                        {"row": 0, "key": "mv-1001", "id": _ID, "status": "created", "version": 1}
                    ],
                }
            ]
        }
    )

    counts: LedgerWriteCounts
    rows: list[LedgerRowResult]


class RevenueSettingsOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reporting_currency": "USD"}]})

    reporting_currency: str | None = Field(
        description="The currency revenue reports convert to with the FX table (null: reports "
        "need every customer in one currency)."
    )
