"""Which calendar days a signal may carry (SPEC 2: 1900-01 to 2999-12) and the rule that
an event cannot have happened after today (the organization's today, an argument)."""

from __future__ import annotations

from datetime import date

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def day_problems(field: str, value: date, today: date | None = None) -> list[tuple[str, str, str]]:
    """(field, code, message) if `value` is out of range or, with `today`, after it."""
    if not FIRST_DAY <= value <= LAST_DAY:
        return [(field, "date_out_of_range", f"{field} must be from {FIRST_DAY} to {LAST_DAY}.")]
    if today is not None and value > today:
        return [(field, "date_in_future", f"{field} {value} is after today ({today}).")]
    return []
