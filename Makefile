# Illinois Medicaid MCO Provider Complaint Portal — developer commands. `make` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
USWDS_VERSION ?= 3.14.0
# Debian packages the test suite starts for real (PostgreSQL and Redis on loopback, in temp dirs).
TEST_DEB_PACKAGES := postgresql redis-server clamav-daemon chromium fonts-dejavu-core

.DEFAULT_GOAL := help
.PHONY: help run test lint bench bench-scale lighthouse uswds-css vendor-uswds system-deps clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

run: $(VENV)/.runtime-installed ## Set up, load demo data and serve the embedded default at http://127.0.0.1:8000/
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving at http://127.0.0.1:8000/ (SQLite in var/, tasks in-process, email on this console). Ctrl-C stops."
	$(PY) manage.py runserver 127.0.0.1:8000

system-deps: ## Install the Debian packages the tests need, if any is missing
	@missing=""; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing="$$missing postgresql"; \
	{ command -v clamd >/dev/null 2>&1 || test -x /usr/sbin/clamd; } || missing="$$missing clamav-daemon"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(TEST_DEB_PACKAGES); \
	fi

test: system-deps $(VENV)/.dev-installed ## Set up and run the whole test suite against real PostgreSQL and Redis
	$(PY) -m pytest

BANDIT_PATHS = manage.py portal accounts complaints reporting demo

N ?= 100000
SCALE ?= 10000,100000,1000000

bench: system-deps $(VENV)/.dev-installed ## Every page's throughput vs. /healthz at N complaints (default 100000); writes bench/results.md
	$(PY) bench/run.py --complaints $(N) $(BENCH_ARGS)

bench-scale: system-deps $(VENV)/.dev-installed ## The three lists at 10k, 100k and 1M complaints: flat within 25 %? Writes bench/scale.md
	$(PY) bench/run.py --scale $(SCALE) $(BENCH_ARGS)

lighthouse: system-deps $(VENV)/.dev-installed ## Lighthouse performance of the public pages under the production settings (LIGHTHOUSE_ARGS="--screenshots DIR" compares with full USWDS)
	test -x tools/lighthouse/node_modules/.bin/lighthouse || (cd tools/lighthouse && npm ci --no-audit --no-fund)
	$(PY) tools/lighthouse/run.py $(LIGHTHOUSE_ARGS)

uswds-css: $(VENV)/.runtime-installed ## Write the USWDS rules the portal uses again (after a template uses a new USWDS class)
	$(PY) manage.py vendor_uswds --purge

lint: $(VENV)/.dev-installed ## ruff (lint + format check), djlint and bandit (the apps, not the tests)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/bandit -q -r $(BANDIT_PATHS)

vendor-uswds: $(VENV)/.runtime-installed ## Refresh static/vendor/uswds from the npm package (USWDS_VERSION=3.14.x)
	@tmp=$$(mktemp -d); \
	(cd $$tmp && npm pack --silent @uswds/uswds@$(USWDS_VERSION) >/dev/null && tar xzf uswds-uswds-*.tgz) && \
	$(PY) manage.py vendor_uswds $$tmp/package; status=$$?; rm -rf $$tmp; exit $$status

clean: ## Remove the virtualenv and local data (var/)
	rm -rf $(VENV) var .pytest_cache .ruff_cache
