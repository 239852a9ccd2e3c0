# RMM: two commands for a newcomer.
#   make run   -> demo application with data on http://127.0.0.1:8000 (PORT overrides)
#   make test  -> the whole test suite (uses DATABASE_URL / REDIS_URL when set)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test screenshots messages lint check-python clean bench

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "RMM needs Python 3.11 or newer (found %s)." % sys.version.split()[0])'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed-run

messages: $(VENV)/.installed-run
	$(BIN)/python manage.py compile_translations

run: $(VENV)/.installed-run messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python -m rmm.devserver

# The whole suite: the browser journeys on their own (Playwright's event loop stays in its
# process: no database test may run after it there), then the database tests spread over the
# machine's cores (pytest-xdist, one test database per worker). With PYTEST_ARGS, just those.
TEST_WORKERS ?= auto
test: $(VENV)/.installed-dev messages
ifeq ($(strip $(PYTEST_ARGS)),)
	$(BIN)/python -m pytest tests/e2e
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --ignore=tests/e2e
else
	$(BIN)/python -m pytest $(PYTEST_ARGS)
endif

# Rewrites docs/screenshots/ from the browser journeys (a plain test run never touches them).
screenshots: $(VENV)/.installed-dev messages
	RMM_SCREENSHOTS=1 $(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

# Every page timed over HTTP at 100,000 cases on PostgreSQL (creates and drops the database
# rmm_bench), written to docs/BENCHMARKS.md. A quick run: make bench BENCH_ARGS="--cases 5000".
bench: $(VENV)/.installed-dev messages
	$(BIN)/python bench/pages_http.py $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf var .pytest_cache
