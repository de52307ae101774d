# carter-site: `make run` serves the site with demo content; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres lint format migrations-check check-deploy install install-dev clean docker-check

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
	$(PY) manage.py ensure_dev_admin
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite, on SQLite and on a throwaway PostgreSQL server
test: install-dev migrations-check test-sqlite test-postgres

test-sqlite: install-dev
	$(PY) -m pytest --db=sqlite -p no:cacheprovider

test-postgres: install-dev
	@$(PY) -m tests.postgres_server
	$(PY) -m pytest --db=postgres -p no:cacheprovider

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
