"""What every chart test checks of a chart: its spec against the Vega-Lite v5 schema,
that its data is inline, and what a PNG's header says."""

from __future__ import annotations

import json
import struct
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@cache
def _validator() -> jsonschema.Draft7Validator:
    # Altair 5 ships the Vega-Lite v5 JSON schema it is generated from.
    text = (
        resources.files("altair.vegalite.v5.schema")
        .joinpath("vega-lite-schema.json")
        .read_text(encoding="utf-8")
    )
    schema = json.loads(text)
    return jsonschema.Draft7Validator(schema)


def schema_errors(spec: dict[str, Any]) -> list[str]:
    """Every place where `spec` breaks the Vega-Lite v5 schema (empty when valid)."""
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        for error in _validator().iter_errors(spec)
    ]


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    values: list[dict[str, Any]] = spec["data"]["values"]
    return values
