# The two commands the README promises: `make run` and `make test`.
# Everything installs into .venv and node_modules inside the project.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app inquiry
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run demo test lint bench assets migrate install install-test clean

run: install assets migrate
	@$(FLASK) inquiry setup-link
	$(FLASK) run --host $(HOST) --port $(PORT)

# Like `run`, on a database of its own rebuilt each time, holding two fictional inquiries
# with an account for every role (printed on the console). DEMO_PASSWORD sets their password.
DEMO_DB := $(CURDIR)/instance/demo.sqlite
DEMO_ENV := DATABASE_URL=sqlite:///$(DEMO_DB) REPORT_FOLDER=$(CURDIR)/instance/demo-reports BASE_URL=http://$(HOST):$(PORT)

demo: install assets
	@mkdir -p instance
	rm -rf $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm instance/demo-reports
	$(DEMO_ENV) $(FLASK) db upgrade
	$(DEMO_ENV) $(FLASK) inquiry demo
	$(DEMO_ENV) $(FLASK) run --host $(HOST) --port $(PORT)

test: install-test assets
	@scripts/ensure_chromium.sh
	@scripts/ensure_redis.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# Seeds synthetic inquiries and measures the main pages under gunicorn and wrk.
bench: install-test assets
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "The benchmark needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python benchmarks/run.py

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrate: install
	@mkdir -p instance
	$(FLASK) db upgrade

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (set PYTHON=python3.11 if you have it)."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create a virtual environment: on Debian, apt-get install python3-venv"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python scripts/check_system.py
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

assets: static/dist/.built

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to build the front-end: apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/dist/.built: node_modules/.installed build-assets.mjs $(wildcard static/src/*)
	npm run --silent build
	@touch $@

clean:
	rm -rf $(VENV) node_modules static/dist
