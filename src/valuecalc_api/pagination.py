"""Cursor pagination (SPEC 6): `limit` (capped), opaque `cursor`, `next_cursor`.

Lists are keyset-paginated on (created_at, id), so a page never skips or repeats
rows when others are inserted meanwhile.

Repositories fetch `limit + 1` rows after the cursor's position (`position_after`);
`page_of` makes the page, the extra row only telling whether another page exists.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, Protocol, TypeVar, get_args

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from valuecalc_api.problems import invalid

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

LimitQuery = Annotated[
    int,
    Query(ge=1, le=MAX_LIMIT, description=f"Page size (1-{MAX_LIMIT}, default {DEFAULT_LIMIT})."),
]
CursorQuery = Annotated[
    str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
]


# What a `next_cursor` looks like (an `encode_cursor` value): opaque, URL-safe.
_EXAMPLE_CURSOR = (
    "WyIyMDI2LTAxLTA1VDA5OjMwOjAwKzAwOjAwIiwgIjZjMWUyZjNhLTRiNWMtNGQ2ZS04ZjcwLTgxOTJhM2I0YzVkNiJd"
)


def _page_examples(schema: dict[str, Any], page: type[BaseModel]) -> None:
    """A `Page[X]` example: one page holding X's first example, with more to come."""
    (item,) = get_args(page.model_fields["items"].annotation) or (None,)
    is_model = isinstance(item, type) and issubclass(item, BaseModel)
    extra = item.model_config.get("json_schema_extra") if is_model else None
    examples = extra.get("examples") if isinstance(extra, dict) else None
    if isinstance(examples, list) and examples:
        schema["examples"] = [{"items": [examples[0]], "next_cursor": _EXAMPLE_CURSOR}]


class Page(BaseModel, Generic[T]):
    """One page of a list, oldest first; pass `next_cursor` as `cursor` for the next one."""

    model_config = ConfigDict(json_schema_extra=_page_examples)

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        """`TrackerPage` for `Page[TrackerOut]`: the name generated clients give the type."""
        return f"{getattr(params[0], '__name__', 'Item').removesuffix('Out')}Page"

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return datetime.fromisoformat(created), uuid.UUID(row_id)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise invalid(
            [
                {
                    "field": "cursor",
                    "code": "invalid_cursor",
                    "message": "cursor is not one we issued.",
                }
            ]
        ) from None


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
