"""Who made a row: the API key and, when the call named one, the person (SPEC 6).

A row that has an author keeps its key id and beside it `actor_id` / `actor_name` from
`Valuecalc-Actor` (null when the call named nobody). `key_prefix_of` reads the key's
display prefix with the row, so a body can show which key it was without a second query.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ScalarSelect, String, select
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.organization import ApiKey

ACTOR_ID_CHARS = 200


@dataclass(frozen=True, slots=True)
class Authorship:
    """A row's author as its body shows it (`actors.schemas.AuthorOut`)."""

    key_id: uuid.UUID
    key_prefix: str | None
    id: str | None
    name: str | None


def actor_id_column() -> Mapped[str | None]:
    return mapped_column(String(ACTOR_ID_CHARS), default=None)


def actor_name_column() -> Mapped[str | None]:
    return mapped_column(String(ACTOR_ID_CHARS), default=None)


def key_prefix_of(key_id: Any) -> ScalarSelect[str]:
    """The display prefix of the API key whose id is in column `key_id` (a subquery for
    `column_property`: read with every load of the row)."""
    return (
        select(ApiKey.prefix).where(ApiKey.id == key_id).correlate_except(ApiKey).scalar_subquery()
    )
