"""Ledger write use cases: bulk rows, and single records as one-row bulk writes."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.applying import (
    concurrent_write,
    transient_errors_as_concurrent_write,
)
from valuecalc_api.bulk_writes.row_errors import RowError, RowsRefused, refused, schema_errors
from valuecalc_api.bulk_writes.row_parsing import rows_of_body
from valuecalc_api.problems import not_found
from valuecalc_api.revenue import record_repository
from valuecalc_api.revenue.resources import LedgerResource
from valuecalc_api.revenue.row_schemas import LedgerRow
from valuecalc_api.revenue.write_engine import LedgerOutcome, write_rows


def parse_rows(
    body: bytes, row_model: type[LedgerRow]
) -> tuple[list[LedgerRow | None], list[RowError]]:
    """The `{"rows": [...]}` envelope (1 to 10,000 rows). The list is validated in one call
    first (fast); only when something is wrong is each row validated on its own, so every
    bad row is reported by index."""
    raw_rows = rows_of_body(body)
    try:
        return list(_list_adapter(row_model).validate_python(raw_rows)), []
    except ValidationError:
        pass
    parsed: list[LedgerRow | None] = []
    errors: list[RowError] = []
    for index, raw in enumerate(raw_rows):
        try:
            parsed.append(row_model.model_validate(raw))
        except ValidationError as error:
            parsed.append(None)
            errors.extend(schema_errors(index, error))
    return parsed, errors


@lru_cache(maxsize=16)
def _list_adapter(row_model: type[LedgerRow]) -> TypeAdapter[list[LedgerRow]]:
    return TypeAdapter(list[row_model])  # type: ignore[valid-type]


async def write(
    session: AsyncSession,
    principal: Principal,
    resource: LedgerResource,
    rows: Sequence[LedgerRow | None],
    errors: Sequence[RowError],
    *,
    if_match: str | None = None,
    must_exist: bool | None = None,
) -> LedgerOutcome:
    """All rows or none; bad rows answer 422 (412 when only versions are stale)."""
    try:
        async with transient_errors_as_concurrent_write():
            try:
                return await write_rows(
                    session,
                    principal,
                    resource,
                    rows,
                    errors,
                    if_match=if_match,
                    must_exist=must_exist,
                )
            except IntegrityError:
                # A record with one of these keys was created by another request meanwhile
                # (nothing locks a key that does not exist yet): nothing was written.
                raise concurrent_write() from None
    except RowsRefused as error:
        raise refused(error) from None


async def read(
    session: AsyncSession, principal: Principal, resource: LedgerResource, key: Hashable
) -> dict[str, Any]:
    found = await record_repository.get_record(
        session, resource, principal.organization_id, key, principal.tracker_ids
    )
    if found is None:
        raise not_found(resource.singular)
    return found
