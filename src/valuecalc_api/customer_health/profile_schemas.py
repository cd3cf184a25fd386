"""Request and response bodies of `/v1/health-profiles` (SPEC 5)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictBool, StringConstraints, WithJsonSchema

from valuecalc_api.actors.schemas import AUTHOR_EXAMPLE, AuthorOut
from valuecalc_api.schema_types import TEXT_PATTERN, DecimalStr, InputModel, OutputModel
from valuecalc_core.health.profile import MAX_INDICATORS, MIN_INDICATORS, IndicatorKind

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# A list item: the model's control-character rule applies to it, documented here, and it
# is stripped, so it must hold more than blanks.
NON_BLANK_TEXT_PATTERN = "^(?=.*\\S)" + TEXT_PATTERN.removeprefix("^")
Segment = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": 100, "pattern": NON_BLANK_TEXT_PATTERN}
    ),
]

PROFILE_ID = "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e"
INDICATORS_EXAMPLE: list[dict[str, Any]] = [
    {"kind": "value_realization", "weight": "40", "zero_at": "50", "full_at": "100"},
    {"kind": "pulse", "weight": "30", "zero_at": "0", "full_at": "100"},
    {"kind": "days_since_last_touch", "weight": "20", "zero_at": "30", "full_at": "7"},
    {
        "kind": "net_revenue_retention",
        "weight": "10",
        "zero_at": "80",
        "full_at": "110",
        "window_days": 365,
    },
]
BANDS_EXAMPLE: dict[str, Any] = {"yellow_from": "40", "green_from": "70"}
PROFILE_EXAMPLE: dict[str, Any] = {
    "name": "Standard",
    "is_default": True,
    "segments": [],
    "indicators": INDICATORS_EXAMPLE,
    "bands": BANDS_EXAMPLE,
}


class IndicatorDefinition(InputModel):
    """One indicator: what it reads, its weight, and its linear 0-100 mapping: 0 points at or
    below `zero_at`, 100 at or above `full_at` (with `full_at < zero_at`: lower is better)."""

    model_config = ConfigDict(json_schema_extra={"examples": [INDICATORS_EXAMPLE[2]]})

    kind: IndicatorKind = Field(
        description="value_realization (% of the projected value realized), "
        "net_revenue_retention (ARR now / ARR `window_days` ago, %), nps (-100..100), csat "
        "(0..100), dau_mau (%), license_utilization (%), days_since_last_touch (days), "
        "goals_achieved (%), pulse (red 0, yellow 50, green 100)."
    )
    weight: DecimalStr = Field(description="Any positive number; weights are normalized.")
    zero_at: DecimalStr
    full_at: DecimalStr
    window_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="Look-back of net_revenue_retention (default 365 days).",
    )


class BandCutoffsBody(InputModel):
    """A score below `yellow_from` is red, below `green_from` yellow, else green."""

    model_config = ConfigDict(json_schema_extra={"examples": [BANDS_EXAMPLE]})

    yellow_from: DecimalStr
    green_from: DecimalStr


class HealthProfileWrite(InputModel):
    """A profile: 3-5 indicators and the band cut-offs. It applies to customers of its
    `segments`; the default one (`is_default`) to customers of no listed segment."""

    model_config = ConfigDict(json_schema_extra={"examples": [PROFILE_EXAMPLE]})

    name: Name
    is_default: StrictBool = False
    segments: list[Segment] = Field(default_factory=list, max_length=50)
    # The contract states the core's 3-5; up to 5 more are read so that the core answers a
    # wrong count as `indicator_count` together with the profile's other problems.
    indicators: list[IndicatorDefinition] = Field(
        max_length=MAX_INDICATORS + 5,
        json_schema_extra={"minItems": MIN_INDICATORS, "maxItems": MAX_INDICATORS},
    )
    bands: BandCutoffsBody


class IndicatorOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{**INDICATORS_EXAMPLE[3]}]})

    kind: IndicatorKind
    weight: DecimalStr
    zero_at: DecimalStr
    full_at: DecimalStr
    window_days: int | None


class BandCutoffsOut(OutputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [BANDS_EXAMPLE]})

    yellow_from: DecimalStr
    green_from: DecimalStr


class HealthProfileOut(OutputModel):
    """A profile and the definition of its current `version`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": PROFILE_ID,
                    **PROFILE_EXAMPLE,
                    "indicators": [
                        {"window_days": None, **i} if "window_days" not in i else i
                        for i in INDICATORS_EXAMPLE
                    ],
                    "version": 2,
                    "created_at": "2026-01-05T09:30:00Z",
                    "updated_at": "2026-02-01T10:00:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    name: str
    is_default: bool
    segments: list[str]
    version: int
    indicators: list[IndicatorOut]
    bands: BandCutoffsOut
    created_at: datetime
    updated_at: datetime


class HealthProfileVersionOut(OutputModel):
    """One version of a profile's definition, as scores computed under it used it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e1f",
                    "profile_id": PROFILE_ID,
                    "version": 2,
                    "indicators": [
                        {"window_days": None, **i} if "window_days" not in i else i
                        for i in INDICATORS_EXAMPLE
                    ],
                    "bands": BANDS_EXAMPLE,
                    "author": AUTHOR_EXAMPLE,
                    "created_at": "2026-02-01T10:00:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    profile_id: uuid.UUID
    version: int
    indicators: list[IndicatorOut]
    bands: BandCutoffsOut
    author: AuthorOut
    created_at: datetime
