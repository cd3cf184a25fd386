"""PATCH semantics shared by the value-tracking resources.

An omitted field keeps its value; `null` clears a field only where that means something
(a customer's segment, a calculation's target). Elsewhere `null` is a 422 naming the field,
never a silent no-op. A PATCH whose fields all equal the stored ones changes nothing: no
new version (the ETag stays valid for other editors), no audit event, no write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valuecalc_api.problems import invalid
from valuecalc_api.schema_types import PatchModel


def patch_values(body: PatchModel, *, prefix: str = "") -> dict[str, Any]:
    """The fields the client sent, as validated Python values (months stay `Month`).

    `null` is accepted for the model's `NULLABLE` fields only. `prefix` is the body path
    of a nested object (`metric.`) for the error's `field`.
    """
    nullable = body.NULLABLE
    values = {name: getattr(body, name) for name in body.model_fields_set}
    refused = sorted(
        name for name, value in values.items() if value is None and name not in nullable
    )
    if refused:
        raise invalid(
            [
                {
                    "field": prefix + name,
                    "code": "null_not_allowed",
                    "message": f"{prefix}{name} cannot be null.",
                }
                for name in refused
            ]
        )
    return values


def changes_nothing(
    current: object, values: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> bool:
    """Whether every patched field equals the stored one (decimals compare by value).

    `names` maps a body field to the stored attribute where they differ.
    """
    names = names or {}
    return all(getattr(current, names.get(name, name)) == value for name, value in values.items())
