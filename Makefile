# valuecalc: every target sets up what it needs itself (a fresh machine needs only Python 3.11+ and make).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test lint format run bench-core bench-revenue bench-api bench-ingest bench-health openapi openapi-check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "valuecalc needs Python 3.11 or newer as '$(PYTHON)' (set PYTHON=...)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Runs the whole suite against real PostgreSQL: the embedded one by default,
# or the server named by TEST_DATABASE_URL.
test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src tests bench migrations
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench migrations
	$(BIN)/ruff format src tests bench migrations

# Serves the API on http://127.0.0.1:8000 (docs at /docs): the embedded PostgreSQL in data/
# unless DATABASE_URL is set; migrates, and on a first start seeds a demo and prints its key.
run: $(STAMP)
	$(BIN)/valuecalc serve

# The OpenAPI contract, generated from the code (no database needed) and checked for drift.
openapi: $(STAMP)
	$(BIN)/valuecalc openapi --output openapi/openapi.json

openapi-check: $(STAMP)
	$(BIN)/valuecalc openapi --output openapi/openapi.json --check

bench-core: $(STAMP)
	$(BIN)/python bench/bench_core.py

bench-revenue: $(STAMP)
	$(BIN)/python bench/bench_revenue.py

# Bulk measurement writes through the API vs a raw COPY of the same rows (PostgreSQL:
# TEST_DATABASE_URL's server or the embedded one).
bench-ingest: $(STAMP)
	$(BIN)/python bench/bench_ingest.py

# The tracker report over HTTP under load (uvicorn + a separate load generator) on a local
# PostgreSQL: TEST_DATABASE_URL's server if set, else an embedded one in a temp folder.
bench-api: $(STAMP)
	$(BIN)/python bench/bench_api.py

# Health scores of 100,000 customers in the core vs a plain SQL aggregate, and a 100-row
# book page over HTTP (PostgreSQL: TEST_DATABASE_URL's server or the embedded one).
bench-health: $(STAMP)
	$(BIN)/python bench/bench_health.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
