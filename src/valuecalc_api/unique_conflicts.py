"""Turning a unique-constraint violation into the 409 a client can act on.

Uniqueness (a customer's CRM id, a calculation's key) is enforced by the database,
so two concurrent requests cannot both succeed; the loser gets the same 409 a
sequential duplicate gets, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.problems import Problem


async def flush_or_conflict(session: AsyncSession, conflicts: Mapping[str, Problem]) -> None:
    """Flush; a violation of a constraint named in `conflicts` raises its Problem."""
    try:
        await session.flush()
    except IntegrityError as error:
        message = str(error.orig)
        for constraint, problem in conflicts.items():
            if constraint in message:
                raise problem from None
        raise
