"""Every JSON report body the routes serve is its documented model's (`reports.bodies`):
over random trackers (no database), each builder's dict validates against the response
model, and what the model serializes carries the same values as the dict.

A key the model does not declare, a required one the builder leaves out, or a null where
the contract promises a value fails here before it fails a request.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import to_json

from tests.strategies import trackers
from valuecalc_api.reports.bodies import body_json
from valuecalc_api.reports.loading import LoadedTracker
from valuecalc_api.reports.measurements_tab import default_month, measurements_view
from valuecalc_api.reports.report_payload import portfolio_payload, tracker_report_payload
from valuecalc_api.reports.schemas import (
    MeasurementsViewOut,
    PortfolioOut,
    ReportModel,
    TrackerReportOut,
    TrackerTableOut,
    UseCaseTableResponse,
)
from valuecalc_api.reports.tables import single_use_case_payload, tracker_table_payload
from valuecalc_core.measurement_table import tracker_table, use_case_table
from valuecalc_core.report import portfolio_report, tracker_report
from valuecalc_core.tracker_model import TrackerSpec

BODIES = settings(max_examples=40, deadline=None)


@pytest.fixture(autouse=True)
def _empty_tables_after_test() -> None:
    """Overrides tests/api/conftest.py's fixture of this name: no database here."""


def _loaded(spec: TrackerSpec) -> LoadedTracker:
    keys = {c.id: f"key-{c.id}" for u in spec.use_cases for c in u.calculations}
    return LoadedTracker(spec, "c-1", "Customer", keys)


def _served_as_built(model: type[ReportModel], payload: dict[str, Any]) -> None:
    assert json.loads(body_json(model, payload)) == json.loads(to_json(payload))


@given(trackers(), st.data())
@BODIES
def test_tracker_bodies_are_their_models(spec: TrackerSpec, data: st.DataObject) -> None:
    loaded = _loaded(spec)
    as_of = data.draw(st.sampled_from(list(spec.period)))
    keys = loaded.calculation_keys
    _served_as_built(TrackerReportOut, tracker_report_payload(tracker_report(spec, as_of), loaded))
    _served_as_built(TrackerTableOut, tracker_table_payload(tracker_table(spec, as_of), keys, {}))
    for use_case in spec.use_cases:
        table = use_case_table(use_case, spec, as_of)
        _served_as_built(UseCaseTableResponse, single_use_case_payload(spec, table, keys, {}))
    _served_as_built(MeasurementsViewOut, measurements_view(loaded, default_month(spec), {}))
    _served_as_built(MeasurementsViewOut, measurements_view(loaded, as_of, {}))


@given(st.lists(trackers(), min_size=1, max_size=3))
@BODIES
def test_portfolio_bodies_are_their_models(specs: list[TrackerSpec]) -> None:
    renamed = [
        TrackerSpec(f"t{i}", s.name, s.currency, s.period, s.fees, s.use_cases, s.missing_months)
        for i, s in enumerate(specs)
    ]
    loaded = [LoadedTracker(s, f"c{i % 2}", f"Customer {i % 2}", {}) for i, s in enumerate(renamed)]
    as_of = max(s.period.last for s in renamed)
    _served_as_built(
        PortfolioOut, portfolio_payload(portfolio_report(renamed, as_of), loaded, None)
    )
