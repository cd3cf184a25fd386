"""The one settings class (pydantic-settings): environment variables and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_KEY_PEPPER = "dev-only-pepper-change-me"
# An HMAC-SHA256 key shorter than the hash's 32 bytes weakens it (RFC 2104 section 3).
MIN_PRODUCTION_PEPPER_BYTES = 32


class Settings(BaseSettings):
    """Configuration. `DATABASE_URL` unset means: run an embedded PostgreSQL in `data_dir`."""

    model_config = SettingsConfigDict(env_prefix="VALUECALC_", env_file=".env", extra="ignore")

    environment: Literal["dev", "test", "production"] = "dev"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "VALUECALC_DATABASE_URL")
    )
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("data")
    # Server-side secret mixed into API-key hashes (HMAC-SHA256), so a leaked table is not enough.
    key_pepper: SecretStr = SecretStr(DEV_KEY_PEPPER)
    # Request bodies (middleware/body_limit.py): bulk writes of 10,000 rows need ~2 MiB.
    max_body_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    # Paths matching one of these regular expressions (re.fullmatch) are uploads with their
    # own, larger limit.
    upload_path_patterns: tuple[str, ...] = (r"/v1/calculations/[^/]+/months/[^/]+/evidence",)
    upload_max_body_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    # Requests per minute per API key (per client address without a valid key), one budget
    # shared by every worker process and host through PostgreSQL (rate_limits/).
    rate_limit_enabled: bool = True
    rate_limit_per_minute: int = Field(default=600, gt=0)
    list_limit_max: int = 200
    # Evidence files (evidence/routes.py): larger files are refused with 413, nothing stored.
    evidence_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # Serialized reports kept in memory per worker process (reports/cache.py), keyed by the
    # tracker's data version so an entry is never stale; bounded by entries and bytes.
    report_cache_enabled: bool = True
    report_cache_max_entries: int = Field(default=512, ge=0)
    report_cache_max_bytes: int = Field(default=128 * 1024 * 1024, ge=0)
    # CPU-bound report work (rows -> core input, the core, serialization) runs in worker
    # threads, at most this many at once per process (cpu_work.py): each competes with the
    # event loop for the GIL, and more add no throughput.
    cpu_threads: int = Field(default=2, ge=1, le=64)
    # `valuecalc serve`: worker processes (each with its own pool and report cache; rate
    # limits and idempotency keys are shared through PostgreSQL), and whether a first
    # start outside production loads the demo organization.
    workers: int = Field(default=1, ge=1, le=64)
    demo: bool = True
    # `/metrics` (Prometheus text format, metrics.py): answered only with
    # `Authorization: Bearer <metrics_token>`, or on its own port `metrics_port` (served by
    # the `valuecalc serve` process, for a scraper on a private network); neither set: 404.
    metrics_token: SecretStr | None = None
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # Logs (logs.py): one JSON object per line, or a human-readable line; default JSON in
    # production, human-readable otherwise.
    log_format: Literal["json", "console"] | None = None
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    @property
    def logs_as_json(self) -> bool:
        return self.log_format == "json" or (
            self.log_format is None and self.environment == "production"
        )

    @model_validator(mode="after")
    def _refuse_default_secrets_outside_dev(self) -> Settings:
        pepper = self.key_pepper.get_secret_value()
        if self.environment == "production" and (
            pepper == DEV_KEY_PEPPER or len(pepper.encode()) < MIN_PRODUCTION_PEPPER_BYTES
        ):
            raise ValueError(
                "Set VALUECALC_KEY_PEPPER to a random secret of at least "
                f"{MIN_PRODUCTION_PEPPER_BYTES} bytes in production "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
