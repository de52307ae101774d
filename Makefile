# carter-site: `make run` serves the site with demo content; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres lint format migrations-check install install-dev clean docker-check

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

## run: install, migrate SQLite, load demo content, print the admin login, serve on :8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_content
	$(PY) manage.py ensure_dev_admin --site-url http://$(HOST):$(PORT)
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite, on SQLite and on a throwaway PostgreSQL server
test: install-dev migrations-check test-sqlite test-postgres

test-sqlite: install-dev
	$(PY) -m pytest --db=sqlite -p no:cacheprovider

test-postgres: install-dev
	@$(PY) -m tests.postgres_server
	$(PY) -m pytest --db=postgres -p no:cacheprovider

## node-deps: axe-core (browser tests) and Lighthouse, exactly as package-lock.json pins them
.PHONY: node-deps lighthouse
node-deps: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: the browser tests and make lighthouse need Node.js 18+ and npm (Debian: apt-get install nodejs npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests (tests/e2e) run in the PostgreSQL half and need axe-core; Chromium comes
# from the system (apt-get install chromium), never from `playwright install`.
test test-postgres: node-deps

## lighthouse: Lighthouse 12 on seven public pages served by the production configuration
## (gunicorn, settings.prod, demo content); prints the scores and writes them into docs/accessibility.md
lighthouse: install-dev node-deps
	$(PY) scripts/lighthouse.py

migrations-check: install-dev
	DJANGO_SETTINGS_MODULE=carter_site.settings.test $(PY) manage.py makemigrations --check --dry-run

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/hadolint Dockerfile

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## docker-check: build the production image on a local Debian base, run it against a throwaway
## PostgreSQL and check it like ops would (needs root; see docs/operations.md)
docker-check: install-dev
	bash .ci/docker-check.sh

## bench: the production server (gunicorn, PostgreSQL, page cache cold and warm) and nginx's
## static-file limit under wrk; prints the table and writes docs/performance.md (see there)
.PHONY: bench
bench: install-dev
	$(PY) scripts/bench.py

## profile: where an uncached page's time goes (SQL, query compilation, templates, the rest), in
## one process on the benchmark's content; PAGES="/faqs/" ARGS=--cprofile for one page in detail
.PHONY: profile
profile: install-dev
	$(PY) scripts/profile_page.py $(PAGES) $(ARGS)

## loadtest: wrk for 60 s at 64 connections against the production configuration on PostgreSQL,
## while an editor saves edits in the admin; reports errors, p99 and that every edit is there
## (docs/security.md, "Load"). Installs wrk when it is missing and this runs as root.
.PHONY: loadtest
loadtest: install-dev
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" -eq 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else echo "wrk is missing: apt-get install wrk" >&2; exit 1; fi; }
	$(PY) scripts/loadtest.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
