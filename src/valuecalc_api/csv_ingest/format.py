"""Measurement CSV files: reading what spreadsheets and automated exports produce, and
writing the template a customer fills in (the seed's "shared spreadsheet" and
"automated CSV exports").

The format is long: one line per calculation and month (columns `TEMPLATE_COLUMNS`),
sorted by month so each month's figures form one block to fill in. Reading accepts
UTF-8 with or without a byte-order mark, `,` `;` or tab as delimiter (chosen by which
one splits the header into known column names), quoted fields and CRLF line ends.
Cells are data, never evaluated: `=1+2` in a value cell is an invalid number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from valuecalc_api.bulk_writes.row_errors import RowError
from valuecalc_api.problems import invalid

TEMPLATE_COLUMNS = (
    "customer_external_id",
    "use_case",
    "calculation_key",
    "calculation_name",
    "metric_name",
    "metric_unit",
    "month",
    "value",
    "estimate",
    "source",
)
# Columns read on import; the others of the template are there for the person filling it in.
ADDRESS_COLUMNS = ("calculation_id", "customer_external_id", "calculation_key", "tracker_id")
DATA_COLUMNS = ("month", "value", "estimate", "source")
KNOWN_COLUMNS = frozenset(TEMPLATE_COLUMNS) | frozenset(ADDRESS_COLUMNS)

_BOM = "\ufeff"
_DELIMITERS = (",", ";", "\t")
# A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# "1,5" or "1,234": refused rather than guessed (decimal comma or thousands separator?).
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
_TRUE = frozenset({"true", "yes", "y", "1", "x"})
_FALSE = frozenset({"false", "no", "n", "0"})


@dataclass(frozen=True, slots=True)
class CsvLine:
    """A data line: its 1-based line number in the file (the header is line 1) and cells."""

    line: int
    cells: dict[str, str]


def _file_problem(code: str, message: str, line: int = 1) -> Exception:
    return invalid(
        [{"line": line, "column": None, "code": code, "message": message}],
        detail="The file cannot be read as CSV; nothing was written.",
    )


def _decode(content: bytes) -> str:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise _file_problem(
            "not_utf8",
            "The file is not UTF-8 text; save it as 'CSV UTF-8' and upload it again.",
            line,
        ) from None
    return text.removeprefix(_BOM)


def _delimiter(header: str) -> str:
    def score(delimiter: str) -> tuple[int, int]:
        names = {name.strip().strip('"').lower() for name in header.split(delimiter)}
        return len(names & KNOWN_COLUMNS), header.count(delimiter)

    return max(_DELIMITERS, key=score)


def read_csv(content: bytes) -> tuple[list[str], list[CsvLine]]:
    """The header's column names (trimmed, lower case) and every non-blank data line."""
    text = _decode(content)
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        raise _file_problem("missing_header", "The first line must name the columns.")
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(header_line), strict=True
    )
    lines: list[CsvLine] = []
    try:
        header = [name.strip().lower() for name in next(reader)]
        read_so_far = reader.line_num
        for record in reader:
            line, read_so_far = read_so_far + 1, reader.line_num
            if any(cell.strip() for cell in record):
                lines.append(CsvLine(line, dict(zip(header, record, strict=False))))
    except csv.Error as error:
        raise _file_problem("malformed_csv", f"Malformed CSV: {error}.", reader.line_num) from None
    return header, lines


def missing_columns(header: Sequence[str]) -> list[dict[str, Any]]:
    """The problems of a header that lacks what every line needs."""
    problems = [
        {"line": 1, "column": name, "code": "missing_column", "message": f"No {name!r} column."}
        for name in ("month", "value")
        if name not in header
    ]
    if "calculation_key" not in header and "calculation_id" not in header:
        problems.append(
            {
                "line": 1,
                "column": "calculation_key",
                "code": "missing_column",
                "message": "No 'calculation_key' (or 'calculation_id') column.",
            }
        )
    return problems


def _text_cell(text: str) -> str:
    """Undo the template's neutralizing quote (`'=x` was written for the text `=x`)."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def measurement_rows(lines: Sequence[CsvLine]) -> tuple[list[dict[str, Any]], list[RowError]]:
    """The JSON-style rows of the lines that have a value, and the problems only a CSV
    cell can have (a decimal comma, a yes/no flag). Row i of the result is `lines'[i]`,
    where `lines'` are the lines with a value; see `lines_with_values`.

    A blank value cell means "not measured yet" and the line is skipped: an import never
    removes a stored value (SPEC: leave a month blank rather than guess).
    """
    rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for line in lines_with_values(lines):
        cells = {name: text.strip() for name, text in line.cells.items() if name in KNOWN_COLUMNS}
        row: dict[str, Any] = {
            name: _text_cell(cells[name]) for name in ADDRESS_COLUMNS if cells.get(name)
        }
        index = len(rows)
        # The value cell is taken as written: a decimal is exactly the contract's form
        # (SPEC 2), with no blanks around it, in a CSV cell as in JSON.
        value = line.cells["value"]
        if _DECIMAL_COMMA.fullmatch(value):
            errors.append(
                RowError(
                    index,
                    "value",
                    "decimal_comma",
                    f"{value!r} has a comma, which may be a decimal comma or a thousands "
                    "separator: write the number with a decimal point and no separators "
                    "(1.5 or 1234, not 1,5 or 1,234).",
                )
            )
        row["month"] = cells.get("month", "")
        row["value"] = value
        flag = cells.get("estimate", "").lower()
        if flag in _TRUE or flag in _FALSE or not flag:
            row["estimate"] = flag in _TRUE
        else:
            errors.append(
                RowError(
                    index,
                    "estimate",
                    "invalid_boolean",
                    f"estimate must be true or false (or left blank); got {cells['estimate']!r}.",
                )
            )
        if cells.get("source"):
            row["source"] = cells["source"]
        rows.append(row)
    return rows, errors


def lines_with_values(lines: Sequence[CsvLine]) -> list[CsvLine]:
    return [line for line in lines if line.cells.get("value", "").strip()]


def neutralized(text: str) -> str:
    """A text cell a spreadsheet will show as text, never run as a formula (OWASP)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(header: Sequence[str], records: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), `,` and CRLF."""
    buffer = io.StringIO()
    buffer.write(_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")
