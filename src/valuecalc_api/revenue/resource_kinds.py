"""The ledger's resources, each as the one write path (`write_engine`) sees it: ARR
movements, renewals, contract lines, CS-qualified leads and FX rates; and the row field
each of the core's ledger problem codes points at.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from decimal import Decimal
from typing import Any

from valuecalc_api.models.audit import AuditEntity
from valuecalc_api.models.revenue import ArrMovement, ContractLine, CsLead, FxRate, Renewal
from valuecalc_api.revenue.ledger_check import DERIVED_PREFIX, LedgerChanges, line_problems
from valuecalc_api.revenue.ledger_repository import CustomerRef
from valuecalc_api.revenue.resources import (
    LedgerResource,
    RowProblem,
    WriteContext,
    first_of,
)
from valuecalc_api.revenue.row_schemas import (
    ContractLineRow,
    FxRateRow,
    LeadRow,
    LedgerRow,
    MovementRow,
    RenewalRow,
)
from valuecalc_core.errors import CoreError
from valuecalc_core.months import Month
from valuecalc_core.revenue import (
    ContractLine as CoreLine,
)
from valuecalc_core.revenue import (
    Customer,
    FxRates,
    InvalidLedgerError,
    Lead,
    LeadStatus,
    Movement,
    MovementKind,
    RenewalOutcome,
    RevenuePeriod,
    summarize_leads,
)
from valuecalc_core.revenue import (
    Renewal as CoreRenewal,
)

MAX_CONTRACT_MONTHS = 240  # SPEC 2: a contract period is at most 240 months


class Movements(LedgerResource):
    model = ArrMovement
    entity = AuditEntity.arr_movement
    plural = "ARR movements"
    singular = "ARR movement"
    value_columns = ("customer_id", "date", "kind", "amount", "currency", "renewal_id", "source")

    def check_removal(self, stored: Any) -> RowProblem | None:
        return _derived_problem(stored)

    def values(
        self, row: LedgerRow, stored: Any, context: WriteContext
    ) -> tuple[tuple[Any, ...] | None, RowProblem | None]:
        assert isinstance(row, MovementRow)
        problem = _derived_problem(stored)
        if problem is None and row.external_id.startswith(DERIVED_PREFIX):
            problem = (
                "external_id",
                "reserved_external_id",
                f"external_ids starting with {DERIVED_PREFIX!r} name movements derived from "
                "contract lines; choose another.",
            )
        if problem is not None:
            return None, problem
        customer = self.customer(row, context)
        if not isinstance(customer, CustomerRef):
            return None, customer
        currency = self.currency(row.currency, customer, context)
        if isinstance(currency, tuple):
            return None, currency
        renewal_id = None
        if row.renewal_external_id is not None:
            renewal = context.renewals.get(row.renewal_external_id)
            if renewal is None:
                return None, (
                    "renewal_external_id",
                    "unknown_renewal",
                    f"No renewal has the external_id {row.renewal_external_id!r}.",
                )
            if renewal.customer_id != customer.id:
                return None, (
                    "renewal_external_id",
                    "renewal_customer_mismatch",
                    f"Renewal {row.renewal_external_id!r} belongs to another customer.",
                )
            renewal_id = renewal.id
        assert row.kind is not None
        return (
            customer.id,
            row.date,
            row.kind.value,
            row.amount,
            currency,
            renewal_id,
            "api",
        ), None

    def add_change(
        self,
        changes: LedgerChanges,
        key: Hashable,
        values: tuple[Any, ...] | None,
        stored: Any,
        context: WriteContext,
    ) -> None:
        external_id = str(key)
        if values is None:
            changes.movements[external_id] = None
            return
        customer_id, date, kind, amount, _, renewal_id, _ = values
        renewal_external_id = context.renewal_external_ids().get(renewal_id)
        changes.movements[external_id] = Movement(
            external_id, str(customer_id), date, MovementKind(kind), amount, renewal_external_id
        )


def _derived_problem(stored: Any) -> RowProblem | None:
    if stored is not None and stored.source == "contract_lines":
        return (
            "external_id",
            "derived_movement",
            "This movement is derived from contract lines; change the contract lines instead.",
        )
    return None


class Renewals(LedgerResource):
    model = Renewal
    entity = AuditEntity.renewal
    plural = "renewals"
    singular = "renewal"
    value_columns = ("customer_id", "due_date", "renewable_arr", "outcome", "closed_date")

    def values(
        self, row: LedgerRow, stored: Any, context: WriteContext
    ) -> tuple[tuple[Any, ...] | None, RowProblem | None]:
        assert isinstance(row, RenewalRow)
        customer = self.customer(row, context)
        if not isinstance(customer, CustomerRef):
            return None, customer
        return (
            customer.id,
            row.due_date,
            row.renewable_arr,
            row.outcome.value,
            row.closed_date,
        ), None

    def add_change(
        self,
        changes: LedgerChanges,
        key: Hashable,
        values: tuple[Any, ...] | None,
        stored: Any,
        context: WriteContext,
    ) -> None:
        external_id = str(key)
        if values is None:
            changes.renewals[external_id] = None
            return
        customer_id, due_date, renewable, outcome, closed = values
        changes.renewals[external_id] = CoreRenewal(
            external_id, str(customer_id), due_date, renewable, RenewalOutcome(outcome), closed
        )


class ContractLines(LedgerResource):
    model = ContractLine
    entity = AuditEntity.contract_line
    plural = "contract lines"
    singular = "contract line"
    value_columns = ("customer_id", "start_month", "end_month", "arr")

    def values(
        self, row: LedgerRow, stored: Any, context: WriteContext
    ) -> tuple[tuple[Any, ...] | None, RowProblem | None]:
        assert isinstance(row, ContractLineRow)
        assert row.start_month is not None
        assert row.end_month is not None
        customer = self.customer(row, context)
        if not isinstance(customer, CustomerRef):
            return None, customer
        currency = self.currency(row.currency, customer, context)
        if isinstance(currency, tuple):
            return None, currency
        assert row.arr is not None
        problems = line_problems(
            CoreLine(str(customer.id), row.start_month, row.end_month, row.arr)
        )
        if problems:
            field_name = "arr" if problems[0].code == "non_positive_amount" else "end_month"
            return None, (field_name, problems[0].code, problems[0].message)
        if row.end_month.ordinal - row.start_month.ordinal + 1 > MAX_CONTRACT_MONTHS:
            return None, (
                "end_month",
                "contract_too_long",
                f"A contract line spans at most {MAX_CONTRACT_MONTHS} months.",
            )
        return (
            customer.id,
            first_of(row.start_month),
            first_of(row.end_month),
            row.arr,
        ), None

    def add_change(
        self,
        changes: LedgerChanges,
        key: Hashable,
        values: tuple[Any, ...] | None,
        stored: Any,
        context: WriteContext,
    ) -> None:
        external_id = str(key)
        if stored is not None:
            changes.line_customers.add(stored.customer_id)
        if values is None:
            changes.lines[external_id] = None
            return
        customer_id, start, end, arr = values
        changes.line_customers.add(customer_id)
        changes.lines[external_id] = (
            str(customer_id),
            CoreLine(
                str(customer_id),
                Month.of(start.year, start.month),
                Month.of(end.year, end.month),
                arr,
            ),
        )


class Leads(LedgerResource):
    model = CsLead
    entity = AuditEntity.cs_lead
    plural = "CS-qualified leads"
    singular = "CS-qualified lead"
    value_columns = ("customer_id", "raised_on", "status", "closed_revenue", "owner")
    ledger_bound = False

    def values(
        self, row: LedgerRow, stored: Any, context: WriteContext
    ) -> tuple[tuple[Any, ...] | None, RowProblem | None]:
        assert isinstance(row, LeadRow)
        assert row.raised_on is not None
        customer = self.customer(row, context)
        if not isinstance(customer, CustomerRef):
            return None, customer
        lead = Lead(
            row.external_id,
            str(customer.id),
            row.raised_on,
            LeadStatus(row.status.value),
            row.closed_revenue,
        )
        try:  # the core's check of a lead (closed revenue only and always when won)
            summarize_leads(
                [lead],
                [Customer(str(customer.id), customer.name, customer.currency or "USD")],
                RevenuePeriod(row.raised_on, row.raised_on),
            )
        except InvalidLedgerError as error:
            problem = error.problems[0]
            return None, ("closed_revenue", problem.code, problem.message)
        return (
            customer.id,
            row.raised_on,
            row.status.value,
            row.closed_revenue,
            row.owner,
        ), None


class FxRatesResource(LedgerResource):
    model = FxRate
    entity = AuditEntity.fx_rate
    plural = "FX rates"
    singular = "FX rate"
    key_columns = ("currency", "month")
    value_columns = ("units_of_reporting_currency_per_unit",)
    ledger_bound = False

    def key(self, row: LedgerRow) -> Hashable:
        assert isinstance(row, FxRateRow)
        return (row.currency, first_of(row.month))

    def key_text(self, key: Hashable) -> str:
        assert isinstance(key, tuple)
        currency, month = key
        return f"{currency}/{month.year:04d}-{month.month:02d}"

    def key_values(self, key: Hashable) -> dict[str, Any]:
        assert isinstance(key, tuple)
        currency, month = key
        return {"currency": currency, "month": month}

    def customers_of(self, values: tuple[Any, ...] | None, stored: Any) -> list[uuid.UUID]:
        return []

    def values(
        self, row: LedgerRow, stored: Any, context: WriteContext
    ) -> tuple[tuple[Any, ...] | None, RowProblem | None]:
        assert isinstance(row, FxRateRow)
        rate: Decimal | None = row.units_of_reporting_currency_per_unit
        assert rate is not None
        try:  # the core's check of a rate (finite, above 0)
            FxRates(row.currency, {(row.currency, row.month): rate})
        except CoreError as error:
            return None, ("units_of_reporting_currency_per_unit", error.code, str(error))
        return (rate,), None


MOVEMENTS = Movements()
RENEWALS = Renewals()
CONTRACT_LINES = ContractLines()
LEADS = Leads()
FX_RATES = FxRatesResource()

# The row field a core ledger problem concerns, by the resource written.
_FIELDS = {
    "non_positive_amount": {"movements": "amount", "renewals": "renewable_arr", "lines": "arr"},
    "unknown_renewal": {"movements": "renewal_external_id", "renewals": "external_id"},
    "renewal_customer_mismatch": {"movements": "renewal_external_id"},
    "renewal_movement_kind": {"movements": "kind"},
    "renewal_outcome_inconsistent": {"renewals": "closed_date"},
    "renewal_loss_exceeds_renewable": {"movements": "amount", "renewals": "renewable_arr"},
    "downsell_exceeds_arr": {"movements": "amount"},
    "downsell_to_zero": {"movements": "amount"},
    "churn_amount_mismatch": {"movements": "amount"},
    "arr_negative": {"movements": "kind"},
    "churn_without_arr": {"movements": "kind"},
    "new_with_existing_arr": {"movements": "kind"},
    "new_after_churn": {"movements": "kind"},
    "reactivation_without_churn": {"movements": "kind"},
    "reactivation_while_active": {"movements": "kind"},
    "expansion_without_arr": {"movements": "kind"},
}
_GROUP = {id(MOVEMENTS): "movements", id(RENEWALS): "renewals", id(CONTRACT_LINES): "lines"}


def problem_field(resource: LedgerResource, code: str) -> str:
    """The field of a row of `resource` that a core ledger problem points at."""
    return _FIELDS.get(code, {}).get(_GROUP.get(id(resource), ""), "external_id")
