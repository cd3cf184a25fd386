"""Reading the rows of a bulk request: the `{"rows": [...]}` envelope, its size limits, and
each row's schema, with every bad row kept for the report instead of stopping at the first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from valuecalc_api.bulk_writes.row_errors import RowError, schema_errors
from valuecalc_api.bulk_writes.schemas import MAX_ROWS
from valuecalc_api.problems import Problem, invalid
from valuecalc_api.schema_types import InputModel

R = TypeVar("R", bound=InputModel)

_LIST_ADAPTERS: dict[type[InputModel], TypeAdapter[Any]] = {}


def _list_adapter(model: type[InputModel]) -> TypeAdapter[Any]:
    """`list[model]`'s validator, built once per row model."""
    adapter = _LIST_ADAPTERS.get(model)
    if adapter is None:
        adapter = _LIST_ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return adapter


def _rows_problem(code: str, message: str) -> Problem:
    return invalid([{"field": "rows", "code": code, "message": message}])


def check_row_count(count: int, what: str = "rows") -> None:
    """422 for an empty request or one over the limit of `MAX_ROWS` rows."""
    if count == 0:
        raise _rows_problem("too_short", f"Send at least one row; {what} is empty.")
    if count > MAX_ROWS:
        raise _rows_problem(
            "too_long",
            f"A bulk request takes at most {MAX_ROWS:,} rows; this one has {count:,}. "
            "Split it into several requests.",
        )


def rows_of_body(body: bytes) -> list[Any]:
    """The `rows` list of a JSON body `{"rows": [...]}`; 422 if the envelope is wrong."""
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise invalid(
            [{"field": "body", "code": "json_invalid", "message": "The body is not valid JSON."}]
        ) from None
    if not isinstance(payload, dict):
        raise invalid([{"field": "body", "code": "model_type", "message": 'Send {"rows": [...]}.'}])
    unknown = sorted(set(payload) - {"rows"})
    if unknown:
        raise invalid(
            [
                {"field": name, "code": "extra_forbidden", "message": "Unknown field."}
                for name in unknown
            ]
        )
    rows = payload.get("rows")
    if not isinstance(rows, list):
        raise _rows_problem("list_type", "rows must be a list of row objects.")
    check_row_count(len(rows))
    return rows


def validate_rows(raw_rows: Sequence[Any], model: type[R]) -> tuple[list[R | None], list[RowError]]:
    """Each row as `model`, or None where it is invalid (its problems are in the list).

    The whole list is validated in one call first (fast); only when something is wrong
    is each row validated on its own, so every valid row still gets its later checks.
    """
    try:
        rows: list[R] = _list_adapter(model).validate_python(raw_rows)
    except ValidationError:
        pass
    else:
        return list(rows), []
    parsed: list[R | None] = []
    errors: list[RowError] = []
    for index, raw in enumerate(raw_rows):
        try:
            parsed.append(model.model_validate(raw))
        except ValidationError as error:
            parsed.append(None)
            errors.extend(schema_errors(index, error))
    return parsed, errors
