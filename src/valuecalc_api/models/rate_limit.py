"""Rate-limit budgets shared by every worker process and host (`rate_limits`): one row per
caller, the moment its bucket is full again (GCRA's "theoretical arrival time", seconds
since the epoch). UNLOGGED (migration i17_01): a crash empties it, which only refills
every budget; never written through the ORM (`rate_limits.repository`)."""

from __future__ import annotations

from sqlalchemy import Double, Text
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base


class RateLimitBucket(Base):
    __tablename__ = "rate_limit_buckets"

    identity: Mapped[str] = mapped_column(Text, primary_key=True)  # `key:<id>`, `address:<ip>`
    full_at: Mapped[float] = mapped_column(Double)  # not money: a point in time, in seconds
