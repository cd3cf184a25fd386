"""CSV answers of the signal reports: a header row, then one row per figure. Text cells go
through `reports.csv_export.text_cell` (CSV injection); numbers are written as plain
decimals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from fastapi.responses import Response

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
