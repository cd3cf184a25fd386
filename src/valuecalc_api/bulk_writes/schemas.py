"""Request rows and response bodies of the bulk endpoints (SPEC 6 "Bulk endpoints").

A row names its calculation EITHER by id (`calculation_id`) OR by the stable keys an
integration knows (`customer_external_id` + `calculation_key`, optionally `tracker_id`);
which combination is allowed where is checked in `addressing`, so every problem of a
row is reported with the field it concerns.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi.responses import Response
from pydantic import ConfigDict, Field, StrictBool, StringConstraints

from valuecalc_api.schema_types import (
    NOT_A_BOOLEAN,
    DecimalStr,
    InputModel,
    MonthStr,
    MonthText,
    OutputModel,
    Source,
)
from valuecalc_core.months import Month
from valuecalc_core.write_plan import RowStatus

MAX_ROWS = 10_000

ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CalculationKey = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
]
InputKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=63)]


_CALCULATION_ID = "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"
# The seed's support-ticket measurements (SPEC 3, V1), addressed by the keys a CRM knows.
MEASUREMENT_ROWS_EXAMPLE: list[dict[str, Any]] = [
    {
        "customer_external_id": "crm-0042",
        "calculation_key": "ticket-handling",
        "month": month,
        "value": value,
        "source": "zendesk",
    }
    for month, value in (("2026-01", "121"), ("2026-02", "130"), ("2026-03", "158"))
]
# The same three months as a CSV import (the template's columns that are read back).
CSV_IMPORT_EXAMPLE = (
    "customer_external_id,calculation_key,month,value,estimate,source\r\n"
    "crm-0042,ticket-handling,2026-01,121,false,\r\n"
    "crm-0042,ticket-handling,2026-02,130,false,\r\n"
    "crm-0042,ticket-handling,2026-03,158,false,\r\n"
)
# SPEC 3, V2: 15 reps from June on.
INPUT_CHANGE_ROWS_EXAMPLE: list[dict[str, Any]] = [
    {"calculation_id": _CALCULATION_ID, "input_key": "reps", "month": "2026-06", "value": "15"}
]


class RowAddress(InputModel):
    calculation_id: uuid.UUID | None = Field(
        default=None, description="The calculation's id; or address it by keys instead."
    )
    customer_external_id: ExternalId | None = Field(
        default=None,
        description="The customer's id in your CRM (`external_id`); with `calculation_key`.",
    )
    calculation_key: CalculationKey | None = Field(
        default=None, description="The calculation's key, unique within its tracker."
    )
    tracker_id: uuid.UUID | None = Field(
        default=None,
        description="Only needed when the month falls in several trackers of the customer.",
    )
    month: MonthStr
    if_version: Annotated[int, Field(ge=0), NOT_A_BOOLEAN] | None = Field(
        default=None,
        description="Optimistic concurrency, per row: apply the request only if the stored "
        "value of this month has this `version` (0: only if there is none yet). Any row "
        "whose version differs refuses the whole request (412 `precondition-failed` when "
        "that is the only problem), so a change made since you read is never overwritten.",
    )


class MeasurementRow(RowAddress):
    """One calculation-month: set its measurement, or blank it out with `value: null`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                MEASUREMENT_ROWS_EXAMPLE[2],
                {"calculation_id": _CALCULATION_ID, "month": "2026-04", "value": None},
            ]
        }
    )

    value: DecimalStr | None = Field(description="The metric's value; null removes it.")
    estimate: StrictBool = False
    source: Source | None = Field(
        default=None,
        description="Where the value came from; `import` when left out. A row that leaves "
        "it out and repeats the stored value and flag is unchanged (the stored source stays).",
    )


class InputChangeRow(RowAddress):
    """The value of input `input_key` from `month` on; `value: null` removes that change."""

    model_config = ConfigDict(json_schema_extra={"examples": [*INPUT_CHANGE_ROWS_EXAMPLE]})

    input_key: InputKey
    value: DecimalStr | None = Field(description="The input's value; null removes the change.")


class BulkCounts(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"created": 2, "updated": 1, "unchanged": 0, "deleted": 0}]}
    )

    created: int
    updated: int
    unchanged: int
    deleted: int


class RowResult(OutputModel):
    """What happened to one row; `id` is null for a removal of a value that did not exist."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "9b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
                    "status": "created",
                    "calculation_id": _CALCULATION_ID,
                    "month": "2026-03",
                    "input_key": None,
                    "line": None,
                }
            ]
        }
    )

    id: uuid.UUID | None
    status: RowStatus
    calculation_id: uuid.UUID
    month: MonthText
    input_key: str | None = None
    line: int | None = Field(default=None, description="The CSV line, for an import.")


class BulkResult(OutputModel):
    """Counts, then one result per request row, in the request's order."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "counts": {"created": 2, "updated": 1, "unchanged": 0, "deleted": 0},
                    "rows": [
                        {
                            "id": row_id,
                            "status": status,
                            "calculation_id": _CALCULATION_ID,
                            "month": month,
                            "input_key": None,
                            "line": None,
                        }
                        for row_id, status, month in (
                            ("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "updated", "2026-01"),
                            ("8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e", "created", "2026-02"),
                            ("9b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3", "created", "2026-03"),
                        )
                    ],
                }
            ]
        }
    )

    counts: BulkCounts
    rows: list[RowResult]


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What a bulk write did, serialized as `BulkResult` without building a pydantic object
    per row (at 10,000 rows those cost more than the write's SQL). Each row is a dict with
    every `RowResult` key (tests check the shape against `BulkResult`); `body` is the JSON
    answer, encoded once when the outcome is made (`of`), so a service can do that while
    the database is still writing."""

    rows: list[dict[str, Any]]
    body: bytes

    @classmethod
    def of(cls, rows: list[dict[str, Any]]) -> BulkOutcome:
        content = {"counts": _counts(rows), "rows": rows}
        body = json.dumps(content, separators=(",", ":"), ensure_ascii=False)
        return cls(rows, body.encode("utf-8"))

    def counts(self) -> dict[str, int]:
        return _counts(self.rows)

    def response(self) -> Response:
        return Response(self.body, media_type="application/json")


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    found = dict.fromkeys(RowStatus, 0)
    for row in rows:
        found[row["status"]] += 1
    return {status.value: count for status, count in found.items()}


def row_result(
    row_id: uuid.UUID | None,
    status: RowStatus,
    calculation_id: uuid.UUID,
    month: Month,
    input_key: str | None = None,
    line: int | None = None,
) -> dict[str, Any]:
    """One `RowResult` as plain JSON data."""
    return {
        "id": None if row_id is None else str(row_id),
        "status": status.value,
        "calculation_id": str(calculation_id),
        "month": str(month),
        "input_key": input_key,
        "line": line,
    }


def _inline_refs(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/$defs/"):
            return _inline_refs(definitions[reference.removeprefix("#/$defs/")], definitions)
        return {key: _inline_refs(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, definitions) for item in node]
    return node


_BULK_EXAMPLES: dict[str, dict[str, Any]] = {
    "MeasurementRow": {
        "summary": "Three months of the support-ticket metric",
        "value": {"rows": MEASUREMENT_ROWS_EXAMPLE},
    },
    "InputChangeRow": {
        "summary": "15 reps from June on",
        "value": {"rows": INPUT_CHANGE_ROWS_EXAMPLE},
    },
}


def bulk_body_schema(
    row: type[InputModel], example: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The OpenAPI request body `{"rows": [...]}`: the routes read the body themselves so
    each bad row can be reported by index (FastAPI's own validation would not). `example`
    (`{"summary": …, "value": {"rows": […]}}`) for row models other than this module's."""
    row_schema = row.model_json_schema()
    definitions = row_schema.pop("$defs", {})
    example = example or _BULK_EXAMPLES[row.__name__]
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["rows"],
                    "properties": {
                        "rows": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": MAX_ROWS,
                            "items": _inline_refs(row_schema, definitions),
                        }
                    },
                },
                "examples": {"rows": example},
            }
        },
    }
