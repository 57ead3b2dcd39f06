# Casework. `make run` and `make test` are the two entry points; `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DJANGO_DEV := DJANGO_SETTINGS_MODULE=config.settings.dev

.DEFAULT_GOAL := help
.PHONY: help run test check format worker demo benchmarks install migrate clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(INSTALLED): requirements/lock.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
	touch $(INSTALLED)

install: $(INSTALLED) ## Create .venv and install the locked dependencies

migrate: install ## Apply database migrations (SQLite by default; DATABASE_URL switches)
	$(DJANGO_DEV) $(PY) manage.py migrate --noinput

demo: migrate ## Load the synthetic demo data (idempotent)
	$(DJANGO_DEV) $(PY) manage.py generate_demo_data

run: demo ## Install, migrate, load demo data and serve http://127.0.0.1:8000 on SQLite
	$(DJANGO_DEV) $(PY) manage.py runserver 127.0.0.1:8000

worker: migrate ## Run the task worker and the review-sweep scheduler
	$(DJANGO_DEV) $(PY) manage.py run_scheduler --interval $${SWEEP_INTERVAL:-3600} & \
	$(DJANGO_DEV) $(PY) manage.py db_worker; kill %1

test: install ## Install and run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)
	$(PY) -m pytest -q

check: install ## Lint, type-check, import contracts, migrations check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy casework config
	$(VENV)/bin/lint-imports
	$(DJANGO_DEV) $(PY) manage.py makemigrations --check --dry-run

format: install ## Format the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

benchmarks: install ## Run the benchmarks (never part of make test); figures go to docs/benchmarks.md
	@for f in benchmarks/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean: ## Remove the virtual environment and the SQLite database
	rm -rf $(VENV) db.sqlite3
