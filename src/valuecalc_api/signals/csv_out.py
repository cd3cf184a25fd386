"""CSV answers of the signal reports (a header row, then one row per figure) and of the raw
signal lists (one row per record). Text cells go through `reports.csv_export.text_cell`
(CSV injection); numbers are written as plain decimals."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import Response
from pydantic import BaseModel

from valuecalc_api.reports.csv_export import csv_response, render, text_cell


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return text_cell(value)
    return str(value)


def csv_table(head: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    return csv_response(
        render([list(head), *([_cell(value) for value in row] for row in rows)]), filename
    )


CSV_OK: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The figures as CSV (UTF-8, comma-separated, a header row).",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


def one_decimal(days: Decimal | None) -> Decimal | None:
    """A median or percentile of days as served: one decimal (ROUND_HALF_EVEN)."""
    return None if days is None else days.quantize(Decimal("0.1"))


# --- raw signal records ---------------------------------------------------------------

CSV_MAX_ROWS = 10_000
CsvLimitQuery = Annotated[
    int,
    Query(
        ge=1,
        le=CSV_MAX_ROWS,
        description=f"Rows in this file (1-{CSV_MAX_ROWS:,}, default {CSV_MAX_ROWS:,}); when "
        "more match, `Valuecalc-Next-Cursor` names the next file's `cursor`.",
    ),
]
NEXT_CURSOR_HEADER = "Valuecalc-Next-Cursor"

RECORDS_CSV_OK: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The records as CSV (UTF-8, comma-separated, CRLF): a header row of the "
        "JSON list's field names, then one row per record in the same order with the same "
        "values (text starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed "
        "with `'`; an empty cell is null).",
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "headers": {
            NEXT_CURSOR_HEADER: {
                "description": "Present when more records match: pass it as `cursor`.",
                "schema": {"type": "string"},
            }
        },
    }
}


def _record_cell(value: Any) -> str | None:
    """A JSON value of a record as a cell: text neutralized, true/false, null empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return text_cell(value)
    if isinstance(value, list | dict):
        return text_cell(json.dumps(value, separators=(",", ":")))
    return str(value)


def records_csv(
    model: type[BaseModel],
    records: Sequence[BaseModel],
    next_cursor: str | None,
    filename: str,
) -> Response:
    """One row per record: the JSON list's fields as columns, its values as cells (decimals
    stay the exact strings of the JSON answer)."""
    head = list(model.model_fields)
    rows = [[_record_cell(value) for value in record.model_dump(mode="json").values()]
            for record in records]  # fmt: skip
    response = csv_response(render([head, *rows]), filename)
    if next_cursor is not None:
        response.headers[NEXT_CURSOR_HEADER] = next_cursor
    return response
