"""What the one write path (`write_engine`) asks of a ledger resource: its key, how a row
becomes the record's values (customer, currency and renewal resolved), and how a change
enters the ledger the core validates. The resources themselves are in `resource_kinds`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.revenue.ledger_check import LedgerChanges
from valuecalc_api.revenue.ledger_repository import CustomerRef, RenewalRef
from valuecalc_api.revenue.row_schemas import (
    CustomerAddressed,
    LedgerRow,
)
from valuecalc_core.months import Month

# (field, code, message) of a row that cannot become a record.
RowProblem = tuple[str, str, str]


@dataclass
class WriteContext:
    customers_by_external_id: dict[str, CustomerRef]
    customers: dict[uuid.UUID, CustomerRef]
    renewals: dict[str, RenewalRef]
    # Customers without a currency that this write gives one.
    new_currencies: dict[uuid.UUID, str] = field(default_factory=dict)

    _renewal_external_ids: dict[uuid.UUID | None, str] | None = None

    def renewal_external_ids(self) -> dict[uuid.UUID | None, str]:
        """The `external_id` of each renewal the rows name, by its id (built once)."""
        if self._renewal_external_ids is None:
            self._renewal_external_ids = {ref.id: ext for ext, ref in self.renewals.items()}
        return self._renewal_external_ids


def first_of(month: Month) -> datetime.date:
    return datetime.date(month.year, month.month, 1)


class LedgerResource:
    """Defaults for records addressed by `external_id` and owned by a customer."""

    model: Any
    entity: AuditEntity
    plural: str
    singular: str
    key_columns: tuple[str, ...] = ("external_id",)
    value_columns: tuple[str, ...]
    ledger_bound = True

    def key(self, row: LedgerRow) -> Hashable:
        external_id: str = getattr(row, "external_id")  # noqa: B009 - every keyed row has it
        return external_id

    def key_text(self, key: Hashable) -> str:
        return str(key)

    def key_values(self, key: Hashable) -> dict[str, Any]:
        return {"external_id": key}

    def stored_values(self, record: Any) -> tuple[Any, ...]:
        return tuple(getattr(record, name) for name in self.value_columns)

    def audit_state(self, record: Any) -> dict[str, Any]:
        return {
            **{name: getattr(record, name) for name in self.key_columns},
            **dict(zip(self.value_columns, self.stored_values(record), strict=True)),
            "version": record.version,
        }

    def customers_of(self, values: tuple[Any, ...] | None, stored: Any) -> list[uuid.UUID]:
        """The customers whose ledger the row changes: the new one, and the stored record's
        (a record moved to another customer changes both ledgers)."""
        found: list[uuid.UUID] = []
        if values is not None:
            found.append(values[0])
        if stored is not None and stored.customer_id not in found:
            found.append(stored.customer_id)
        return found

    def check_removal(self, stored: Any) -> RowProblem | None:
        return None

    def customer(self, row: CustomerAddressed, context: WriteContext) -> CustomerRef | RowProblem:
        found = context.customers_by_external_id.get(row.customer_external_id or "")
        if found is None:
            return (
                "customer_external_id",
                "unknown_customer",
                f"No customer of your organization has the external_id "
                f"{row.customer_external_id!r}; create it first (POST /v1/customers).",
            )
        return found

    def currency(
        self, given: str | None, customer: CustomerRef, context: WriteContext
    ) -> str | RowProblem:
        """The customer's currency, or the one this row gives a customer without one."""
        known = customer.currency or context.new_currencies.get(customer.id)
        if given is None:
            if known is None:
                return (
                    "currency",
                    "no_currency",
                    f"Customer {customer.external_id!r} has no currency yet; send `currency`.",
                )
            return known
        if known is not None and given != known:
            return (
                "currency",
                "currency_mismatch",
                f"Customer {customer.external_id!r} is in {known}, not {given}; amounts in "
                "different currencies are never mixed.",
            )
        if known is None:
            context.new_currencies[customer.id] = given
        return given

    def values(
        self, row: LedgerRow, stored: Any, context: WriteContext
    ) -> tuple[tuple[Any, ...] | None, RowProblem | None]:
        raise NotImplementedError

    def add_change(
        self,
        changes: LedgerChanges,
        key: Hashable,
        values: tuple[Any, ...] | None,
        stored: Any,
        context: WriteContext,
    ) -> None:
        return None
