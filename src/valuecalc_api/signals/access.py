"""Which customers a key may ask about (SPEC 6: another organization's object is 404)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.problems import not_found
from valuecalc_api.signals import repository as signals


async def check_customer(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID | None
) -> None:
    """404 for a customer filter naming a customer the key cannot see."""
    if customer_id is not None and not await signals.customer_visible(
        session, principal.organization_id, customer_id, principal.tracker_ids
    ):
        raise not_found("customer")
