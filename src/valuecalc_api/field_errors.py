"""One entry of a 422's `errors` list: the field, a code for programs, a sentence.

A validation that reports every problem at once collects them and raises
`problems.invalid(errors)`.
"""

from __future__ import annotations

from typing import Any

FieldError = dict[str, Any]


def field_error(field: str, code: str, message: str, **extra: Any) -> FieldError:
    return {"field": field, "code": code, "message": message, **extra}
