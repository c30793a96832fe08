# Two commands matter: `make run` (the bot) and `make test` (the whole suite).
# Both build the virtualenv they need first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test conflicts lint demo bench migrate reliability clean lock audit simulate

# requirements.lock pins every package CI, the container and this venv install (`make lock`).
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test,postgres]'
	touch $(STAMP)

run: $(STAMP)
	@if [ -n "$$SLACK_APP_TOKEN" ]; then exec $(BIN)/practice-bot socket; \
	else exec $(BIN)/practice-bot serve; fi

# The fast checks first (the same as .pre-commit-config.yaml), then mypy and the suite.
test: $(STAMP) conflicts
	$(BIN)/ruff check bot tests bench migrations/env.py
	$(BIN)/ruff format --check bot tests bench migrations/env.py
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The reliability suite on SQLite and PostgreSQL, then docs/reliability.md from its results.
reliability: $(STAMP)
	PRACTICE_TEST_POSTGRES=1 $(BIN)/python -m pytest tests/reliability $(PYTEST_ARGS)
	$(BIN)/python -m tests.reliability.report

# No committed merge-conflict marker in a tracked file (tests/test_documents.py checks it too).
conflicts:
	@! git grep -InE '^(<<<<<<<|>>>>>>>)( |$$)|^=======$$' -- . || \
		{ echo "merge-conflict markers above"; exit 1; }


# Seeded simulations of the whole bot with faults (tests/simulation, docs/reliability.md):
# `make simulate SEEDS=50 WEEKS=4`, one seed again with `make simulate SEED=7`, POSTGRES=1 for
# PostgreSQL, WORKSPACES=1 for the single-token mode (default: two workspaces over OAuth).
SEEDS ?= 20
WEEKS ?= 2
simulate: $(STAMP)
	$(BIN)/python -m tests.simulation --weeks $(WEEKS) \
	  $(if $(SEED),--seed $(SEED),--seeds $(SEEDS)) $(if $(POSTGRES),--postgres,) \
	  $(if $(WORKSPACES),--workspaces $(WORKSPACES),)

lint: $(STAMP) conflicts
	$(BIN)/ruff check bot tests bench migrations/env.py
	$(BIN)/ruff format --check bot tests bench migrations/env.py
	$(BIN)/lint-imports
	$(BIN)/mypy

demo: $(STAMP)
	$(BIN)/practice-bot demo

# The bench's extras: profilers and the second baseline's stack (uvicorn, AsyncApp's aiohttp).
$(VENV)/.bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

bench: $(VENV)/.bench
	$(BIN)/python -m bench

migrate: $(STAMP)
	$(BIN)/practice-bot migrate

# Re-pin after changing pyproject.toml's dependencies (tests/test_lock.py fails until you do).
lock: $(STAMP)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  --extra test --extra postgres -o requirements.lock pyproject.toml

# Known vulnerabilities in the pinned packages (.ci/audit says when it cannot).
audit: $(STAMP)
	sh .ci/audit $(BIN)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
