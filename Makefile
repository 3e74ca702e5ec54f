# hnap: two commands for a newcomer (`make run`, `make test`); see README.md.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not ((3,11) <= sys.version_info[:2] <= (3,12)))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
CSS := static/build/hnap.css
PYTEST_ARGS ?=

.PHONY: bootstrap run test lint format bench load migrate clean-var

bootstrap: $(STAMP) $(CSS)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "hnap needs Python 3.11 or 3.12 (the embedded PostgreSQL supports these)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[embedded,dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(CSS): $(NODE_STAMP) frontend/hnap.scss frontend/copy-assets.js
	npm run --silent build

run: bootstrap  ## web, Celery worker and beat on the embedded PostgreSQL and Redis, with demo data
	$(BIN)/python -m hnap.embedded run

test: bootstrap  ## the whole suite against real PostgreSQL and Redis (browser tests when Chromium is installed)
	$(BIN)/python -m hnap.embedded test -- $(PYTEST_ARGS)

lint: bootstrap  ## ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=postgres://localhost/hnap REDIS_URL=redis://localhost:6379/0 $(BIN)/mypy hnap candidates assessments moderation appeals partnership dataprotection transfers

format: bootstrap
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The national benchmarks run apart, in a database of their own kept between runs (--reuse-db): seed_scale's dataset
# is written there once and reused while its version, scale and seed match (tests/benchmarks/conftest.py); the other
# benchmarks keep their empty database. HNAP_BENCH_SCALE (default 1.0) sizes the national dataset.
bench: bootstrap  ## benchmarks: medians and query counts; the national suite on seed_scale's dataset (var/bench/latest.txt)
	$(BIN)/python -m hnap.embedded test -- tests -m bench -s -q --ignore-glob='tests/benchmarks/test_bench_national*' $(PYTEST_ARGS)
	HNAP_TEST_DATABASE_NAME=$${HNAP_TEST_DATABASE_NAME:-test_hnap}_national \
		$(BIN)/python -m hnap.embedded test -- tests/benchmarks/test_bench_national*.py -m bench -s -q --reuse-db $(PYTEST_ARGS)

LOAD_SCALE ?= 1
LOAD_USERS ?= 50
LOAD_DURATION ?= 120
load: bootstrap  ## load test: Locust, LOAD_USERS people for LOAD_DURATION s, gunicorn on seed_scale's dataset (LOAD_SCALE)
	$(BIN)/python -m load.run --scale $(LOAD_SCALE) --users $(LOAD_USERS) --duration $(LOAD_DURATION)

clean-var:  ## stop the embedded services and delete their data
	-$(BIN)/python -m hnap.embedded stop --profile run
	-$(BIN)/python -m hnap.embedded stop --profile test
	-$(BIN)/python -m hnap.embedded stop --profile load
	rm -rf var
