# kb: the commands a newcomer needs. `make run` sets up and starts the demo;
# `make test` runs the whole suite on PostgreSQL.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | md5sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
SEED := fixtures/retort-ep04-developing-llms.txt

.PHONY: install run test lint format migrations-check bench fuzz

$(STAMP):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: install ## Set up (venv, database, seed episode) and start the server.
	DEBUG=$${DEBUG-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG-1} $(PY) manage.py load_demo --address http://$(HOST):$(PORT)
	DEBUG=$${DEBUG-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: install ## The whole suite, on PostgreSQL (DATABASE_URL, or the local server).
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

bench: install
	for script in bench/*_bench.py; do \
	  $(PY) $$script $$([ $$script = bench/api_bench.py ] && echo --quick) || exit 1; done

fuzz: install ## The write side's fuzzing at a high example count (CI runs few).
	KB_FUZZ_EXAMPLES=$${KB_FUZZ_EXAMPLES-2000} $(PY) -m pytest -p no:warnings \
	  tests/test_fuzz_write.py tests/test_transcripts_fuzz.py $(PYTEST_ARGS)
