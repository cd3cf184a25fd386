"""JSON report bodies serialized through their documented models (`reports.schemas`).

The builders (`report_payload`, `tables`, `view`) write plain dicts of strings, which the
CSV export, the charts and the renewal pack read as well. A JSON answer is that dict
validated into the operation's response model and written by the model's serializer, so
the body served is the body documented: a key the model does not declare, one it
requires that the builder left out, or a value of another type fails the request (and
every test that reads that report) instead of reaching a client. pydantic-core does both
steps in compiled code (`make bench-api`, "payload" and "JSON" lines, says what it costs).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from valuecalc_api.reports.schemas import ReportModel


@cache
def _adapter(model: type[ReportModel]) -> TypeAdapter[ReportModel]:
    return TypeAdapter(model)


def body_json(model: type[ReportModel], payload: Mapping[str, Any]) -> bytes:
    """`payload` as `model` validates and serializes it (UTF-8 JSON)."""
    adapter = _adapter(model)
    return adapter.dump_json(adapter.validate_python(payload))
