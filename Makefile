# Trellis — the commands a newcomer needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
ASSETS := frontend/build/trellis/trellis.css
export DJANGO_SETTINGS_MODULE ?= config.settings

.DEFAULT_GOAL := help
.PHONY: help setup run test test-fast lint bench browser-deps system-deps demo clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Trellis needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(ASSETS): $(NODE_STAMP) frontend/trellis.scss frontend/build.mjs frontend/trellis.js
	npm run --silent build

setup: $(STAMP) $(ASSETS) system-deps ## Create .venv and install Python, front-end and system dependencies (safe to re-run)
	@mkdir -p var

demo: setup ## Migrate the SQLite database and load the Northbridge demo place (idempotent)
	$(BIN)/trellis migrate --no-input -v0
	$(BIN)/trellis demo load

run: demo ## Set everything up and serve the demo on http://127.0.0.1:8000
	@$(BIN)/trellis demo accounts
	DEBUG=true $(BIN)/trellis runserver 127.0.0.1:8000

system-deps: ## Install Debian's Pango, which WeasyPrint needs for PDFs (if missing)
	@libs="$$( { ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null )"; missing=""; \
	echo "$$libs" | grep -q 'libpango-1.0.so.0' || missing="$$missing libpango-1.0-0"; \
	echo "$$libs" | grep -q 'libpangoft2-1.0.so.0' || missing="$$missing libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing for PDFs…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

browser-deps: ## Install Debian's Chromium for browser journeys (if missing)
	@command -v chromium >/dev/null || { \
	  echo "Installing Chromium for browser tests…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Locally the test database is kept between runs (--reuse-db: only new migrations are applied); CI starts clean.
REUSE_DB := $(if $(CI),--create-db,--reuse-db)

test: setup browser-deps ## Install what is missing and run the whole suite (lint, format, types, architecture, tests)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/trellis makemigrations --check --dry-run -v0
	$(BIN)/pytest -n 2 --dist loadfile --durations=20 $(REUSE_DB)

test-fast: setup ## Run the tests without the browser journeys
	$(BIN)/pytest -n 2 -m "not browser" $(REUSE_DB)

lint: setup ## ruff, mypy on the rule layers, import-linter contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: setup ## Benchmarks: directory search speed, 50 bids in the last minute, the evaluation engine (prints figures)
	$(BIN)/python benchmarks/directory_search.py
	$(BIN)/python benchmarks/bid_rush.py
	$(BIN)/python benchmarks/evaluation.py

clean: ## Remove the virtualenv, node modules, built assets and the local database
	rm -rf $(VENV) node_modules frontend/build var

.PHONY: coverage
coverage: setup ## Run the tests (not the browser journeys) under coverage with branches, then the coverage ratchet
	$(BIN)/pytest -n 2 -m "not browser" --cov=trellis --cov-branch --cov-report=json
	$(BIN)/python scripts/coverage_ratchet.py
