# The two commands a newcomer needs: `make start` and `make test` (`make test-quick` while you work).
# Both work on a machine that has only Python 3.11, pip and make.

PORT ?= 8501
HOST ?= localhost
# uv from the PATH when there is one, otherwise a private copy installed into .tools/
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
UV_VERSION := 0.13.9

.PHONY: start test test-quick lint screenshots sync browser postgres check-content clean

start: sync
	@echo "The course is starting at http://$(HOST):$(PORT) (Ctrl+C stops it)"
	$(UV) run --frozen streamlit run course/app.py \
		--server.port $(PORT) --server.address $(HOST) --server.headless true \
		--browser.gatherUsageStats false

test: sync browser postgres lint
	$(UV) run --frozen pytest

# Lint, formatting and types, as `make test` checks them. `uv run ruff format` (and
# `uv run ruff check --fix`) fix most of what it finds.
lint: sync
	$(UV) run --frozen ruff check course tests benchmarks
	$(UV) run --frozen ruff format --check course tests benchmarks
	$(UV) run --frozen mypy

# The inner loop: every test but the slow ones (the real pose model on clips, anything over
# 2 s) and the browser ones. `make test` runs them all.
test-quick: sync postgres
	$(UV) run --frozen pytest -m "not slow and not browser"

# Refresh the README's screenshots with the same browser code the tests use
# (the self-check's and the dashboard's need a real clip: HINGE_CLIPS_DIR, default ../shared/clips).
HINGE_CLIPS_DIR ?= $(wildcard $(CURDIR)/../shared/clips)
screenshots: sync browser
	HINGE_CLIPS_DIR=$(HINGE_CLIPS_DIR) HINGE_SCREENSHOTS=docs/screenshots $(UV) run --frozen pytest tests/test_browser.py tests/test_homework_browser.py tests/test_dashboard_browser.py \
		tests/test_keeping_the_place_browser.py

check-content: sync
	$(UV) run --frozen python -m course.content_check

sync: $(UV)
	$(UV) sync --frozen --python 3.11

browser:
	@sh scripts/ensure-chromium.sh

# The store's tests also run against a throwaway PostgreSQL cluster (tests/postgres.py).
postgres:
	@sh scripts/ensure-postgres.sh

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

clean:
	rm -rf .tools .venv .pytest_cache
