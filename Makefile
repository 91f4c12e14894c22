# Two commands matter: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
UV := $(BIN)/uv
UV_TRIED := $(VENV)/.uv-tried
PYTEST_ARGS ?=
export DILIGENCE_PORT ?= 8000

.PHONY: run test test-e2e lint install lock format clean bench eval-real eval-corpus

# Running needs only the runtime dependencies; the development extra (test, lint, bench tools)
# is installed by the targets that use it. uv installs from the lock file in seconds; where it
# cannot be fetched, pip does the same job more slowly.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Tried once per .venv: without uv (no network to fetch it) pip is used.
$(UV_TRIED): | $(BIN)/python
	-@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv 2>/dev/null
	@touch $(UV_TRIED)

define install_from_lock
	@if [ -x $(UV) ]; then \
		$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -c requirements.lock $(1); \
	else \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock $(1); \
	fi
endef

$(RUN_STAMP): pyproject.toml requirements.lock | $(UV_TRIED)
	@echo "Installing what running needs (once)..."
	$(call install_from_lock,-e .)
	@touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	@echo "Installing the development tools (once)..."
	$(call install_from_lock,-e '.[dev]')
	@touch $(STAMP)

install: $(STAMP)

run: $(RUN_STAMP)
	@mkdir -p var
	@# Compiled once here, so that start-up does not compile the app on every run.
	@$(BIN)/python -m compileall -q app
	@# Migrates, loads demo data when the database is empty, prints how to sign in, serves.
	@$(BIN)/diligence serve --setup --port $(DILIGENCE_PORT)

# Browser tests (tests/e2e, marker e2e) run when Debian's Chromium is installed; they stay on one
# xdist worker (--dist loadgroup). DILIGENCE_TEST_REQUIRE_E2E=1 (CI) fails instead of skipping.
CHROMIUM ?= /usr/bin/chromium
E2E_SKIPPED = Browser tests SKIPPED: no Chromium at $(CHROMIUM) (apt-get install chromium) or no Playwright in $(VENV).

test: install
	@if [ -n "$$DILIGENCE_TEST_REQUIRE_E2E" ] || { [ -x "$(CHROMIUM)" ] && $(BIN)/python -c "import playwright" 2>/dev/null; }; then \
		echo "Browser tests included (Chromium at $(CHROMIUM))."; \
		$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS); \
	else \
		echo "$(E2E_SKIPPED)"; \
		$(BIN)/pytest -n 2 -m "not e2e" $(PYTEST_ARGS) && echo "$(E2E_SKIPPED)"; \
	fi

# Only the browser tests; screenshots and axe-core results land in var/screenshots/.
test-e2e: install
	DILIGENCE_TEST_REQUIRE_E2E=1 $(BIN)/pytest -m e2e -p no:xdist $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:xdist tests/unit/architecture

# Benchmarks (about 9 minutes on 2 cores); figures and commands in docs/benchmarks.md.
# Each script prints a table and, as its last line, one JSON object.
bench: install
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/portal_load.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/rescore.py
	$(BIN)/python bench/upload_to_score.py

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the pinned versions after changing dependencies in pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check '.[dev]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^diligence' > requirements.lock
	rm -rf .lock-venv build

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Reading accuracy on labelled documents kept beside the project (never inside it):
# ../shared/real-corpus holds real vendor documents, ../shared/corpus generated ones.
REAL_CORPUS ?= ../shared/real-corpus
SAMPLE_CORPUS ?= ../shared/corpus

eval-real: install
	@if [ -f "$(REAL_CORPUS)/labels.json" ]; then \
		$(BIN)/diligence reports evaluate $(REAL_CORPUS)/labels.json $(REAL_CORPUS)/pdfs --informative; \
	else \
		echo "eval-real SKIPPED: no labelled documents at $(REAL_CORPUS)"; \
	fi

eval-corpus: install
	@if [ -f "$(SAMPLE_CORPUS)/labels.json" ]; then \
		$(BIN)/diligence reports evaluate $(SAMPLE_CORPUS)/labels.json $(SAMPLE_CORPUS)/pdfs; \
	else \
		echo "eval-corpus SKIPPED: no labelled documents at $(SAMPLE_CORPUS)"; \
	fi
