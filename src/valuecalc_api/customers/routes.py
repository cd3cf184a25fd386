"""HTTP endpoints of `/v1/customers` (SPEC 3, 6).

Reads need any key; writes need editor or admin and a key for the whole organization.
Another organization's customer answers 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from valuecalc_api.auth.dependencies import EditorDep, PrincipalDep
from valuecalc_api.customers import repository, service
from valuecalc_api.customers.schemas import CustomerCreate, CustomerOut, CustomerPatch
from valuecalc_api.db import SessionDep
from valuecalc_api.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    page_of,
    position_after,
)
from valuecalc_api.problem_refs import problem_doc

router = APIRouter(tags=["customers"])

_WHOLE_ORGANIZATION = problem_doc(
    "`forbidden`: a viewer key, or a key limited to some trackers (customers need a key for "
    "the whole organization).",
    "read-only-key",
    "tracker-limited-key",
)
_EXTERNAL_ID_TAKEN = problem_doc(
    "`external-id-taken`: another customer has this `external_id`; `customer-has-revenue`: "
    "its currency cannot change while it has revenue records.",
    "external-id-taken",
    "customer-has-revenue",
)


@router.get("/customers", response_model=Page[CustomerOut])
async def list_customers(
    principal: PrincipalDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    external_id: Annotated[
        str | None, Query(max_length=200, description="Only the customer with this CRM id.")
    ] = None,
) -> Page[CustomerOut]:
    """Customers, oldest first. A tracker-limited key sees the customers of its trackers."""
    customers = await repository.list_customers(
        session,
        principal.organization_id,
        limit=limit + 1,
        after=position_after(cursor),
        external_id=external_id,
        visible_tracker_ids=principal.tracker_ids,
    )
    return page_of(customers, limit, CustomerOut.model_validate)


@router.post(
    "/customers",
    response_model=CustomerOut,
    status_code=status.HTTP_201_CREATED,
    responses={403: _WHOLE_ORGANIZATION, 409: _EXTERNAL_ID_TAKEN},
)
async def create_customer(
    body: CustomerCreate, principal: EditorDep, session: SessionDep
) -> CustomerOut:
    """Create a customer; 409 `external-id-taken` if another one has the same CRM id."""
    customer = await service.create_customer(session, principal, body)
    return CustomerOut.model_validate(customer)


@router.get("/customers/{customer_id}", response_model=CustomerOut)
async def get_customer(
    customer_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> CustomerOut:
    """One customer of the organization."""
    customer = await service.get_customer(session, principal, customer_id)
    return CustomerOut.model_validate(customer)


@router.patch(
    "/customers/{customer_id}",
    response_model=CustomerOut,
    responses={403: _WHOLE_ORGANIZATION, 409: _EXTERNAL_ID_TAKEN},
)
async def update_customer(
    customer_id: uuid.UUID, body: CustomerPatch, principal: EditorDep, session: SessionDep
) -> CustomerOut:
    """Change a customer's name, segment, owner or external id (`If-Match` honoured)."""
    customer = await service.update_customer(session, principal, customer_id, body)
    return CustomerOut.model_validate(customer)


@router.delete(
    "/customers/{customer_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        403: _WHOLE_ORGANIZATION,
        409: problem_doc(
            "`customer-has-trackers`: delete its trackers first; `customer-has-revenue`: "
            "remove its revenue records first.",
            "customer-has-trackers",
            "customer-has-revenue",
        ),
    },
)
async def delete_customer(
    customer_id: uuid.UUID, principal: EditorDep, session: SessionDep
) -> Response:
    """Delete a customer; 409 `customer-has-trackers` while it still has trackers."""
    await service.delete_customer(session, principal, customer_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
