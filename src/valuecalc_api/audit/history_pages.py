"""Pages of audit events, shared by every history endpoint (trackers, measurements,
signal records): the `?actor=` filter, the cursor over (occurred_at, seq), the page."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated

from fastapi import Query

from valuecalc_api.actors.header import MAX_ACTOR_CHARS, actor_id
from valuecalc_api.audit.schemas import AuditEventOut
from valuecalc_api.models.audit import AuditEvent
from valuecalc_api.pagination import Page
from valuecalc_api.problems import invalid

ActorQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_ACTOR_CHARS,
        pattern=r"^[ -~]+$",  # printable ASCII, as the header's id
        description="Only the changes made for this person: the id their calls sent in "
        "`Valuecalc-Actor`.",
        examples=["u_123"],
    ),
]


def actor_filter(actor: str | None) -> str | None:
    """The `?actor=` filter as the id its header would record (None: every change)."""
    return None if actor is None else actor_id(actor, field="query.actor")


def encode_cursor(event: AuditEvent) -> str:
    raw = json.dumps([event.occurred_at.isoformat(), event.seq]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The position (occurred_at, seq) a cursor of `history_page` names; 422 otherwise."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        occurred_at, seq = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(seq, int):
            raise TypeError
        return datetime.fromisoformat(occurred_at), seq
    except (ValueError, TypeError, binascii.Error):
        raise invalid(
            [
                {
                    "field": "cursor",
                    "code": "invalid_cursor",
                    "message": "cursor is not one we issued.",
                }
            ]
        ) from None


def history_page(events: list[AuditEvent], limit: int) -> Page[AuditEventOut]:
    """A page of audit events from `limit + 1` fetched, newest first."""
    shown = events[:limit]
    next_cursor = encode_cursor(shown[-1]) if len(events) > limit else None
    return Page[AuditEventOut](
        items=[AuditEventOut.model_validate(event) for event in shown], next_cursor=next_cursor
    )
