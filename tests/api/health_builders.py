"""Building health profiles, reason codes, pulses and overrides through the API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.value_tracking_builders import expect


def indicator(kind: str, weight: str, zero_at: str = "0", full_at: str = "100") -> dict[str, Any]:
    return {"kind": kind, "weight": weight, "zero_at": zero_at, "full_at": full_at}


# Pulse (green 100) weight 50, value realization weight 30, NPS (no value yet) weight 20.
STANDARD_INDICATORS = [
    indicator("pulse", "50"),
    indicator("value_realization", "30"),
    indicator("nps", "20"),
]


def profile_body(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Standard",
        "is_default": True,
        "segments": [],
        "indicators": STANDARD_INDICATORS,
        "bands": {"yellow_from": "40", "green_from": "70"},
        **fields,
    }


async def create_profile(
    client: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    result: dict[str, Any] = expect(
        await client.post("/v1/health-profiles", json=profile_body(**fields), headers=headers),
        201,
    )
    return result


async def create_reason_code(
    client: httpx.AsyncClient, headers: dict[str, str], code: str, kind: str = "risk"
) -> dict[str, Any]:
    body = {"code": code, "kind": kind, "label": code.title(), "category": "Relationship"}
    result: dict[str, Any] = expect(
        await client.post("/v1/pulse-reason-codes", json=body, headers=headers), 201
    )
    return result


async def record_pulse(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    customer_id: str,
    status: str,
    recorded_on: str,
    codes: list[str] | None = None,
) -> dict[str, Any]:
    body = {"status": status, "recorded_on": recorded_on, "reason_codes": codes or []}
    result: dict[str, Any] = expect(
        await client.post(f"/v1/customers/{customer_id}/pulses", json=body, headers=headers), 201
    )
    return result
