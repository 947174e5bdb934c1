# childcop — two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
MANAGE := $(BIN)/python manage.py
# The Makefile is the developer's tool: local development mode unless told otherwise.
export DJANGO_DEBUG ?= 1
# The port `make run` serves on (another one: PORT=8001 make run); links in emails follow it.
PORT ?= 8000
export PORT
export CHILDCOP_SITE_URL ?= http://127.0.0.1:$(PORT)
# Python keeps compiled bytecode (dependencies compiled at install, ours on first import):
# every process the product and its tests start (web, worker, commands) then starts in about
# 2 s instead of 5 s, even where the environment asks Python not to write it.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help deps setup run test test-fast lint format bench loadtest chromium clean

help:
	@echo "make run    - set up everything and start web, worker and scheduler with demo data (PORT=8001 make run: another port)"
	@echo "make test   - set up everything and run the whole test suite"
	@echo "make lint   - ruff check, ruff format --check, makemigrations --check"
	@echo "make bench  - build a large program in PostgreSQL and benchmark pages and the report job"
	@echo "make loadtest - 50 simulated people on the production shape (gunicorn, PostgreSQL, Redis, Celery)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	@touch $@

node_modules/.deps: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

var:
	mkdir -p var

# What every target needs: the dependencies (Python and front-end) and var/.
deps: $(VENV)/.deps node_modules/.deps | var

setup: deps
	$(MANAGE) migrate --noinput

run: setup
	$(MANAGE) seed_demo
	@echo; echo "childcop starts on http://127.0.0.1:$(PORT) (web, worker and beat; Ctrl-C stops all three)"; echo
	$(BIN)/honcho --no-colour -f Procfile start

# The browser tests drive Debian's chromium; install it when it is missing and we may.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; \
	  else echo "The browser tests need Debian's chromium: apt-get install chromium" >&2; exit 1; fi; }

# Two pytest-xdist workers, each with its own test database and broker queue. Local runs keep
# the test databases between runs (--reuse-db; migrations are still applied); CI builds them
# afresh: make test PYTEST_DB=--create-db.
PYTEST_WORKERS ?= 2
PYTEST_DB ?= --reuse-db
# PYTEST_ARGS: more arguments for pytest, e.g. PYTEST_ARGS='-m "not e2e"'.
PYTEST_ARGS ?=
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_DB) $(PYTEST_ARGS)

# The suite builds databases of its own: the one `make setup` migrates is `make run`'s.
test: deps chromium
	$(PYTEST)

test-fast: deps
	$(PYTEST) -m "not e2e"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# PostgreSQL at DATABASE_URL (else postgres://postgres@127.0.0.1:5432/childcop_bench);
# e.g. make bench BENCH_ARGS="--rebuild" or BENCH_ARGS="--requests 200". Not part of make test.
bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

# The production shape under 50 simulated people (locust), on the benchmark's large program
# in LOADTEST_DATABASE_URL (else postgres://postgres@127.0.0.1:5432/childcop_loadtest).
# e.g. make loadtest LOADTEST_ARGS="--seconds 120". Not part of make test.
loadtest: setup
	$(BIN)/python -m bench.loadtest $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache staticfiles
