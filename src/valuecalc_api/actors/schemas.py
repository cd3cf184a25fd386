"""`AuthorOut`: who made something, as every body that has an author shows it."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ConfigDict, Field

from valuecalc_api.schema_types import OutputModel

AUTHOR_EXAMPLE: dict[str, Any] = {
    "id": "u_123",
    "name": "Dana Reyes",
    "key_id": "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4",
    "key_prefix": "vc_live_Q2xhcm",
}
KEY_ONLY_EXAMPLE: dict[str, Any] = {**AUTHOR_EXAMPLE, "id": None, "name": None}


class AuthorOut(OutputModel):
    """The person (from `Valuecalc-Actor` / `Valuecalc-Actor-Name`; null when the call
    named nobody) and the API key that made a change or wrote a note or evidence."""

    model_config = ConfigDict(json_schema_extra={"examples": [AUTHOR_EXAMPLE, KEY_ONLY_EXAMPLE]})

    id: str | None = Field(
        description="The person's stable id, as sent in `Valuecalc-Actor`.", examples=["u_123"]
    )
    name: str | None = Field(
        description="The display name sent in `Valuecalc-Actor-Name`, if any.",
        examples=["Dana Reyes"],
    )
    key_id: uuid.UUID = Field(description="The API key of the call.")
    key_prefix: str | None = Field(
        description="The first characters of that key's secret, as listed by `/v1/api-keys`.",
        examples=["vc_live_Q2xhcm"],
    )
