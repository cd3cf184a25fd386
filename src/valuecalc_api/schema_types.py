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
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    GetPydanticSchema,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
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


# SPEC 2: months run from 1900-01 to 2999-12, so every table and report stays bounded.
FIRST_MONTH = Month.of(1900, 1)
LAST_MONTH = Month.of(2999, 12)
MONTH_RANGE_MESSAGE = f"months run from {FIRST_MONTH} to {LAST_MONTH}."


def _to_month(value: Any) -> Month:
    if isinstance(value, Month):
        month = value
    else:
        try:
            month = _parsed_month(value) if type(value) is str else Month.parse(value)
        except CoreError as error:
            raise PydanticCustomError(error.code, str(error)) from None
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise PydanticCustomError(
            "month_out_of_range", f"{month} is outside the range: " + MONTH_RANGE_MESSAGE
        )
    return month


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
            "format": "decimal",
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


# YYYY-MM from 1900-01 to 2999-12.
MONTH_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
_MONTH_JSON_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": MONTH_PATTERN,
    "description": "A calendar month, YYYY-MM, from 1900-01 to 2999-12.",
    "examples": ["2026-03"],
}

# The documentation of a `YYYY-MM` path or query parameter (read as text, `month_param`).
MONTH_PARAMETER: dict[str, Any] = {"pattern": MONTH_PATTERN}

MonthStr = Annotated[Month, GetPydanticSchema(_month_schema), WithJsonSchema(_MONTH_JSON_SCHEMA)]

# A month the code has already written as `YYYY-MM` (bodies assembled as plain JSON data):
# documented exactly like `MonthStr`, but kept as text.
MonthText = Annotated[
    str, StringConstraints(pattern=MONTH_PATTERN), WithJsonSchema(_MONTH_JSON_SCHEMA)
]


def _decimal_text_schema(description: str, example: str) -> WithJsonSchema:
    """A decimal the code has already written as a string, declared so that generated
    clients can tell it from a name."""
    return WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": r"^-?\d+(\.\d+)?$",
            "description": description,
            "examples": [example],
        }
    )


# Decimals in response bodies assembled as plain JSON data (every decimal already a string,
# in plain notation): the annotation documents them and leaves the text as it is.
MoneyText = Annotated[
    str, _decimal_text_schema("Money: an exact decimal at the currency's minor unit.", "109000.00")
]
RatioText = Annotated[
    str,
    _decimal_text_schema(
        "A ratio as an exact decimal fraction, 4 places (0.5800 = 58 %).", "0.5800"
    ),
]
# A measured value, input, delta or exact sum, exactly as recorded or computed.
DecimalText = Annotated[str, _decimal_text_schema("An exact decimal, as recorded.", "158")]


def _refuse_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer, not a boolean.")
    return value


# After an integer's constraints (`Annotated[int, Field(ge=…), NOT_A_BOOLEAN]`): the field
# takes 3 or 3.0 (both JSON Schema integers) but not true/false, which pydantic's lax mode
# would read as 1 and 0.
NOT_A_BOOLEAN = BeforeValidator(_refuse_bool)

# A money amount that cannot be negative (fees): documented with its sign rule; the
# terms check answers 422 `negative_amount` for a negative one.
AmountStr = Annotated[
    DecimalStr,
    WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": r"^[0-9]{1,15}(\.[0-9]{1,12})?$",
            "description": "An exact, non-negative amount written as a string.",
            "examples": ["4500.00"],
        }
    ),
]

CurrencyCode = Annotated[
    str,
    BeforeValidator(_to_currency),
    WithJsonSchema(
        {
            "type": "string",
            "enum": sorted(MINOR_UNITS),
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
        return _to_month(text)
    except PydanticCustomError as error:
        raise invalid([{"field": field, "code": error.type, "message": error.message()}]) from None


class LongText:
    """Marks a text field as long text (`Annotated[str, LONG_TEXT]`): notes, descriptions,
    pasted data, formulas; tab, line feed and carriage return are allowed there."""


LONG_TEXT = LongText()

# SPEC 2: text never contains control characters (C0, DEL and C1); long text may hold
# tabs and line breaks. PostgreSQL refuses NUL in text outright.
# A lone surrogate (an unpaired "\\ud800" in JSON) is no text either: UTF-8 cannot hold it.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_LONG_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


# The same rules for the contract (ECMA-262 regular expressions).
TEXT_PATTERN = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
LONG_TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
_CONSTRAINED_TEXT = frozenset({"pattern", "format", "enum", "const"})


def document_text_rule(member: dict[str, Any], *, long_text: bool = False) -> None:
    """Give a free-text string schema (no pattern, format or enum of its own; also inside
    `anyOf`) the pattern of the text rule, so the contract says what the API refuses."""
    if _CONSTRAINED_TEXT.intersection(member):
        return
    for branch in (member, *member.get("anyOf", [])):
        if branch.get("type") == "string" and not _CONSTRAINED_TEXT.intersection(branch):
            branch["pattern"] = LONG_TEXT_PATTERN if long_text else TEXT_PATTERN


def control_character(text: str, *, long_text: bool = False) -> str | None:
    """The first control character of `text` that its kind of text may not hold."""
    found = (_CONTROL_IN_LONG_TEXT if long_text else _CONTROL).search(text)
    return found.group() if found else None


def _first_control_character(value: Any, long_text: bool) -> str | None:
    if type(value) is str:
        return control_character(value, long_text=long_text)
    if isinstance(value, list | tuple):
        for item in value:
            found = _first_control_character(item, long_text)
            if found is not None:
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            found = _first_control_character(key, False)
            if found is None:
                found = _first_control_character(item, long_text)
            if found is not None:
                return found
    return None


class InputModel(BaseModel):
    """Base of request bodies: unknown fields are an error, not silently dropped, and no
    text holds a control character (long text excepted: tab and line breaks)."""

    model_config = ConfigDict(extra="forbid")
    _long_text_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._long_text_fields = frozenset(
            name
            for name, field in cls.model_fields.items()
            if any(isinstance(item, LongText) for item in field.metadata)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        reference = handler(core_schema)
        schema = handler.resolve_ref_schema(reference)
        for name, member in schema.get("properties", {}).items():
            document_text_rule(member, long_text=name in cls._long_text_fields)
        return reference

    @model_validator(mode="after")
    def _refuse_control_characters(self) -> Self:
        # One pass over the fields per object, not a validator per field: a bulk request
        # validates 10,000 rows. Nested input models check themselves.
        long_text = self._long_text_fields
        for name, value in self.__dict__.items():
            if value is None or isinstance(value, bool | int | Decimal | BaseModel):
                continue
            found = _first_control_character(value, name in long_text)
            if found is not None:
                raise PydanticCustomError(
                    "control_character",
                    "{field} contains the control character {character}; text may not hold "
                    "control characters (tab and line breaks only in long text such as notes).",
                    {"field": name, "character": f"U+{ord(found):04X}"},
                )
        return self


class PatchModel(InputModel):
    """Base of PATCH bodies: a field left out keeps its value. Only the fields named in
    `NULLABLE` accept `null` (it clears them); the contract declares the others
    non-nullable, and `partial_updates.patch_values` refuses their null with a 422."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        reference = super().__get_pydantic_json_schema__(core_schema, handler)
        schema = handler.resolve_ref_schema(reference)
        for name, member in schema.get("properties", {}).items():
            if name in cls.NULLABLE:
                continue
            if member.get("default", 0) is None:
                del member["default"]
            branches = member.get("anyOf")
            if branches is None:
                continue
            kept = [branch for branch in branches if branch.get("type") != "null"]
            if len(kept) == 1:
                del member["anyOf"]
                member.update(kept[0])
            else:
                member["anyOf"] = kept
        return reference


class OutputModel(BaseModel):
    """Base of response bodies (built from ORM rows or core results)."""

    model_config = ConfigDict(from_attributes=True)


Source = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.:/-]*$",
    ),
    Field(description="Where the value came from: `manual`, `import` or an integration's name."),
]
