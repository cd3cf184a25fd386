r"""Field types shared by every schema: exact decimals and months as strings (SPEC 2).

`DecimalStr` accepts exactly the contract's decimal text (SPEC 2,
`^-?\d{1,15}(\.\d{1,12})?$` in ASCII digits) or a JSON integer of at most 15 digits,
and refuses everything else (floats, exponents, blanks, separators, other digits, NaN,
Infinity) with a clear 422; it is always written back as a string.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetPydanticSchema,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from valuecalc_api.problems import invalid
from valuecalc_core.errors import CoreError
from valuecalc_core.money import DECIMAL_PATTERN, MINOR_UNITS, parse_decimal
from valuecalc_core.months import Month

# Text that is certainly a valid value: the contract's form (SPEC 2) in ASCII digits.
# Nearly every value an integration sends is such text and needs no other check.
_PLAIN_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,12})?")


def _to_decimal(value: Any) -> Decimal:
    if type(value) is str and _PLAIN_DECIMAL.fullmatch(value):
        number = Decimal(value)
        return number.copy_abs() if number.is_zero() else number
    try:
        return parse_decimal(value)
    except CoreError as error:
        raise PydanticCustomError(error.code, str(error)) from None


@lru_cache(maxsize=4096)
def _parsed_month(text: str) -> Month:
    # A bulk request repeats the same few dozen months thousands of times; a Month is
    # immutable, so one parse per distinct text is shared (errors are raised, not cached).
    return Month.parse(text)


def _to_month(value: Any) -> Month:
    if isinstance(value, Month):
        return value
    try:
        return _parsed_month(value) if type(value) is str else Month.parse(value)
    except CoreError as error:
        raise PydanticCustomError(error.code, str(error)) from None


def _to_currency(value: Any) -> str:
    if not isinstance(value, str) or value not in MINOR_UNITS:
        raise PydanticCustomError(
            "unknown_currency", "currency must be an ISO 4217 code such as USD, EUR or JPY."
        )
    return value


DecimalStr = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    # Plain notation always: NUMERIC 10000 may come back from asyncpg as Decimal("1E+4").
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DECIMAL_PATTERN,
            "description": "An exact decimal number written as a string: ASCII digits, an "
            "optional leading minus and decimal point, no exponent or blanks. Input also "
            "accepts a JSON integer of at most 15 digits.",
            "examples": ["109000.00"],
        }
    ),
]


def _month_schema(_source: Any, _handler: GetCoreSchemaHandler) -> CoreSchema:
    # Built without the `Month` dataclass's own schema: pydantic would register that as a
    # shared definition in any model with two month fields, and FastAPI would then publish
    # it as bogus `Month-Input`/`Month-Output` components of the OpenAPI contract.
    return core_schema.no_info_plain_validator_function(
        _to_month,
        serialization=core_schema.plain_serializer_function_ser_schema(
            str, return_schema=core_schema.str_schema()
        ),
    )


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_MONTH_JSON_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": MONTH_PATTERN,
    "description": "A calendar month, YYYY-MM.",
    "examples": ["2026-03"],
}

MonthStr = Annotated[Month, GetPydanticSchema(_month_schema), WithJsonSchema(_MONTH_JSON_SCHEMA)]

# A month the code has already written as `YYYY-MM` (bodies assembled as plain JSON data):
# documented exactly like `MonthStr`, but kept as text.
MonthText = Annotated[
    str, StringConstraints(pattern=MONTH_PATTERN), WithJsonSchema(_MONTH_JSON_SCHEMA)
]

CurrencyCode = Annotated[
    str,
    BeforeValidator(_to_currency),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[A-Z]{3}$",
            "description": "ISO 4217 code.",
            "examples": ["USD"],
        }
    ),
]


def month_param(text: str, field: str = "month") -> Month:
    """A `YYYY-MM` path or query parameter as a Month; 422 naming `field` if it is not one.

    FastAPI takes only plain types as parameters, so months arrive as text.
    """
    try:
        return Month.parse(text)
    except CoreError as error:
        raise invalid([{"field": field, "code": error.code, "message": str(error)}]) from None


class InputModel(BaseModel):
    """Base of request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class OutputModel(BaseModel):
    """Base of response bodies (built from ORM rows or core results)."""

    model_config = ConfigDict(from_attributes=True)
