"""A tracker's measurements as CSV: the template to fill in, and importing a filled-in file
through the same validation and write as the bulk endpoint (`measurements.writes`).

Template: one line per active calculation and month of the contract period, months in
order, each month's calculations together; months with a measurement come pre-filled
(value, estimate, source), so importing the template back changes nothing. Import: lines
with a blank value are skipped (a blank never removes a stored value); problems are
reported by `line` (1-based, the header is line 1) and `column`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.addressing import tracker_scope
from valuecalc_api.bulk_writes.applying import transient_errors_as_concurrent_write
from valuecalc_api.bulk_writes.row_errors import RowError, RowsRefused, refused
from valuecalc_api.bulk_writes.row_parsing import check_row_count, validate_rows
from valuecalc_api.bulk_writes.schemas import BulkOutcome, MeasurementRow
from valuecalc_api.csv_ingest import repository
from valuecalc_api.csv_ingest.format import (
    TEMPLATE_COLUMNS,
    lines_with_values,
    measurement_rows,
    missing_columns,
    neutralized,
    read_csv,
    write_csv,
)
from valuecalc_api.measurements.writes import write_measurements
from valuecalc_api.problems import invalid
from valuecalc_core.months import Period


async def template(session: AsyncSession, principal: Principal, tracker_id: uuid.UUID) -> bytes:
    """The filled-in-so-far template of the tracker (see the module docstring)."""
    scope = await tracker_scope(session, principal, tracker_id)
    tracker = scope.tracker
    calculations = await repository.active_calculations(
        session, principal.organization_id, tracker.id
    )
    stored = await repository.measurements_of(
        session, principal.organization_id, [c.calculation_id for c in calculations]
    )
    customer = neutralized(scope.customer_external_id or "")
    records = []
    for month in Period(tracker.start_month, tracker.end_month):
        for calculation in calculations:
            value, estimate, source = stored.get(
                (calculation.calculation_id, month), (None, None, None)
            )
            records.append(
                (
                    customer,
                    neutralized(calculation.use_case),
                    calculation.key,
                    neutralized(calculation.name),
                    neutralized(calculation.metric_name),
                    neutralized(calculation.metric_unit),
                    str(month),
                    "" if value is None else format(value, "f"),
                    "" if estimate is None else str(estimate).lower(),
                    "" if source is None else neutralized(source),
                )
            )
    return write_csv(TEMPLATE_COLUMNS, records)


async def import_csv(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID, content: bytes
) -> BulkOutcome:
    """Apply every line with a value, or none; 422 (423) naming each bad line and column."""
    scope = await tracker_scope(session, principal, tracker_id)
    header, lines = read_csv(content)
    missing = missing_columns(header)
    if missing:
        raise invalid(missing, detail="The header lacks required columns; nothing was written.")
    raw_rows, cell_problems = measurement_rows(lines)
    check_row_count(len(raw_rows), "the file (no line has a value)")
    rows, schema_problems = validate_rows(raw_rows, MeasurementRow)
    already = {(problem.row, problem.field) for problem in cell_problems}
    bad_cells = {problem.row for problem in cell_problems}
    problems = [*cell_problems] + [p for p in schema_problems if (p.row, p.field) not in already]
    rows = [None if index in bad_cells else row for index, row in enumerate(rows)]
    numbered = lines_with_values(lines)

    def position(error: RowError) -> dict[str, Any]:
        return {"line": numbered[error.row].line, "column": error.field}

    try:
        async with transient_errors_as_concurrent_write():
            return await write_measurements(
                session, principal, rows, problems, scope, [line.line for line in numbered]
            )
    except RowsRefused as error:
        raise refused(error, position=position, what="line") from None
