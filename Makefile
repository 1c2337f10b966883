# Two commands on a fresh machine: `make run` (serve on SQLite at 127.0.0.1:8080) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
HOST ?= 127.0.0.1
PORT ?= 8080
PYTEST_ARGS ?=

.PHONY: install run test check lint typecheck imports openapi openapi-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/tasques serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	mkdir -p .ci-artifacts
	$(BIN)/pytest --junitxml=.ci-artifacts/junit.xml $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy app tests

imports: $(STAMP)
	$(BIN)/lint-imports

openapi: $(STAMP)
	$(BIN)/tasques openapi > openapi/openapi.json

openapi-check: $(STAMP)
	$(BIN)/tasques openapi | diff -u openapi/openapi.json - \
		|| (echo "openapi/openapi.json is stale: run 'make openapi' and commit it" && exit 1)

check: lint typecheck imports openapi-check test

clean:
	rm -rf $(VENV) .ci-artifacts .mypy_cache .ruff_cache .pytest_cache
