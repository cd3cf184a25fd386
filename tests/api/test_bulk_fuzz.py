"""Bad input to the bulk endpoints: whatever the body, a clear answer and nothing half-done.

Hypothesis sends arbitrary JSON (and arbitrary bytes) to a tracker's bulk endpoint:
rows that look almost right (real field names, plausible and implausible values) as well
as shapes that are nothing like a request. The answer is never a 5xx; a refusal is
problem+json and leaves the measurements and the audit trail exactly as they were.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_rows import count
from tests.api.value_tracking_builders import Graph, create_graph
from valuecalc_api.models import AuditEvent, Measurement

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_MONTHS = st.sampled_from(["2026-01", "2026-03", "2026-13", "2025-12", "26-1", "", "2027-01"])
_VALUES = st.sampled_from(["121", "1e3", "NaN", "-0.5", "1" * 16, "0.0000000000001", " 7 "])
_ROW_FIELDS = {
    "calculation_key": st.sampled_from(["ticket-handling", "nope", ""]) | _SCALARS,
    "calculation_id": st.uuids().map(str) | _SCALARS,
    "customer_external_id": st.text(max_size=10) | _SCALARS,
    "tracker_id": st.uuids().map(str) | _SCALARS,
    "month": _MONTHS | _SCALARS,
    "value": _VALUES | _SCALARS,
    "estimate": _SCALARS,
    "source": _SCALARS,
    "if_version": st.integers(min_value=-2, max_value=3) | _SCALARS,
    "surprise": _SCALARS,
}
_ROW = st.fixed_dictionaries(
    {},
    optional=_ROW_FIELDS,  # type: ignore[arg-type]  # values are strategies of JSON data
)
# Rows that are right (the graph's calculation, a month of its 2026 contract, a decimal),
# each with at most one field replaced by something else: most requests mix good rows
# with a bad one, or are good throughout.
_GOOD_ROW = st.fixed_dictionaries(
    {
        "calculation_key": st.just("ticket-handling"),
        "month": st.integers(1, 12).map(lambda m: f"2026-{m:02d}"),
        "value": st.decimals(min_value=-(10**6), max_value=10**6, places=2).map(str),
    }
)
_NEARLY_GOOD_ROW = st.tuples(
    _GOOD_ROW, st.none() | st.tuples(st.sampled_from(sorted(_ROW_FIELDS)), _SCALARS)
).map(lambda pair: pair[0] if pair[1] is None else {**pair[0], pair[1][0]: pair[1][1]})
_BODIES = (
    st.fixed_dictionaries({"rows": st.lists(_NEARLY_GOOD_ROW, min_size=1, max_size=6)})
    | st.fixed_dictionaries({"rows": st.lists(_ROW, max_size=6)})
    | st.fixed_dictionaries({"rows": _JSON})
    | _JSON
)

_FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
async def graph(client: httpx.AsyncClient, tenant: Tenant) -> Graph:
    """One tracker for all the examples of a test (the rate limit counts every request)."""
    return await create_graph(client, tenant.admin)


async def _state(session: AsyncSession) -> tuple[int, int]:
    return await count(session, Measurement), await count(session, AuditEvent)


def _assert_clear(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code != 200:
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == response.status_code
        assert body["detail"]


@_FUZZ
@given(body=_BODIES)
async def test_any_json_body_gets_a_clear_answer_and_a_refusal_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant, graph: Graph, body: Any
) -> None:
    before = await _state(session)
    # Encoded here, not by httpx: JavaScript-style NaN and Infinity tokens included, as
    # a careless client may send them.
    response = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
        content=json.dumps(body),
        headers={**tenant.editor, "Content-Type": "application/json"},
    )
    _assert_clear(response)
    if response.status_code != 200:
        assert await _state(session) == before


@_FUZZ
@given(content=st.binary(max_size=200))
async def test_any_bytes_get_a_clear_answer_and_change_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    tenant: Tenant,
    graph: Graph,
    content: bytes,
) -> None:
    before = await _state(session)
    response = await client.post(
        f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
        content=content,
        headers={**tenant.editor, "Content-Type": "application/json"},
    )
    _assert_clear(response)
    if response.status_code != 200:
        assert await _state(session) == before
