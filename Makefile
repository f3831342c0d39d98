# Jinlin: `make demo` and `make test` work from a fresh clone.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PICCOLO_CONF := jinlin.piccolo_conf

.PHONY: demo test install frontend migrate seed serve worker beat lint fmt migration bench bench-province bench-city clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed frontend/node_modules/.package-lock.json

frontend: frontend/node_modules/.package-lock.json

migrate: install
	$(BIN)/jinlin db migrate

seed: migrate
	$(BIN)/jinlin seed demo --if-empty

## demo: venv, install, migrate, seed the demo county, serve on http://127.0.0.1:8000
demo: seed
	$(BIN)/jinlin serve --host 127.0.0.1 --port 8000

serve: install
	$(BIN)/jinlin serve

worker: install
	$(BIN)/jinlin worker

beat: install
	$(BIN)/jinlin beat

## test: install and run every test (PostgreSQL, Redis and Chromium tests run when CI provides them)
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check platform matching seeds tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format platform matching seeds tests bench

## migration: after changing tables, write the next migration (auto-detected; SQLite and PostgreSQL)
migration: install
	$(BIN)/piccolo migrations new jinlin --auto

## bench: the matcher's benchmarks (figures and ratios; see bench/README.md). bench-province takes minutes and ~7 GB.
bench: install
	$(BIN)/python bench/bench_allocation.py
	$(BIN)/python bench/bench_unsplittable.py
	$(BIN)/python bench/bench_gap.py
	$(BIN)/python bench/bench_twinning_roster.py

bench-province: install
	$(BIN)/python bench/bench_province.py

## bench-city: the real server on the city demo (SQLite, and PostgreSQL when JINLIN_BENCH_DATABASE_URL is set), wrk
bench-city: install
	$(BIN)/python bench/bench_city.py

clean:
	rm -rf $(VENV) frontend/node_modules var .pytest_cache
