"""Request and response bodies of input changes and measurements (SPEC 3)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import ConfigDict, Field, StrictBool

from valuecalc_api.schema_types import DecimalStr, InputModel, MonthStr, OutputModel, Source


class MeasurementPut(InputModel):
    """The improvement metric's value for the month in the path (set or replace)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"value": "158", "estimate": False, "source": "manual"}]}
    )

    value: DecimalStr
    estimate: StrictBool = Field(
        default=False, description="True when the value is an estimate, not a measured figure."
    )
    source: Source = "manual"


class MeasurementOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "calculation_id": "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
                    "month": "2026-03",
                    "value": "158",
                    "estimate": False,
                    "source": "manual",
                    "version": 1,
                    "created_at": "2026-04-01T08:00:00Z",
                    "updated_at": "2026-04-01T08:00:00Z",
                }
            ]
        }
    )

    calculation_id: uuid.UUID
    month: MonthStr
    value: DecimalStr
    estimate: bool
    source: str
    version: int = Field(description="Incremented whenever the value, flag or source changes.")
    created_at: datetime
    updated_at: datetime


class InputChangePut(InputModel):
    """The input's value from the month in the path on, until its next change."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"value": "15"}]})

    value: DecimalStr


class InputChangeOut(OutputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "month": "2026-06",
                    "value": "15",
                    "version": 1,
                    "created_at": "2026-06-02T10:00:00Z",
                    "updated_at": "2026-06-02T10:00:00Z",
                }
            ]
        }
    )

    month: MonthStr
    value: DecimalStr
    version: int
    created_at: datetime
    updated_at: datetime


class InputWithChangesOut(OutputModel):
    """An input and its value changes by month; the first is at the contract's start."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key": "reps",
                    "name": "# of reps",
                    "unit": "reps",
                    "changes": [
                        {
                            "month": "2026-01",
                            "value": "10",
                            "version": 1,
                            "created_at": "2026-01-05T09:30:00Z",
                            "updated_at": "2026-01-05T09:30:00Z",
                        },
                        {
                            "month": "2026-06",
                            "value": "15",
                            "version": 1,
                            "created_at": "2026-06-02T10:00:00Z",
                            "updated_at": "2026-06-02T10:00:00Z",
                        },
                    ],
                }
            ]
        }
    )

    key: str
    name: str
    unit: str
    changes: list[InputChangeOut]
