# 盐沙龙 transcript site. `make run` sets everything up and serves the demo; `make test` proves it works.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# The PostgreSQL server `make test-postgres` uses; pytest-django creates and drops test_<name> on it.
PG_URL ?= postgres://postgres@127.0.0.1:5432/salon_ci
# Development commands run with DEBUG on (and its development-only secret key) unless told otherwise.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
TEST_ENV := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=test-only-secret-key-not-for-production-0123456789 \
	DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1

.PHONY: install run demo serve test test-postgres test-browser golden lint format bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py import_event fixtures/demo-event.json

run: demo
	@echo
	@echo "Serving http://$(HOST)/  (admin: http://$(HOST)/admin/ — create an account with"
	@echo "  $(DEV_ENV) $(BIN)/python manage.py createsuperuser )"
	@echo "Editors (events, quotes, tags; no user accounts) get an account of their own with"
	@echo "  $(DEV_ENV) $(BIN)/python manage.py setup_roles --editor NAME  (asks for a password)"
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST)

# Production: gunicorn (gunicorn.conf.py) with DEBUG off, after migrating and collecting static
# files. Needs at least DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; README "Deploying" lists the rest.
serve: install
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make serve: set DJANGO_SECRET_KEY (50+ random characters, e.g. \`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'\`)" >&2; exit 1; }
	@test -n "$$DJANGO_ALLOWED_HOSTS" || { echo "make serve: set DJANGO_ALLOWED_HOSTS (the site's host names, comma-separated)" >&2; exit 1; }
	@case "$${DJANGO_DEBUG:-0}" in 0|false|no|off) ;; *) echo "make serve: DJANGO_DEBUG must be off in production (use make run to develop)" >&2; exit 1;; esac
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	exec $(BIN)/gunicorn --config gunicorn.conf.py salon_site.wsgi

test: install
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite against PostgreSQL (--create-db: a test database left by an interrupted run is
# dropped and made again).
test-postgres: install
	$(TEST_ENV) DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest --create-db $(PYTEST_ARGS)

# Browser tests (system chromium + fonts-noto-cjk; screenshots land in test-artifacts/).
test-browser: install
	$(TEST_ENV) $(BIN)/python -m pytest -m browser tests/browser $(PYTEST_ARGS)

# Rewrite the parser's golden files (tests/data/**/*.expected.json) from what the parser gives
# today, after a deliberate change; then read `git diff tests/data` line by line before committing
# (tests/data/README.md). `$(BIN)/python -m tests.regenerate_goldens --check` only reports.
golden: install
	$(TEST_ENV) $(BIN)/python -m tests.regenerate_goldens $(GOLDEN_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(DEV_ENV) $(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
