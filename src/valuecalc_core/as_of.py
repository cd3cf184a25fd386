"""The last month a tracker's report covers, given the month asked for (SPEC 3).

Nothing asked: the contract's last month. A later month is clipped to it: the contract is
over, its figures are final. A month before the contract starts has nothing to report.
"""

from __future__ import annotations

from valuecalc_core.errors import CoreError
from valuecalc_core.months import Month, Period


class MonthBeforePeriodError(CoreError):
    code = "month_before_period"


def report_as_of(asked: Month | None, period: Period) -> Month:
    """The report's last month for `asked` (None: not asked) in the contract `period`;
    raises MonthBeforePeriodError for a month before the period starts."""
    if asked is None:
        return period.last
    if asked < period.first:
        raise MonthBeforePeriodError(f"{asked} is before the contract period {period} starts.")
    return min(asked, period.last)
