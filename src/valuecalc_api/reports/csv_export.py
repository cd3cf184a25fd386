"""Reports as CSV for spreadsheets (SPEC 6: `Accept: text/csv` or `?format=csv`).

A measurement table becomes one CSV row per table row and one column per month, the
last column the total: the seed's layout. Names and units are user text, so a text
cell starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` so a
spreadsheet shows it instead of running it as a formula (OWASP "CSV injection").
Numbers are written by us and never altered (a negative benefit stays `-5000.00`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi import Response

from valuecalc_api.reports.tables import Payload

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | None
Row = list[Cell]


def text_cell(value: str) -> str:
    """User text made safe for a spreadsheet cell."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def render(rows: Iterable[Sequence[Cell]]) -> str:
    """RFC 4180 text (CRLF line ends); None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return buffer.getvalue()


def csv_response(text: str, filename: str) -> Response:
    return Response(
        content=text,
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- measurement tables --------------------------------------------------------------

TABLE_HEAD = ["use_case", "status", "counted", "calculation", "row", "unit"]


def _attached(note: bool, evidence: bool) -> str:
    """What a month has attached, for the spreadsheet's marker row."""
    return " + ".join(name for name, present in (("note", note), ("evidence", evidence)) if present)


def _calculation_rows(prefix: Row, calc: Payload, currency: str) -> list[Row]:
    metric = calc["metric"]
    label: Row = [*prefix, text_cell(calc["name"])]
    metric_unit = text_cell(metric["unit"])
    rows: list[Row] = [
        [*label, text_cell(metric["name"]), metric_unit, *calc["metric_values"], None],
        [*label, "provenance", "", *calc["provenance"], None],
        [
            *label,
            "note / evidence",
            "",
            *map(_attached, calc["has_note"], calc["has_evidence"]),
            None,
        ],
    ]
    rows += [
        [*label, text_cell(i["name"]), text_cell(i["unit"]), *i["values"], None]
        for i in calc["inputs"]
    ]
    notes = [e or r for e, r in zip(calc["error"], calc["no_benefit_reason"], strict=True)]
    rows += [
        [*label, "delta", metric_unit, *calc["delta"], None],
        [*label, "improvement", "ratio", *calc["improvement"], None],
        [*label, "monthly benefit", currency, *calc["benefit"], calc["total_benefit"]],
        [*label, "benefit note", "", *notes, None],
    ]
    return rows


def _use_case_rows(use_case: Payload, currency: str) -> list[Row]:
    prefix: Row = [
        text_cell(use_case["name"]),
        use_case["status"],
        "yes" if use_case["counted"] else "no",
    ]
    rows: list[Row] = []
    for calc in use_case["calculations"]:
        rows += _calculation_rows(prefix, calc, currency)
    rows.append(
        [*prefix, "", "use case benefit", currency, *use_case["benefit"], use_case["total_benefit"]]
    )
    return rows


def tracker_table_csv(table: Payload) -> str:
    """Every use case's rows, then the tracker's benefit (active use cases only)."""
    currency = table["currency"]
    rows: list[Row] = [[*TABLE_HEAD, *table["months"], "total"]]
    for use_case in table["use_cases"]:
        rows += _use_case_rows(use_case, currency)
    rows.append(
        [
            "",
            "",
            "",
            "",
            "tracker benefit (active use cases)",
            currency,
            *table["benefit"],
            table["total_benefit"],
        ]
    )
    return render(rows)


def use_case_table_csv(table: Payload) -> str:
    rows: list[Row] = [[*TABLE_HEAD, *table["months"], "total"]]
    rows += _use_case_rows(table["use_case"], table["currency"])
    return render(rows)


# --- the report's monthly figures ----------------------------------------------------


def report_monthly_csv(report: Payload) -> str:
    """The tracker's realized, projected, variance and cost per month (rows) by month
    (columns), each with its total; cumulative rows end with the final cumulative value."""
    monthly = report["monthly"]
    totals = report["totals"]
    currency = report["tracker"]["currency"]
    lines = [
        ("realized benefit", monthly["realized"], totals["realized"]),
        ("projected benefit", monthly["projected"], totals["projected"]),
        ("variance", monthly["variance"], totals["variance"]),
        ("cost", monthly["cost"], totals["cost"]),
        ("cumulative realized benefit", monthly["cumulative_realized"], totals["realized"]),
        ("cumulative projected benefit", monthly["cumulative_projected"], totals["projected"]),
        ("cumulative cost", monthly["cumulative_cost"], totals["cost"]),
    ]
    rows: list[Row] = [["row", "unit", *report["months"], "total"]]
    rows += [[label, currency, *values, total] for label, values, total in lines]
    return render(rows)
