# Two commands on a fresh machine: `make run` (serve on SQLite at 127.0.0.1:8080) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
HOST ?= 127.0.0.1
PORT ?= 8080
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: install run test check lint typecheck imports openapi openapi-check clients clients-check lint-deploy kibana bench bench-memory engine clean

# uv.lock pins (with hashes) every package of the server and its dev tools: the venv holds exactly those,
# and nothing else. pip only bootstraps the uv version the lock itself pins; `uv sync --locked` refuses a
# lock that disagrees with pyproject.toml (run `make lock`). The uv commands never download a Python.
UV := UV_PYTHON_DOWNLOADS=never $(BIN)/uv
LOCKED_UV_VERSION = $(shell sed -n '/^name = "uv"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' uv.lock)

# uv itself, at the version uv.lock pins: all that `make lock` and `make lock-check` need.
$(BIN)/uv: uv.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check 'uv==$(LOCKED_UV_VERSION)'
	touch $@

$(STAMP): $(BIN)/uv pyproject.toml uv.lock clients/python/setup.py sdk/python/pyproject.toml
	$(UV) sync --quiet --locked --extra dev --python $(BIN)/python
	# The generated client and the worker SDK: libraries with loose bounds, so their dependencies come from
	# the lock (--no-deps; `uv pip check` proves nothing is missing). Compat mode puts their folders on
	# sys.path so mypy sees them.
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --config-settings editable_mode=compat -e clients/python -e sdk/python
	$(UV) pip check --quiet --python $(BIN)/python
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
	$(BIN)/mypy app tests sdk/python/tasques_worker examples/python_worker.py

imports: $(STAMP)
	$(BIN)/lint-imports

openapi: $(STAMP)
	$(BIN)/tasques openapi > openapi/openapi.json

openapi-check: $(STAMP)
	$(BIN)/tasques openapi | diff -u openapi/openapi.json - \
		|| (echo "openapi/openapi.json is stale: run 'make openapi' and commit it" && exit 1)

# clients/python and clients/typescript/src/generated are generated from openapi/openapi.json and
# committed; clients/generate.sh writes them, here or into a scratch folder for the drift check.
TS_CLIENT := clients/typescript
TS_MODULES := $(TS_CLIENT)/node_modules/.package-lock.json

$(TS_MODULES): $(TS_CLIENT)/package.json $(TS_CLIENT)/package-lock.json
	cd $(TS_CLIENT) && npm ci --no-audit --no-fund --loglevel=error
	touch $(TS_MODULES)

clients: openapi $(TS_MODULES)
	clients/generate.sh clients

clients-check: $(STAMP) $(TS_MODULES)
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	clients/generate.sh "$$scratch" && \
	if ! { diff -ru -x '*.egg-info' -x __pycache__ -x build -x '.*_cache' clients/python "$$scratch/python" && \
	       diff -ru $(TS_CLIENT)/src/generated "$$scratch/typescript/src/generated"; }; then \
	  echo "clients/ is stale against openapi/openapi.json: run 'make clients' and commit clients/python and $(TS_CLIENT)/src/generated"; \
	  exit 1; \
	fi

# Static checks of docker/, k8s/ and kibana/ (no Docker engine or cluster needed): hadolint, Kubernetes
# schemas for the built-in kinds, then the structure tests (compose, ECK fields, wiring, Kibana objects).
lint-deploy: $(STAMP)
	$(BIN)/hadolint docker/Dockerfile
	$(BIN)/kubernetes-validate --strict --quiet k8s/configmap.yaml k8s/deployment.yaml k8s/service.yaml \
		k8s/hpa.yaml k8s/pdb.yaml k8s/setup-job.yaml
	$(BIN)/pytest -q -p no:cacheprovider tests/deploy

# kibana/tasques_saved_objects.ndjson is rendered from app/cli/kibana_objects.py for the default prefix.
kibana: $(STAMP)
	$(BIN)/tasques kibana export --prefix tasques_ > kibana/tasques_saved_objects.ndjson

# `make lock` moves uv.lock and the TypeScript client's package-lock.json to the newest versions the bounds
# in pyproject.toml and package.json allow. After editing pyproject.toml, `.venv/bin/uv lock` re-resolves
# only what the edit changed.
.PHONY: lock lock-check
lock: $(BIN)/uv
	$(UV) lock --upgrade
	cd $(TS_CLIENT) && npm update --package-lock-only --no-audit --no-fund --loglevel=error

# CI fails when pyproject.toml and uv.lock disagree: any edited bound or dependency, even one the locked
# version still satisfies (the lock records the requirements it was resolved from; it reads the index only
# when they differ, to say what changes). package-lock.json needs no target of its own: `npm ci` refuses
# one that disagrees with package.json.
lock-check: $(BIN)/uv
	$(UV) lock --check \
		|| (echo "uv.lock disagrees with pyproject.toml: run '.venv/bin/uv lock' (or 'make lock') and commit uv.lock" \
			&& exit 1)

check: lock-check lint typecheck imports openapi-check clients-check lint-deploy test

# Schemathesis against the committed openapi/openapi.json with a larger budget than the copy in `make test`
# (tests/fuzz): FUZZ_EXAMPLES per operation, FUZZ_STATEFUL_EXAMPLES linked scenarios, seed FUZZ_SEED.
# --runxfail shows open findings as failures with their reproducing requests instead of as xfail.
FUZZ_EXAMPLES ?= 500
FUZZ_STATEFUL_EXAMPLES ?= 100
FUZZ_SEED ?= 20261123
.PHONY: fuzz
fuzz: $(STAMP)
	TASQUES_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) TASQUES_FUZZ_STATEFUL_EXAMPLES=$(FUZZ_STATEFUL_EXAMPLES) \
	TASQUES_FUZZ_STATEFUL_STEPS=10 TASQUES_FUZZ_SEED=$(FUZZ_SEED) \
		$(BIN)/pytest -p no:cacheprovider --runxfail tests/fuzz $(PYTEST_ARGS)

# Soak and fault injection (tests/soak, not collected by pytest): 4 servers on one SQLite file (on the
# cluster of TASQUES_TEST_ES_URL when set), 50 workers, 50k scripted tasks (about 4 minutes on 2 cores),
# a recurring schedule and random SIGKILLs of servers (the leader too) and workers; prints a summary,
# exits 1 on any problem. SOAK_ARGS='--tasks 100000' for the full scale (about 8 minutes),
# SOAK_ARGS='--tasks 5000 --budget 60' for a shorter run; --help lists the knobs.
SOAK_ARGS ?=
.PHONY: soak
soak: $(STAMP)
	$(BIN)/python -m tests.soak.run_soak $(SOAK_ARGS)

# The soak on a search engine: the cluster of TASQUES_TEST_ES_URL, else one OpenSearch node started from
# Maven Central jars for the run (Java and Maven needed); a bounded size by default.
SOAK_ENGINE_ARGS ?= --tasks 5000 --budget 120
.PHONY: soak-engine
soak-engine: $(STAMP)
	$(BIN)/python -m tests.soak.run_soak --engine $(SOAK_ENGINE_ARGS)

# Benchmarks are not tests: starts its own servers and prints one table per backend (Elasticsearch too
# when TASQUES_BENCH_ES_URL is set). BENCH_ARGS=--quick for a smoke run; BENCH_ARGS='--write-md --profile'
# refreshes BENCHMARKS.md.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# A real OpenSearch 2.19.6 (NODES nodes, one JVM each) from Maven Central jars (tests/engine, built on first
# use with Maven, JDK 17): prints its URL and version and keeps it until Ctrl-C.
NODES ?= 1
engine: $(STAMP)
	$(BIN)/python -m tests.support.engine --nodes $(NODES)

# One server under the bench's end-to-end load, round after round, for MINUTES (10): is its memory flat?
MINUTES ?= 10
bench-memory: $(STAMP)
	$(BIN)/python -m bench.memory --minutes $(MINUTES)

clean:
	rm -rf $(VENV) .ci-artifacts .mypy_cache .ruff_cache .pytest_cache clients/typescript/node_modules clients/typescript/dist
