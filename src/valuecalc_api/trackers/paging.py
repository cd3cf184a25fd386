"""Turning one over-fetched keyset query into a `Page` (SPEC 6 "cursor pagination").

Repositories fetch `limit + 1` rows after the cursor's position; the extra row only
tells whether another page exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from valuecalc_api.pagination import Page, decode_cursor, encode_cursor

T = TypeVar("T")


class Keyed(Protocol):
    @property
    def created_at(self) -> datetime: ...

    @property
    def id(self) -> uuid.UUID: ...


R = TypeVar("R", bound=Keyed)


def position_after(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The keyset position a cursor names (422 if it is not one we issued)."""
    return decode_cursor(cursor) if cursor is not None else None


def page_of(rows: Sequence[R], limit: int, to_item: Callable[[R], T]) -> Page[T]:
    """The first `limit` rows as a page; a cursor only when a further row was found."""
    shown = rows[:limit]
    next_cursor = encode_cursor(shown[-1].created_at, shown[-1].id) if len(rows) > limit else None
    return Page[T](items=[to_item(row) for row in shown], next_cursor=next_cursor)
