"""The ARR ledger (SPEC 4): movements, renewals, contract lines, CS-qualified leads, FX rates.

Every record belongs to one organization and, except FX rates, to one customer; each is
addressed by the integration's `external_id`, unique per organization. Amounts are NUMERIC
(exact), in the customer's currency. `version` counts the record's changes (ETag, If-Match,
per-row `if_version` of bulk writes).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base, IdMixin, TimestampMixin

MOVEMENT_KINDS = ("new", "upsell", "cross_sell", "downsell", "churn", "reactivation")
RENEWAL_OUTCOMES = ("open", "renewed", "churned")
LEAD_STATUSES = ("open", "won", "lost")
# Where a movement came from: sent by an integration, or derived from contract lines.
MOVEMENT_SOURCES = ("api", "contract_lines")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


class _LedgerRecord(IdMixin, TimestampMixin):
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    external_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)


class Renewal(_LedgerRecord, Base):
    """A renewal due on `due_date` with `renewable_arr` up for renewal; closed once decided."""

    __tablename__ = "renewals"
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id", name="uq_renewals_external_id"),
        CheckConstraint("renewable_arr > 0", name="renewable_arr_positive"),
        CheckConstraint(f"outcome IN ({_in(RENEWAL_OUTCOMES)})", name="outcome"),
        Index("ix_renewals_organization_id_due_date", "organization_id", "due_date"),
        Index("ix_renewals_customer_id", "customer_id"),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    due_date: Mapped[date] = mapped_column(Date)
    renewable_arr: Mapped[Decimal]
    outcome: Mapped[str] = mapped_column(String(16), default="open")
    closed_date: Mapped[date | None] = mapped_column(Date, default=None)


class ArrMovement(_LedgerRecord, Base):
    """One change of a customer's ARR: `amount` > 0 in its currency, the kind gives the sign."""

    __tablename__ = "arr_movements"
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id", name="uq_arr_movements_external_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"kind IN ({_in(MOVEMENT_KINDS)})", name="kind"),
        CheckConstraint(f"source IN ({_in(MOVEMENT_SOURCES)})", name="source"),
        Index("ix_arr_movements_customer_id_date", "customer_id", "date"),
        Index("ix_arr_movements_organization_id_date", "organization_id", "date"),
        Index("ix_arr_movements_renewal_id", "renewal_id"),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    renewal_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("renewals.id", ondelete="RESTRICT"), default=None
    )
    source: Mapped[str] = mapped_column(String(16), default="api")


class ContractLine(_LedgerRecord, Base):
    """ARR `arr` of a customer in every month from `start_month` to `end_month` (1st days)."""

    __tablename__ = "contract_lines"
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id", name="uq_contract_lines_external_id"),
        CheckConstraint("arr > 0", name="arr_positive"),
        CheckConstraint("end_month >= start_month", name="ends_after_start"),
        Index("ix_contract_lines_customer_id", "customer_id"),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    start_month: Mapped[date] = mapped_column(Date)
    end_month: Mapped[date] = mapped_column(Date)
    arr: Mapped[Decimal]


class CsLead(_LedgerRecord, Base):
    """A CS-qualified lead; `closed_revenue` (customer's currency) only when won."""

    __tablename__ = "cs_leads"
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id", name="uq_cs_leads_external_id"),
        CheckConstraint(f"status IN ({_in(LEAD_STATUSES)})", name="status"),
        CheckConstraint(
            "(status = 'won' AND closed_revenue >= 0) OR (status <> 'won' AND closed_revenue "
            "IS NULL)",
            name="closed_revenue_when_won",
        ),
        Index("ix_cs_leads_organization_id_raised_on", "organization_id", "raised_on"),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    raised_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    closed_revenue: Mapped[Decimal | None] = mapped_column(default=None)
    owner: Mapped[str | None] = mapped_column(String(200), default=None)


class FxRate(IdMixin, TimestampMixin, Base):
    """`units_of_reporting_currency_per_unit`: what one unit of `currency` buys in `month`."""

    __tablename__ = "fx_rates"
    __table_args__ = (
        UniqueConstraint(
            "organization_id", "currency", "month", name="uq_fx_rates_organization_id"
        ),
        CheckConstraint("units_of_reporting_currency_per_unit > 0", name="rate_positive"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    currency: Mapped[str] = mapped_column(String(3))
    month: Mapped[date] = mapped_column(Date)
    units_of_reporting_currency_per_unit: Mapped[Decimal]
    version: Mapped[int] = mapped_column(default=1)
