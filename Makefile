# Two commands a newcomer needs: `make demo` and `make test`. Both build .venv first,
# installing exactly the versions in constraints.txt (the tested set).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := constraints.txt
PIP := $(BIN)/pip install --quiet --constraint $(CONSTRAINTS)
# One stamp per install: `make demo` installs only what the demo needs; `make test` adds
# the test extras on top. Either redoes its install when pyproject or the pins change.
BASE := $(VENV)/.base
DEMO_STAMP := $(VENV)/.installed-demo
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint schemas constraints soak bench sandbox clean

$(BASE):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	touch $(BASE)

$(DEMO_STAMP): pyproject.toml $(CONSTRAINTS) | $(BASE)
	$(PIP) -e .
	touch $(DEMO_STAMP)

$(TEST_STAMP): pyproject.toml $(CONSTRAINTS) | $(BASE)
	$(PIP) -e '.[test]'
	touch $(TEST_STAMP) $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/launch-tui demo

# Everything that gates a change: the formatter, the linter, the type checker, the import
# contracts between the layers (all configured in pyproject.toml), and the tests.
test: lint
	$(BIN)/python -m pytest -q -n auto -m "not soak"

lint: $(TEST_STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# Rewrite docs/schemas/*.json from the pydantic models (a test fails while they are stale).
schemas: $(TEST_STAMP)
	$(BIN)/python tools/json_schemas.py

# Re-pin constraints.txt: the newest versions pyproject.toml allows, resolved in a fresh
# venv (after adding or changing a dependency; then run `make test` and commit both).
constraints:
	tools/refresh_constraints.sh $(PYTHON)

soak: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -m soak

bench: $(TEST_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

sandbox: $(DEMO_STAMP)
	$(BIN)/launch-tui sandbox

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
