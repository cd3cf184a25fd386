"""How a calculation's formula behaves month by month, over HTTP (SPEC 3 "Formula", issue 12).

`if(cond, a, b)` evaluates only the branch taken, for undefined values too:
`improvement` with a baseline of 0 fails a month only when the branch taken uses it.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import Tenant
from tests.api.value_tracking_builders import (
    SUPPORT_CALCULATION,
    create_calculation,
    create_tracker,
    create_use_case,
    expect,
    put_measurement,
)

ZERO_BASELINE_METRIC = {**SUPPORT_CALCULATION["metric"], "baseline": "0", "target": None}


async def use_case_table(
    client: httpx.AsyncClient, headers: dict[str, str], use_case_id: str, as_of: str
) -> dict[str, Any]:
    body: dict[str, Any] = expect(
        await client.get(f"/v1/use-cases/{use_case_id}/table?as_of={as_of}", headers=headers), 200
    )
    return body


async def test_if_with_an_undefined_improvement_in_the_branch_not_taken_computes(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.editor)
    use_case = await create_use_case(client, tenant.editor, tracker["id"])
    lazy = await create_calculation(
        client,
        tenant.editor,
        use_case["id"],
        key="lazy",
        metric=ZERO_BASELINE_METRIC,
        formula="if(baseline == 0, delta * 10, improvement * 1000)",
        ramp=[],
    )
    eager = await create_calculation(
        client,
        tenant.editor,
        use_case["id"],
        key="eager",
        metric=ZERO_BASELINE_METRIC,
        formula="if(baseline != 0, delta * 10, improvement * 1000)",
        ramp=[],
    )
    for calculation in (lazy, eager):
        expect(
            await put_measurement(client, tenant.editor, calculation["id"], "2026-01", "10"), 201
        )

    body = await use_case_table(client, tenant.viewer, use_case["id"], "2026-01")
    by_key = {c["key"]: c for c in body["use_case"]["calculations"]}
    assert by_key["lazy"]["benefit"] == ["100.00"]
    assert by_key["lazy"]["error"] == [None]
    # The branch taken uses the undefined improvement: that month fails, as before.
    assert by_key["eager"]["benefit"] == [None]
    assert by_key["eager"]["error"] == ["undefined_improvement"]
