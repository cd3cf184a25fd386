"""A metric's trend as the reports and the Measurements tab write it (rules: `valuecalc_core.trend`).

`trend` is the headline a CSM acts on; `trend_detail` says what happened over the whole
series and what is happening now, with the month a recent stall or decline began.
"""

from __future__ import annotations

from collections.abc import Sequence

from valuecalc_api.reports.tables import Payload
from valuecalc_core.months import Month
from valuecalc_core.trend import Trend, TrendReading

_WHOLE_WORDS = {
    Trend.STEADY_CLIMB: "climbed steadily",
    Trend.ACCELERATING: "accelerated",
    Trend.FLAT: "stayed flat",
    Trend.DECLINING: "declined",
    Trend.VOLATILE: "moved up and down",
    Trend.INSUFFICIENT_DATA: "has fewer than 3 measurements",
}


def trend_detail(reading: TrendReading, measured_months: Sequence[Month]) -> Payload:
    """The reading with `since` as a month and a one-line summary for a person."""
    since = None if reading.since is None else str(measured_months[reading.since])
    summary = _WHOLE_WORDS[reading.whole]
    if since is not None:
        now = "flat" if reading.headline is Trend.FLAT else "declining"
        summary = (
            f"{summary}, {now} for the last {reading.since_count} measured months (since {since})"
        )
    return {
        "headline": reading.headline.value,
        "whole_series": reading.whole.value,
        "recent": reading.recent.value,
        "recent_months": reading.recent_count,
        "since": since,
        "since_months": reading.since_count if since is not None else None,
        "summary": summary,
    }
