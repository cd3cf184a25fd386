# valuecalc API image. Needs DATABASE_URL (the embedded PostgreSQL is for development) and
# VALUECALC_KEY_PEPPER (a long random secret). `valuecalc serve` migrates, then serves.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --create-home --uid 10001 valuecalc
WORKDIR /app

# The package and its runtime dependencies only (no dev extras).
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . && rm -rf src

# `valuecalc migrate` / `serve` find alembic.ini in the working directory.
COPY alembic.ini ./
COPY migrations ./migrations

USER valuecalc
# `valuecalc serve` runs VALUECALC_WORKERS processes (rate limits and idempotency are
# shared through PostgreSQL); logs are JSON lines on stderr in production.
ENV VALUECALC_ENVIRONMENT=production \
    VALUECALC_HOST=0.0.0.0 \
    VALUECALC_PORT=8000 \
    VALUECALC_WORKERS=1
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["valuecalc", "serve"]
