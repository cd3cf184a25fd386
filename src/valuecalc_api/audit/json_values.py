"""How values appear in an audit record's `before` / `after`: plain JSON, exact and readable.

Decimals are strings (`"121.50"`, never a float), months `YYYY-MM`, ids and times strings.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Column, inspect

from valuecalc_core.months import Month

JsonValue = str | int | bool | None | list["JsonValue"] | dict[str, "JsonValue"]

# Columns every table has that say nothing about the change itself.
DEFAULT_EXCLUDED = frozenset({"organization_id", "created_at", "updated_at"})


def jsonable(value: Any) -> JsonValue:
    """`value` as JSON-ready data; an unknown type is a bug in the caller, so it raises."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, (Decimal, Month, uuid.UUID)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(item) for item in value), key=str)
    raise TypeError(f"cannot put a {type(value).__name__} in an audit record")


def snapshot(
    row: object,
    *,
    exclude: Collection[str] = DEFAULT_EXCLUDED,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, JsonValue]:
    """The column values of ORM object `row` (loaded table columns only: not values read
    with it from elsewhere, such as its key's prefix), for `before` / `after`.

    Take the `before` snapshot before changing the row, the `after` one after `flush()`,
    so server-side defaults are in it. `extra` adds values that are not columns.
    """
    state = inspect(row)
    unloaded = state.unloaded
    values: dict[str, JsonValue] = {
        attribute.key: jsonable(getattr(row, attribute.key))
        for attribute in state.mapper.column_attrs
        if attribute.key not in exclude
        and attribute.key not in unloaded
        and isinstance(attribute.expression, Column)
    }
    if extra:
        values.update({key: jsonable(value) for key, value in extra.items()})
    return values
