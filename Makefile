# valuecalc: every target sets up what it needs itself (a fresh machine needs only Python 3.11+ and make).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test lint format fuzz run bench-core bench-revenue bench-revenue-api bench-api bench-ingest bench-signals bench-health openapi openapi-check client-check image-check clean browser bench-charts

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "valuecalc needs Python 3.11 or newer as '$(PYTHON)' (set PYTHON=...)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Runs the whole suite against real PostgreSQL: the embedded one by default,
# or the server named by TEST_DATABASE_URL.
test: $(STAMP) browser
	$(BIN)/python -m pytest

# Debian's chromium for the renewal pack's browser test, installed with apt-get when it is
# missing and that is possible (as root); otherwise that test skips and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing chromium (apt-get) for the renewal pack's browser test"; \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends chromium fonts-liberation; } >/dev/null \
			|| echo "chromium could not be installed: the browser test will skip"; \
		else \
			echo "chromium is missing and cannot be installed here: the browser test will skip"; \
		fi; }

# Schemathesis against the app served on a local PostgreSQL (TEST_DATABASE_URL's server or
# an embedded one): every check and phase, bounded (~4,200 requests, 2-3 minutes, stopped at 7),
# derandomized when CI is set. Deliberate exclusions and their reasons: fuzz/hooks.py.
fuzz: $(STAMP)
	$(BIN)/python -m fuzz.fuzz_api

# ruff, mypy strict, and the import contracts of pyproject.toml (no import cycles, a pure
# core, the error documentation imported only where the OpenAPI document is built).
lint: $(STAMP)
	$(BIN)/ruff check src tests bench migrations fuzz
	$(BIN)/ruff format --check src tests bench migrations fuzz
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench migrations fuzz
	$(BIN)/ruff format src tests bench migrations fuzz

# Serves the API on http://127.0.0.1:8000 (docs at /docs): the embedded PostgreSQL in data/
# unless DATABASE_URL is set; migrates, and on a first start seeds a demo and prints its key.
run: $(STAMP)
	$(BIN)/valuecalc serve --stop-with-parent

# The OpenAPI contract, generated from the code (no database needed) and checked for drift.
openapi: $(STAMP)
	$(BIN)/valuecalc openapi --output openapi/openapi.json

openapi-check: $(STAMP)
	$(BIN)/valuecalc openapi --output openapi/openapi.json --check

# Clients generated from the contract work without hand edits: the Python client
# (openapi-python-client, zero warnings) drives the app on real PostgreSQL, and, where
# Node.js is installed, the TypeScript types (openapi-typescript) compile a typed usage
# file with tsc --strict and Redocly lints the document (zero errors).
client-check: $(STAMP)
	$(BIN)/valuecalc openapi --output openapi/openapi.json --check
	rm -rf build/python-client
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/openapi-python-client generate --path openapi/openapi.json \
		--output-path build/python-client --config clients/python-client.yaml --fail-on-warning
	$(BIN)/python -m pytest tests/api/test_generated_client.py -q
	@if command -v npm >/dev/null 2>&1; then \
		cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error \
		&& npm run -s generate && npm run -s check \
		&& REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npm run -s lint; \
	else \
		echo "client-check: no Node.js/npm here, so the TypeScript types and Redocly lint were skipped"; \
	fi

bench-core: $(STAMP)
	$(BIN)/python bench/bench_core.py

bench-revenue: $(STAMP)
	$(BIN)/python bench/bench_revenue.py

# Bulk measurement writes through the API vs a raw COPY of the same rows (PostgreSQL:
# TEST_DATABASE_URL's server or the embedded one).
bench-ingest: $(STAMP)
	$(BIN)/python bench/bench_ingest.py

# Revenue metrics through the API on 1,000,000 movements vs DuckDB on the same rows, and
# 10,000-row bulk movement writes vs COPY (PostgreSQL as for bench-ingest).
bench-revenue-api: $(STAMP)
	$(BIN)/python bench/bench_revenue_api.py
# Signal bulk writes vs a raw COPY of the same rows, and NPS / DAU-MAU by segment over
# 1,000,000 stored rows through HTTP (PostgreSQL as for bench-ingest).
bench-signals: $(STAMP)
	$(BIN)/python bench/bench_signals.py

# The tracker report over HTTP under load (uvicorn + a separate load generator) on a local
# PostgreSQL: TEST_DATABASE_URL's server if set, else an embedded one in a temp folder.
bench-api: $(STAMP)
	$(BIN)/python bench/bench_api.py

# Charts (spec, SVG, PNG) and the renewal pack through the API in this process, against the
# report JSON in the same run (PostgreSQL: TEST_DATABASE_URL's server or an embedded one).
bench-charts: $(STAMP)
	$(BIN)/python bench/bench_charts.py

# Builds the Dockerfile and runs its container against the local PostgreSQL (127.0.0.1:5432):
# installs docker.io and debootstrap from Debian if missing, starts its own dockerd, stands
# in for the base image with Debian 12's python3.11. Says SKIPPED where no engine can run.
image-check:
	bash scripts/image_check.sh

# Health scores of 100,000 customers in the core vs a plain SQL aggregate, and a 100-row
# book page over HTTP (PostgreSQL: TEST_DATABASE_URL's server or the embedded one).
bench-health: $(STAMP)
	$(BIN)/python bench/bench_health.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
