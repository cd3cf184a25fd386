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
    problem,
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


async def test_a_division_by_a_constant_zero_is_refused_with_its_position(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.editor)
    use_case = await create_use_case(client, tenant.editor, tracker["id"])
    body = problem(
        await client.post(
            f"/v1/use-cases/{use_case['id']}/calculations",
            json={**SUPPORT_CALCULATION, "formula": "reps * delta / (60 - 60)"},
            headers=tenant.editor,
        ),
        422,
        "validation-error",
    )
    [error] = body["errors"]
    assert (error["field"], error["code"], error["position"]) == ("formula", "formula_invalid", 13)
    assert "zero" in error["message"]
    listed = expect(
        await client.get(f"/v1/use-cases/{use_case['id']}/calculations", headers=tenant.viewer),
        200,
    )
    assert listed["items"] == []  # nothing was stored

    calculation = await create_calculation(client, tenant.editor, use_case["id"])
    body = problem(
        await client.patch(
            f"/v1/calculations/{calculation['id']}",
            json={"formula": "delta / 0"},
            headers=tenant.editor,
        ),
        422,
        "validation-error",
    )
    assert [(e["field"], e["position"]) for e in body["errors"]] == [("formula", 6)]
    kept = expect(
        await client.get(f"/v1/calculations/{calculation['id']}", headers=tenant.viewer), 200
    )
    assert (kept["formula"], kept["version"]) == (SUPPORT_CALCULATION["formula"], 1)


async def test_undefined_values_in_a_saved_formula_are_warned_about(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    tracker = await create_tracker(client, tenant.editor)
    use_case = await create_use_case(client, tenant.editor, tracker["id"])
    no_target = await create_calculation(
        client,
        tenant.editor,
        use_case["id"],
        key="no-target",
        metric={**SUPPORT_CALCULATION["metric"], "target": None},
        formula="(target - metric) * reps",
        ramp=[],
    )
    assert [(w["code"], w["variable"]) for w in no_target["warnings"]] == [
        ("undefined_target", "target")
    ]
    zero = await create_calculation(
        client, tenant.editor, use_case["id"], key="zero", metric=ZERO_BASELINE_METRIC, ramp=[]
    )
    assert [w["code"] for w in zero["warnings"]] == ["undefined_improvement"]
    assert "baseline is 0" in zero["warnings"][0]["message"]

    # Reading it back shows the same; fixing the metric clears the warning.
    again = expect(await client.get(f"/v1/calculations/{zero['id']}", headers=tenant.viewer), 200)
    assert again["warnings"] == zero["warnings"]
    fixed = expect(
        await client.patch(
            f"/v1/calculations/{no_target['id']}",
            json={"metric": {"target": "150"}},
            headers=tenant.editor,
        ),
        200,
    )
    assert fixed["warnings"] == []
    plain = await create_calculation(client, tenant.editor, use_case["id"], key="plain")
    assert plain["warnings"] == []
