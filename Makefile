# kompetensfond: `make demo` runs the app with demo data, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
DEMO_DB := var/demo.sqlite3
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install system-deps demo test lint test-sqlite test-postgres test-browser test-prod bench messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV) ## Create .venv and install the locked dependencies
	$(UV) sync --frozen --quiet

system-deps: ## Install Debian's chromium, gettext, poppler-utils, PostgreSQL's client tools, xmlsec1, LibreOffice Calc, pango and fonts when missing (needs root)
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v pg_dump >/dev/null || missing="$$missing postgresql-client"; \
	command -v xmlsec1 >/dev/null || missing="$$missing xmlsec1"; \
	ldconfig -p | grep -q libpangoft2 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@if ! command -v soffice >/dev/null; then \
	  echo "Installing: libreoffice-calc-nogui (reads the XLSX exports back)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; \
	fi

demo: install ## Run the app on SQLite with the demo data (http://127.0.0.1:8000/)
	@mkdir -p var && rm -f $(DEMO_DB)
	DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DB) $(PY) manage.py migrate --verbosity 0
	DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DB) $(PY) manage.py demo
	@echo ""
	@echo "kompetensfond körs på http://127.0.0.1:$(PORT)/  (Ctrl+C avslutar)"
	@export DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DB) SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	$(PY) manage.py imports_recover > /dev/null; \
	$(PY) manage.py db_worker --interval 1 --no-startup-delay > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install system-deps lint test-sqlite test-postgres test-browser test-prod ## Every check: lint, SQLite, PostgreSQL, browser, production build
	@echo "All checks passed."

lint: install ## ruff, mypy, bandit, migrations and translations
	$(VENV)/bin/ruff check src tests scripts $(wildcard benchmarks)
	$(VENV)/bin/mypy
	$(VENV)/bin/bandit -c pyproject.toml -r src -q
	DJANGO_SETTINGS_MODULE=kompetensfond.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=kompetensfond.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(PY) scripts/check_messages.py

test-sqlite: install ## The test suite on SQLite
	$(VENV)/bin/pytest -m "not browser and not postgres" -q

test-postgres: install ## The test suite on PostgreSQL (CI=true: unreachable is a failure)
	@if $(PY) scripts/pg_ready.py "$(PG_URL)"; then \
	  DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -m "not browser" -q --migrations; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL at $(PG_URL) is unreachable: failing (CI=true)"; exit 1; \
	else echo "WARNING: PostgreSQL at $(PG_URL) is unreachable; the PostgreSQL pass did NOT run."; fi

test-browser: install system-deps ## Browser tests: Playwright + axe in Debian's Chromium
	$(VENV)/bin/pytest -m browser -q -p no:cacheprovider

test-prod: install ## The production build started for real: migrate, collectstatic, check --deploy, gunicorn
	@if $(PY) scripts/pg_ready.py "$(PG_URL)" 2>/dev/null; then \
	  $(PY) scripts/prod_smoke.py "$(PG_URL)"; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL at $(PG_URL) is unreachable: failing (CI=true)"; exit 1; \
	else $(PY) scripts/prod_smoke.py; fi

bench: install ## Benchmarks (print their figures)
	@for b in benchmarks/[a-z]*.py; do echo "== $$b"; DATABASE_URL=$(PG_URL) $(PY) $$b || exit 1; done

messages: install ## Extract and compile translations (needs gettext)
	cd src/kompetensfond && ../../$(PY) ../../manage.py makemessages -l sv -l en --no-obsolete --no-location
	cd src/kompetensfond && ../../$(PY) ../../manage.py compilemessages

clean: ## Remove the virtual environments and local data
	rm -rf $(VENV) .tools var .pytest_cache .mypy_cache .ruff_cache
