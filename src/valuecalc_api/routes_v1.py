"""Every `/v1` router, in one place. Add one `include_router` line per domain package."""

from __future__ import annotations

from fastapi import APIRouter

v1_router = APIRouter(prefix="/v1")
