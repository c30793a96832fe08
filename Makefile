# Two commands matter: `make run` (the bot) and `make test` (the whole suite).
# Both build the virtualenv they need first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint demo bench migrate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

run: $(STAMP)
	@if [ -n "$$SLACK_APP_TOKEN" ]; then exec $(BIN)/practice-bot socket; \
	else exec $(BIN)/practice-bot serve; fi

test: $(STAMP)
	$(BIN)/ruff check bot tests bench migrations/env.py
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench

demo: $(STAMP)
	$(BIN)/practice-bot demo

bench: $(STAMP)
	$(BIN)/python -m bench

migrate: $(STAMP)
	$(BIN)/practice-bot migrate

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
