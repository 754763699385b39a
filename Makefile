# Talent footprint — the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_HOST ?= 127.0.0.1

.PHONY: run test lint typecheck pytest bench schema install migrate seed serve clean ensure-postgres ensure-chromium ensure-wrk

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make run: venv + install + migrate + demo data (once) + serve on :8000
run: install
	$(BIN)/talent migrate
	$(BIN)/talent seed-demo
	$(BIN)/talent serve --host 127.0.0.1 --port 8000

migrate: install
	$(BIN)/talent migrate

## make test: ruff, mypy and the whole pytest suite on PostgreSQL and SQLite
test: install ensure-postgres ensure-chromium lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy api domain persistence graphql_schema

pytest: install
	$(BIN)/pytest -q -p no:cacheprovider

ensure-postgres:
	@pg_isready -h $(PG_HOST) -q || { \
	  echo "starting the local PostgreSQL cluster"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  for i in $$(seq 1 30); do pg_isready -h $(PG_HOST) -q && break; sleep 1; done; }

## ensure-chromium: headless Chromium for the map screenshot test (Debian package;
## installed only when missing; the test skips with a reason if it cannot be had)
ensure-chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium for the map screenshot test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	    || echo "chromium could not be installed: the map screenshot test will skip"; }

## make schema: re-export graphql_schema/schema.graphql from the code
schema: install
	$(BIN)/python -m graphql_schema.export

## make bench: every benchmark of docs/benchmarks.md (minutes; not part of make test)
bench: install ensure-postgres ensure-wrk
	$(BIN)/python -m bench.run_all

## ensure-wrk: the HTTP load generator of the leaderboard benchmark (Debian package)
ensure-wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "installing wrk for the leaderboard benchmark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
