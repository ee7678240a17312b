# Creative Hub. The README names two of these: `make run` and `make test`.

.DEFAULT_GOAL := help
SHELL := /bin/bash

# uv on PATH, or the copy scripts/setup.sh installed with pip (looked up when used,
# so after `setup` has run). --frozen: run exactly what uv.lock pins.
UV = $(shell command -v uv >/dev/null 2>&1 && echo uv || echo python3 -m uv)
UV_RUN = $(UV) run --frozen
LINT_PATHS = $(wildcard src tests bench)

.PHONY: help setup run test lint typecheck pytest migrate bench clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install what is missing (Debian packages, uv, Python and npm packages, static assets)
	@bash scripts/setup.sh

run: setup ## Set up, migrate and serve on http://127.0.0.1:8000
	$(UV_RUN) creative-hub serve

test: setup ## Set up, then lint, typecheck and pytest (all three run; fails if any fails)
	@failed=""; \
	for step in lint typecheck pytest; do \
	  echo "==> make $$step"; \
	  $(MAKE) --no-print-directory $$step || failed="$$failed $$step"; \
	done; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed" >&2; exit 1; fi

lint: ## ruff (rules and formatting) on src, tests and bench
	$(UV_RUN) ruff check $(LINT_PATHS)
	$(UV_RUN) ruff format --check $(LINT_PATHS)

typecheck: ## mypy (strict) on the package
	$(UV_RUN) mypy

# Two pytest processes (pytest-xdist): most tests wait on servers, browsers and
# subprocesses, so two halve the wall time on two cores; more gained nothing here.
PYTEST_WORKERS ?= 2

pytest: ## pytest in PYTEST_WORKERS processes; PYTEST_ARGS="-k name" to select (collecting no test is a failure)
	@$(UV_RUN) pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; \
	exit $$rc

migrate: ## Upgrade the database to the latest revision (REV=<revision> for another)
	@bash migrate.sh $(REV)

bench: setup ## Run the benchmarks (see docs/performance.md)
	$(UV_RUN) python -m bench.run_all

clean: ## Remove caches, node_modules, copied assets and test artifacts (keeps .venv and data/)
	rm -rf node_modules src/creative_hub/web/static/vendor test-artifacts \
	  .pytest_cache .mypy_cache .ruff_cache build dist
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
