"""Request and response bodies of benefit calculations (SPEC 3 "Objects", "Formula").

The example is the seed's support-ticket calculation (SPEC 3, worked example V1).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, WithJsonSchema, field_validator

from valuecalc_api.schema_types import (
    LONG_TEXT,
    NOT_A_BOOLEAN,
    DecimalStr,
    InputModel,
    OutputModel,
    PatchModel,
)
from valuecalc_core.formula import BUILTIN_VARIABLES

INPUT_KEY_PATTERN = r"^[a-z_][a-z0-9_]{0,62}$"
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
CalculationKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9]+([_-][a-z0-9]+)*$"),
    Field(description="A stable slug, unique in the tracker, e.g. `ticket-handling`."),
]
InputKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=63, pattern=INPUT_KEY_PATTERN),
    Field(description="The input's name in the formula, e.g. `cost_per_rep_month`."),
]
# Besides the built-in variables, the formula language's reserved words.
RESERVED_INPUT_KEYS = frozenset(BUILTIN_VARIABLES) | {"and", "or", "not"}
Kind = Literal["cost_savings", "revenue_increase", "cost_avoidance", "other"]
Direction = Literal["higher_is_better", "lower_is_better"]
MAX_INPUTS = 50
MAX_RAMP_STEPS = 240
# Longer than the formula language accepts, so its own limit answers with a position.
MAX_FORMULA_BODY = 10_000

_METRIC_EXAMPLE: dict[str, Any] = {
    "name": "Avg. tickets handled per day",
    "unit": "tickets/day",
    "baseline": "100",
    "direction": "higher_is_better",
    "target": "150",
}
_INPUTS_EXAMPLE: list[dict[str, Any]] = [
    {"key": "reps", "name": "# of reps", "unit": "reps", "initial_value": "10"},
    {
        "key": "cost_per_rep_month",
        "name": "Cost per rep per month",
        "unit": "USD/month",
        "initial_value": "10000",
    },
]
_RAMP_EXAMPLE: list[dict[str, Any]] = [
    {"from_month": 1, "share": "0.5"},
    {"from_month": 4, "share": "1"},
]
_CALCULATION_EXAMPLE: dict[str, Any] = {
    "key": "ticket-handling",
    "name": "Support cost savings",
    "kind": "cost_savings",
    "metric": _METRIC_EXAMPLE,
    "inputs": _INPUTS_EXAMPLE,
    "formula": "improvement * reps * cost_per_rep_month",
    "ramp": _RAMP_EXAMPLE,
}


def _not_reserved(key: str) -> str:
    if key in RESERVED_INPUT_KEYS:
        raise ValueError(
            f"{key!r} is a name the formula already uses; choose another input key "
            f"(reserved: {', '.join(sorted(RESERVED_INPUT_KEYS))})."
        )
    return key


class MetricIn(InputModel):
    """The improvement metric measured each month: `delta` and `improvement` derive from it."""

    model_config = ConfigDict(json_schema_extra={"examples": [_METRIC_EXAMPLE]})

    name: Name
    unit: Unit = ""
    baseline: DecimalStr
    direction: Direction
    target: DecimalStr | None = None


class MetricPatch(PatchModel):
    """Metric fields to change; `target: null` removes the target."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"target": "160"}]})
    NULLABLE = frozenset({"target"})

    name: Name | None = None
    unit: Unit | None = None
    baseline: DecimalStr | None = None
    direction: Direction | None = None
    target: DecimalStr | None = None


class InputIn(InputModel):
    """An input of the calculation with its value from the contract's first month."""

    model_config = ConfigDict(json_schema_extra={"examples": [_INPUTS_EXAMPLE[0]]})

    key: InputKey
    name: Name
    unit: Unit = ""
    initial_value: DecimalStr

    _check_key = field_validator("key")(_not_reserved)


class InputPatchItem(InputModel):
    """An input in a PATCH's full list: a new key needs `initial_value`; for an existing
    one, `initial_value` (optional) replaces the value at the contract's first month."""

    model_config = ConfigDict(json_schema_extra={"examples": [_INPUTS_EXAMPLE[0]]})

    key: InputKey
    name: Name
    unit: Unit = ""
    initial_value: DecimalStr | None = None

    _check_key = field_validator("key")(_not_reserved)


class RampStepIn(InputModel):
    """From contract month `from_month` (1 = the first) the projection reaches `share`
    (0 to 1) of the target improvement."""

    model_config = ConfigDict(json_schema_extra={"examples": [_RAMP_EXAMPLE[0]]})

    from_month: Annotated[int, Field(ge=1, le=1200), NOT_A_BOOLEAN]
    share: Annotated[
        DecimalStr,
        WithJsonSchema(
            {
                "type": "string",
                "pattern": r"^(0(\.[0-9]{1,12})?|1(\.0{1,12})?)$",
                "description": "A fraction from 0 to 1 (0.5 is 50 %), as a decimal string.",
                "examples": ["0.5"],
            }
        ),
    ]

    @field_validator("share")
    @classmethod
    def _fraction(cls, share: Decimal) -> Decimal:
        if not Decimal(0) <= share <= Decimal(1):
            raise ValueError("share is a fraction from 0 to 1 (0.5 is 50 %).")
        return share


# Not stripped: an error's `position` must point into the text exactly as sent.
Formula = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_FORMULA_BODY),
    LONG_TEXT,
    Field(
        description="The monthly benefit in the tracker's currency. Variables: the input keys, "
        "`metric`, `baseline`, `target`, `improvement`, `delta`; operators `+ - * / ( )`; "
        "functions `min`, `max`, `abs`, `round`, `if(cond, a, b)`."
    ),
]


class CalculationCreate(InputModel):
    """A benefit calculation; the formula is checked against the inputs when saved."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CALCULATION_EXAMPLE]})

    key: CalculationKey
    name: Name
    kind: Kind
    metric: MetricIn
    inputs: list[InputIn] = Field(default_factory=list, max_length=MAX_INPUTS)
    formula: Formula
    ramp: list[RampStepIn] = Field(default_factory=list, max_length=MAX_RAMP_STEPS)


class CalculationPatch(PatchModel):
    """Fields to change. `inputs` is the full new list (inputs left out are removed with
    their changes); `ramp` replaces the ramp. The formula is re-checked either way."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "formula": "improvement * reps * cost_per_rep_month * 0.9",
                    "metric": {"target": "160"},
                }
            ]
        }
    )

    key: CalculationKey | None = None
    name: Name | None = None
    kind: Kind | None = None
    metric: MetricPatch | None = None
    inputs: list[InputPatchItem] | None = Field(default=None, max_length=MAX_INPUTS)
    formula: Formula | None = None
    ramp: list[RampStepIn] | None = Field(default=None, max_length=MAX_RAMP_STEPS)


class MetricOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_METRIC_EXAMPLE]})

    name: str
    unit: str
    baseline: DecimalStr
    direction: Direction
    target: DecimalStr | None


class InputOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_INPUTS_EXAMPLE[0]]})

    key: str
    name: str
    unit: str
    initial_value: DecimalStr = Field(description="The value at the contract's first month.")


class RampStepOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_RAMP_EXAMPLE[0]]})

    from_month: int
    share: DecimalStr


class FormulaWarningOut(OutputModel):
    """A valid formula that uses a value this calculation does not define."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "undefined_target",
                    "variable": "target",
                    "message": "The formula uses 'target', but the metric has no target: ...",
                }
            ]
        }
    )

    code: Literal["undefined_target", "undefined_improvement"] = Field(
        description="The error code months get when the branch their formula takes uses it."
    )
    variable: str
    message: str


class CalculationOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
                    "tracker_id": "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
                    "use_case_id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                    **_CALCULATION_EXAMPLE,
                    "warnings": [],
                    "version": 1,
                    "created_at": "2026-01-05T09:30:00Z",
                    "updated_at": "2026-01-05T09:30:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    tracker_id: uuid.UUID
    use_case_id: uuid.UUID
    key: str
    name: str
    kind: Kind
    metric: MetricOut
    inputs: list[InputOut]
    formula: str
    ramp: list[RampStepOut]
    warnings: list[FormulaWarningOut] = Field(
        description="What will make months fail although the formula is valid: `target` "
        "without a target, `improvement` with a baseline of 0. Empty when none."
    )
    version: int = Field(description="Incremented on every change of the calculation.")
    created_at: datetime
    updated_at: datetime
