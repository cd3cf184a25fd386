"""Request body size limit: 413 problem+json, declared or streamed, nothing stored."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Message, Receive, Scope, Send

from tests.api.conftest import Tenant
from valuecalc_api.middleware.body_limit import BodySizeLimitMiddleware
from valuecalc_api.models import ApiKey, IdempotencyKey
from valuecalc_api.settings import Settings

PROBLEM_JSON = "application/problem+json"


async def _api_key_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ApiKey)) or 0


@pytest.mark.parametrize("idempotency_key", [None, "big-1"])
async def test_declared_oversize_body_is_413_and_nothing_is_stored(
    client: httpx.AsyncClient,
    tenant: Tenant,
    settings: Settings,
    session: AsyncSession,
    idempotency_key: str | None,
) -> None:
    headers = {**tenant.admin, "Content-Type": "application/json"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    body = b'{"name": "' + b"x" * settings.max_body_bytes + b'", "role": "viewer"}'
    answer = await client.post("/v1/api-keys", content=body, headers=headers)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json()["type"].endswith("/request-too-large")
    assert answer.json()["max_body_bytes"] == settings.max_body_bytes
    assert await _api_key_count(session) == 3  # the tenant's own three
    assert await session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


@pytest.mark.parametrize("idempotency_key", [None, "big-2"])
async def test_chunked_oversize_body_is_413(
    client: httpx.AsyncClient,
    tenant: Tenant,
    settings: Settings,
    session: AsyncSession,
    idempotency_key: str | None,
) -> None:
    chunk = b"x" * 65536
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"role": "viewer", "name": "'
        while sent <= settings.max_body_bytes:
            sent += len(chunk)
            yield chunk
        yield b'"}'

    headers = {**tenant.admin, "Content-Type": "application/json"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    answer = await client.post("/v1/api-keys", content=body(), headers=headers)
    assert answer.status_code == 413
    assert answer.json()["type"].endswith("/request-too-large")
    assert await _api_key_count(session) == 3
    assert await session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


class EchoApp:
    """Reads the whole body, answers its length; counts how often it ran."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        size = 0
        while True:
            message: Message = await receive()
            size += len(message.get("body", b""))
            if not message.get("more_body", False):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(size).encode()})


async def _post(app: BodySizeLimitMiddleware, path: str, content: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.post(path, content=content)  # type: ignore[arg-type]


async def _chunks(total: int, size: int = 7) -> AsyncIterator[bytes]:
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


async def test_body_at_the_limit_passes_and_one_byte_more_does_not() -> None:
    echo = EchoApp()
    limited = BodySizeLimitMiddleware(echo, max_body_bytes=100)
    assert (await _post(limited, "/v1/x", b"x" * 100)).text == "100"
    assert (await _post(limited, "/v1/x", _chunks(100))).text == "100"
    declared = await _post(limited, "/v1/x", b"x" * 101)
    assert declared.status_code == 413
    assert echo.calls == 2  # refused on Content-Length, before the app ran
    streamed = await _post(limited, "/v1/x", _chunks(101))
    assert streamed.status_code == 413
    assert streamed.headers["content-type"] == PROBLEM_JSON


async def test_upload_paths_have_their_own_limit() -> None:
    limited = BodySizeLimitMiddleware(
        EchoApp(),
        max_body_bytes=10,
        upload_max_body_bytes=1000,
        upload_path_patterns=[r"/v1/trackers/[^/]+/evidence"],
    )
    assert (await _post(limited, "/v1/trackers/t1/evidence", b"x" * 1000)).status_code == 200
    assert (await _post(limited, "/v1/trackers/t1/evidence", b"x" * 1001)).status_code == 413
    assert (await _post(limited, "/v1/trackers/t1", b"x" * 11)).status_code == 413
