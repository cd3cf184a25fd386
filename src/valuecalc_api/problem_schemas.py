"""The `Problem` and `ProblemError` schemas of the contract (SPEC 6): documentation only.

Every error is RFC 9457 `application/problem+json`, built by `problems.py`; nothing here
changes a response. These models describe those bodies so a client can code against them
(the tests validate real error bodies of the app with them); `openapi_errors` publishes
them as `components.schemas`. Imported only while the document is built, and by tests.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, model_validator
from pydantic.json_schema import SkipJsonSchema

from valuecalc_api.problem_examples import EXAMPLES, TRACKER_PATH
from valuecalc_api.problem_refs import PROBLEM_SCHEMA
from valuecalc_api.problems import PROBLEM_TYPE_BASE
from valuecalc_api.schema_types import MonthText

PROBLEM_ERROR_SCHEMA = "ProblemError"


def _schema_extra(*examples: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` of the problem models: their examples, and no `"default": null`
    on the members that are left out when they do not apply (they are never null)."""

    def extra(schema: dict[str, Any]) -> None:
        for member in schema.get("properties", {}).values():
            if "default" in member and member["default"] is None:
                del member["default"]
        schema["examples"] = [copy.deepcopy(example) for example in examples]

    return extra


class ProblemError(BaseModel):
    """One item of a problem's `errors`: what is wrong, and where.

    A JSON request names the place by `field` (a bulk request adds the `row`); a CSV import
    names the `line` and `column` instead of `field`. Some items carry more (`position`,
    `locked_through`, `candidate_tracker_ids`); unknown members may be added later.
    """

    model_config = ConfigDict(
        title=PROBLEM_ERROR_SCHEMA,
        extra="allow",
        json_schema_extra=_schema_extra(
            {"field": "name", "code": "missing", "message": "Field required"},
            {
                "row": 2,
                "field": "value",
                "code": "invalid_decimal",
                "message": "value must be a decimal number such as \"109000.00\"; got '1,5'.",
            },
            {
                "line": 4,
                "column": "month",
                "code": "month_locked",
                "message": "2026-02 is locked (the tracker is locked through 2026-03); an "
                "admin must move or remove the lock first.",
                "locked_through": "2026-03",
            },
        ),
    )

    field: str | SkipJsonSchema[None] = Field(
        default=None,
        description="The field, as a dotted path into the body (`rows`, `inputs.1.key`), or "
        "`query.<name>`, `path.<name>`, `header.<name>` for a parameter. Absent in a CSV "
        "import's errors, which name `line` and `column`.",
        examples=["tracker_ids.0"],
    )
    code: str = Field(
        description="Stable, machine-readable (snake_case), e.g. `missing`, "
        "`invalid_decimal`, `month_locked`.",
        examples=["invalid_decimal"],
    )
    message: str = Field(description="A sentence a person can act on.")
    row: NonNegativeInt | SkipJsonSchema[None] = Field(
        default=None, description="Bulk requests: the index of the row in `rows` (0-based)."
    )
    line: PositiveInt | SkipJsonSchema[None] = Field(
        default=None, description="CSV import: the line of the file (1-based; 1 is the header)."
    )
    column: str | None = Field(
        default=None,
        description="CSV import: the column of that line; null when the whole file or line "
        "is unreadable.",
    )
    position: NonNegativeInt | SkipJsonSchema[None] = Field(
        default=None,
        description="`formula` errors: the 0-based character offset of the problem.",
    )
    locked_through: MonthText | SkipJsonSchema[None] = Field(
        default=None, description="`month_locked` rows: the last locked month of the tracker."
    )
    candidate_tracker_ids: list[uuid.UUID] | SkipJsonSchema[None] = Field(
        default=None,
        description="`ambiguous_tracker` rows: the trackers the month falls in; send one "
        "as `tracker_id`.",
    )
    current_version: NonNegativeInt | SkipJsonSchema[None] = Field(
        default=None,
        description="`version_mismatch` rows: the stored version of the month (0: no value "
        "yet); resend the row with it as `if_version` after reading the change.",
    )

    @model_validator(mode="after")
    def _names_a_place(self) -> ProblemError:
        if self.field is None and self.line is None:
            raise ValueError("an error names its `field` (or, in a CSV import, its `line`)")
        return self


_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"


class ProblemOut(BaseModel):
    """An error, as RFC 9457 problem details (`application/problem+json`).

    `type` tells the problems apart (its last segment is the problem's name, e.g.
    `month-locked`), `detail` says what to do. Members beyond RFC 9457's belong to some
    problem types only (each says which); more may be added, so ignore unknown ones.
    """

    model_config = ConfigDict(
        title=PROBLEM_SCHEMA,
        extra="allow",
        json_schema_extra=_schema_extra(
            *(
                EXAMPLES[name]["value"]
                for name in (
                    "bulk-rows-invalid",
                    "stale-etag",
                    "month-locked",
                    "idempotency-in-flight",
                    "rate-limited",
                )
            )
        ),
    )

    type: Annotated[str, Field(pattern=f"^{re.escape(PROBLEM_TYPE_BASE)}{_SLUG}$")] = Field(
        description="A URI naming the problem type; stable, compare it as a string.",
        examples=[PROBLEM_TYPE_BASE + "precondition-failed"],
    )
    title: str = Field(
        description="A short summary of the problem type, e.g. `Precondition failed`."
    )
    status: Annotated[int, Field(ge=400, le=599)] = Field(
        description="The HTTP status code of this answer."
    )
    detail: str = Field(description="What went wrong this time, and what to do about it.")
    instance: str = Field(
        description="The path of the request that failed.", examples=[TRACKER_PATH]
    )
    errors: list[ProblemError] | SkipJsonSchema[None] = Field(
        default=None,
        description="`validation-error` (422) and bulk or CSV `month-locked` (423): every "
        "problem found, at once.",
    )
    code: str | SkipJsonSchema[None] = Field(
        default=None,
        description="Problems of the calculation core (type named after it): its error code.",
    )
    current_etag: str | SkipJsonSchema[None] = Field(
        default=None,
        description="`precondition-failed` (412): the ETag of the current version, when "
        "there is one.",
    )
    tracker_id: uuid.UUID | SkipJsonSchema[None] = Field(
        default=None, description="`month-locked` (423): the locked tracker."
    )
    locked_through: MonthText | SkipJsonSchema[None] = Field(
        default=None, description="`month-locked` (423): the tracker's last locked month."
    )
    locked_months: list[MonthText] | SkipJsonSchema[None] = Field(
        default=None, description="`month-locked` (423): the locked months the write would change."
    )
    max_body_bytes: PositiveInt | SkipJsonSchema[None] = Field(
        default=None, description="`request-too-large` (413): the limit for this address."
    )
    max_bytes: PositiveInt | SkipJsonSchema[None] = Field(
        default=None, description="`evidence-too-large` (413): the largest evidence file."
    )
    measurement_count: NonNegativeInt | SkipJsonSchema[None] = Field(
        default=None, description="`has-measurements` (409): how many are in the way."
    )
    tracker_count: NonNegativeInt | SkipJsonSchema[None] = Field(
        default=None,
        description="`customer-has-trackers` (409), `portfolio-too-large` (422): how many.",
    )
    limit: PositiveInt | SkipJsonSchema[None] = Field(
        default=None, description="`portfolio-too-large` (422): the most trackers allowed."
    )
    original_status: Annotated[int, Field(ge=100, le=599)] | SkipJsonSchema[None] = Field(
        default=None,
        description="`idempotency-response-not-stored` (409): the status of the first answer.",
    )
    location: str | SkipJsonSchema[None] = Field(
        default=None,
        description="`idempotency-response-not-stored` (409): the `Location` of the first "
        "answer, if it had one.",
    )
    url: str | SkipJsonSchema[None] = Field(
        default=None, description="`link-has-no-content` (409): the evidence's link."
    )


def problem_component_schemas() -> dict[str, dict[str, Any]]:
    """`Problem` and `ProblemError`, as `components.schemas` entries."""
    schema = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions: dict[str, dict[str, Any]] = schema.pop("$defs", {})
    if set(definitions) != {PROBLEM_ERROR_SCHEMA}:
        raise AssertionError(f"unexpected definitions in the Problem schema: {set(definitions)}")
    return {PROBLEM_SCHEMA: schema, **definitions}
