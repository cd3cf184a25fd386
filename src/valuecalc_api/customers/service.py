"""Customer use cases: create, change, delete (refused while the customer has trackers)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.auth.tracker_scope import require_whole_organization
from valuecalc_api.customers import repository
from valuecalc_api.customers.schemas import CustomerCreate, CustomerPatch
from valuecalc_api.models.customer import Customer
from valuecalc_api.partial_updates import changes_nothing, patch_values
from valuecalc_api.problems import Problem, conflict, not_found
from valuecalc_api.unique_conflicts import flush_or_conflict


def _external_id_taken(external_id: str | None) -> Problem:
    return conflict(
        "external-id-taken",
        f"Another customer of your organization already has the external_id {external_id!r}.",
    )


async def get_customer(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID
) -> Customer:
    customer = await repository.get_customer(
        session,
        principal.organization_id,
        customer_id,
        visible_tracker_ids=principal.tracker_ids,
    )
    if customer is None:
        raise not_found("customer")
    return customer


async def create_customer(
    session: AsyncSession, principal: Principal, body: CustomerCreate
) -> Customer:
    require_whole_organization(principal, "creating a customer")
    customer = Customer(organization_id=principal.organization_id, **body.model_dump())
    session.add(customer)
    await flush_or_conflict(
        session, {"uq_customers_external_id": _external_id_taken(body.external_id)}
    )
    return customer


async def update_customer(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID, body: CustomerPatch
) -> Customer:
    require_whole_organization(principal, "changing a customer")
    customer = await get_customer(session, principal, customer_id)
    changes = patch_values(body)
    if changes_nothing(customer, changes):
        return customer  # no write: the reports that show the customer stay cached
    if "currency" in changes and changes["currency"] != customer.currency:
        await _refuse_if_revenue(session, principal, customer_id, "change its currency")
    for field, value in changes.items():
        setattr(customer, field, value)
    await flush_or_conflict(
        session, {"uq_customers_external_id": _external_id_taken(customer.external_id)}
    )
    return customer


async def delete_customer(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID
) -> None:
    require_whole_organization(principal, "deleting a customer")
    await get_customer(session, principal, customer_id)
    trackers = await repository.count_trackers(session, principal.organization_id, customer_id)
    if trackers:
        raise conflict(
            "customer-has-trackers",
            f"This customer still has {trackers} tracker(s); delete them first.",
            tracker_count=trackers,
        )
    await _refuse_if_revenue(session, principal, customer_id, "delete it")
    await repository.delete_customer(session, principal.organization_id, customer_id)


async def _refuse_if_revenue(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID, action: str
) -> None:
    """A customer's ledger is in its currency, and its removal would need audit events:
    409 while it has revenue records (remove them through the revenue API first)."""
    records = await repository.count_revenue_records(
        session, principal.organization_id, customer_id
    )
    if records:
        raise conflict(
            "customer-has-revenue",
            f"This customer has {records} revenue record(s); remove them before you {action}.",
            revenue_record_count=records,
        )
