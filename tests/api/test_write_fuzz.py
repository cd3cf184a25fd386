"""Bad input to the write endpoints: whatever the body, a clear answer and nothing half-done.

Hypothesis sends arbitrary JSON (and arbitrary bytes) to a tracker's bulk endpoint:
rows that look almost right (real field names, plausible and implausible values) as well
as shapes that are nothing like a request; arbitrary CSV text to the import; arbitrary
bodies to a single month's PUT; arbitrary formula text to a new calculation. The answer
is never a 5xx; a refusal is problem+json and leaves the measurements, the calculations
and the audit trail exactly as they were.
"""

from __future__ import annotations

import json
from collections.abc import Coroutine
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import Tenant
from tests.api.value_rows import count
from tests.api.value_tracking_builders import SUPPORT_CALCULATION, Graph, create_graph
from valuecalc_api.models import AuditEvent, Calculation, Measurement

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


async def _state(session: AsyncSession) -> tuple[int, int, int]:
    return (
        await count(session, Measurement),
        await count(session, Calculation),
        await count(session, AuditEvent),
    )


async def _answers_clearly(
    session: AsyncSession, request: Coroutine[Any, Any, httpx.Response]
) -> None:
    """Send `request`: never a 5xx; a refusal is problem+json and changes nothing stored."""
    before = await _state(session)
    response = await request
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == response.status_code
        assert body["detail"]
        assert await _state(session) == before


@_FUZZ
@given(body=_BODIES)
async def test_any_json_body_gets_a_clear_answer_and_a_refusal_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, tenant: Tenant, graph: Graph, body: Any
) -> None:
    # Encoded here, not by httpx: JavaScript-style NaN and Infinity tokens included, as
    # a careless client may send them.
    await _answers_clearly(
        session,
        client.post(
            f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
            content=json.dumps(body),
            headers={**tenant.editor, "Content-Type": "application/json"},
        ),
    )


@_FUZZ
@given(content=st.binary(max_size=200))
async def test_any_bytes_get_a_clear_answer_and_change_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    tenant: Tenant,
    graph: Graph,
    content: bytes,
) -> None:
    await _answers_clearly(
        session,
        client.post(
            f"/v1/trackers/{graph.tracker['id']}/measurements/bulk",
            content=content,
            headers={**tenant.editor, "Content-Type": "application/json"},
        ),
    )


# CSV lines: the template's columns in some order, cells from a small alphabet of the
# things that go wrong (quotes, separators, blanks, months, decimals, non-ASCII).
_CELLS = st.sampled_from(
    ["", "ticket-handling", "2026-03", "2026-13", "121", "1,5", '"', '""', "true", "x", "é", " "]
)
# A month's PUT body that is right, with at most one member replaced or added.
_NEARLY_GOOD_PUT = st.tuples(
    st.decimals(min_value=-(10**6), max_value=10**6, places=2).map(lambda d: {"value": str(d)}),
    st.none() | st.tuples(st.sampled_from(["value", "estimate", "source", "surprise"]), _SCALARS),
).map(lambda pair: pair[0] if pair[1] is None else {**pair[0], pair[1][0]: pair[1][1]})
_GOOD_LINE = st.builds(
    lambda month, value: f",ticket-handling,2026-{month:02d},{value},false,",
    st.integers(1, 12),
    st.decimals(min_value=0, max_value=10**6, places=1),
)
_LINE = _GOOD_LINE | st.lists(_CELLS, max_size=7).map(",".join)
_CSV_TEXT = st.lists(_LINE, max_size=6).map(
    lambda lines: "\r\n".join(
        ["customer_external_id,calculation_key,month,value,estimate,source", *lines]
    )
) | st.text(max_size=120)


@_FUZZ
@given(text=_CSV_TEXT)
async def test_any_csv_gets_a_clear_answer_and_a_refusal_changes_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    tenant: Tenant,
    graph: Graph,
    text: str,
) -> None:
    await _answers_clearly(
        session,
        client.post(
            f"/v1/trackers/{graph.tracker['id']}/measurements/import",
            content=text.encode(),
            headers={**tenant.editor, "Content-Type": "text/csv"},
        ),
    )


@_FUZZ
@given(body=_NEARLY_GOOD_PUT | _JSON | st.fixed_dictionaries({}, optional=_ROW_FIELDS))  # type: ignore[arg-type]
async def test_any_body_of_a_month_put_gets_a_clear_answer(
    client: httpx.AsyncClient,
    session: AsyncSession,
    tenant: Tenant,
    graph: Graph,
    body: Any,
) -> None:
    await _answers_clearly(
        session,
        client.put(
            f"/v1/calculations/{graph.calculation_id}/measurements/2026-03",
            content=json.dumps(body),
            headers={**tenant.editor, "Content-Type": "application/json"},
        ),
    )


@_FUZZ
@given(formula=st.text(alphabet="abcdeimnprtsuvwxyz_0123456789+-*/(). ,'\"[]{}:=<>", max_size=40))
async def test_any_formula_gets_a_clear_answer_and_a_refusal_stores_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    tenant: Tenant,
    graph: Graph,
    formula: str,
) -> None:
    await _answers_clearly(
        session,
        client.post(
            f"/v1/use-cases/{graph.use_case['id']}/calculations",
            json={
                **SUPPORT_CALCULATION,
                "key": f"fuzz-{len(formula)}-{abs(hash(formula))}",
                "formula": formula,
            },
            headers=tenant.editor,
        ),
    )
