# Casework. `make run` and `make test` are the two entry points; `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DJANGO_DEV := DJANGO_SETTINGS_MODULE=config.settings.dev

.DEFAULT_GOAL := help
.PHONY: help run test check format worker demo benchmarks install assets migrate clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(INSTALLED): requirements/lock.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
	touch $(INSTALLED)

install: $(INSTALLED) assets ## Create .venv and install the locked dependencies (Python and front-end)

# Front-end assets: GOV.UK Frontend and MOJ Frontend from package-lock.json (npm ci), copied into the static
# folder that Django's staticfiles serves. Node is needed only here, never at run time. The precompiled CSS
# refers to /assets/...: rewritten to a path relative to the CSS file so it works under any STATIC_URL.
NODE_INSTALLED := node_modules/.installed
VENDOR := casework/static/vendor
ASSETS_BUILT := $(VENDOR)/.built

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_INSTALLED)

$(ASSETS_BUILT): $(NODE_INSTALLED)
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/govuk $(VENDOR)/moj
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css \
	   node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/govuk/
	cp -R node_modules/govuk-frontend/dist/govuk/assets $(VENDOR)/govuk/assets
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css \
	   node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js $(VENDOR)/moj/
	cp -R node_modules/@ministryofjustice/frontend/moj/assets $(VENDOR)/moj/assets
	sed -i.bak 's#url(/assets/#url(assets/#g' $(VENDOR)/govuk/govuk-frontend.min.css $(VENDOR)/moj/moj-frontend.min.css
	rm -f $(VENDOR)/govuk/*.bak $(VENDOR)/moj/*.bak
	touch $(ASSETS_BUILT)

assets: $(ASSETS_BUILT) ## Install the front-end packages from the lock (npm ci; axe-core for tests) and copy them into static/

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

check: install ## Lint, format check, type-check, import contracts, migrations check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy casework config
	$(VENV)/bin/lint-imports
	$(DJANGO_DEV) $(PY) manage.py makemigrations --check --dry-run

format: install ## Format the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

benchmarks: install ## Run the benchmarks (never part of make test); figures go to docs/benchmarks.md
	@for f in benchmarks/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean: ## Remove the virtual environment and the SQLite database
	rm -rf $(VENV) db.sqlite3 node_modules $(VENDOR)
