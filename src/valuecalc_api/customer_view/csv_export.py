"""The book as CSV: one line per customer, the JSON rows' figures as plain text."""

from __future__ import annotations

from typing import Any

from valuecalc_api.reports.csv_export import render, text_cell
from valuecalc_api.reports.formats import plain

BOOK_HEAD: list[str | None] = [
    "customer_id",
    "name",
    "external_id",
    "segment",
    "owner",
    "arr",
    "arr_currency",
    "renewal_date",
    "health_profile",
    "health_profile_version",
    "score",
    "band",
    "override_score",
    "override_band",
    "pulse",
    "pulse_recorded_on",
    "pulse_reason_codes",
    "days_since_last_touch",
]


def _text(value: str | None) -> str | None:
    return None if value is None else text_cell(value)


def book_csv(rows: list[dict[str, Any]]) -> str:
    lines: list[list[str | None]] = [list(BOOK_HEAD)]
    for row in rows:
        arr, health, pulse = row["arr"], row["health"], row["pulse"]
        lines.append(
            [
                str(row["customer_id"]),
                text_cell(row["name"]),
                _text(row["external_id"]),
                _text(row["segment"]),
                _text(row["owner"]),
                None if arr is None else plain(arr["amount"]),
                None if arr is None else arr["currency"],
                None,
                None if health is None else text_cell(health["profile"]["name"]),
                None if health is None else str(health["profile"]["version"]),
                None if health is None else plain(health["score"]),
                None if health is None or health["band"] is None else str(health["band"]),
                None if health is None else plain(health["override_score"]),
                None
                if health is None or health["override_band"] is None
                else str(health["override_band"]),
                None if pulse is None else pulse["status"],
                None if pulse is None else pulse["recorded_on"].isoformat(),
                None if pulse is None else " ".join(pulse["reason_codes"]),
                None,
            ]
        )
    return render(lines)
