# kb: the commands a newcomer needs. `make run` sets up and starts the demo;
# `make test` runs the whole suite on PostgreSQL.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEV_LOCK := requirements/development.txt
STAMP := $(VENV)/.installed-$(shell cat $(DEV_LOCK) pyproject.toml | md5sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
SEED := fixtures/retort-ep04-developing-llms.txt

.PHONY: install lock run worker test lint format migrations-check bench

$(STAMP):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(DEV_LOCK)
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP) ## The development lock (kb, its test and lint tools) in .venv.

# Both locks from pyproject.toml, with hashes: production (kb's dependencies
# only) first, then development (plus the `dev` extra) constrained by it, so
# the two agree on every shared version. After a dependency change, or to
# settle a merge conflict in requirements/, run `make lock` and commit both.
PIP_COMPILE := $(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m piptools --help >/dev/null 2>&1 || $(PY) -m pip install --quiet pip-tools
	$(PIP_COMPILE) --output-file requirements/production.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements/production.txt \
	  --output-file $(DEV_LOCK) pyproject.toml

run: install ## Set up (venv, database, seed episode) and start the server.
	DEBUG=$${DEBUG-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG-1} $(PY) manage.py load_demo --address http://$(HOST):$(PORT)
	DEBUG=$${DEBUG-1} $(PY) manage.py db_worker & worker=$$!; \
	  trap 'kill $$worker' EXIT INT TERM; \
	  DEBUG=$${DEBUG-1} $(PY) manage.py runserver $(HOST):$(PORT)

worker: install ## Run background jobs (feed imports, re-extraction...) until stopped.
	DEBUG=$${DEBUG-1} $(PY) manage.py db_worker

test: install ## The whole suite, on PostgreSQL (DATABASE_URL, or the local server).
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install ## ruff (rules and format), then mypy over the pure core and services.
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

bench: install
	for script in bench/*_bench.py; do \
	  $(PY) $$script $$([ $$script = bench/api_bench.py ] && echo --quick) || exit 1; done
