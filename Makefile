# Film Incubator Desk. `make run` and `make test` work on a fresh clone with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run serve test install install-dev lint bench lock messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Film Incubator Desk on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# The production shape on one machine: production settings from the environment (defaults
# below), migrate, collectstatic, then gunicorn, the task worker and the scheduler from the
# Procfile, started together and stopped together by Ctrl-C.
SERVE_ENV = PATH="$(CURDIR)/$(BIN):$$PATH" DJANGO_ENV=production \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret-key)}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_TASKS_BACKEND="$${DJANGO_TASKS_BACKEND:-django_tasks_db.DatabaseBackend}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}"

serve: install
	@mkdir -p var
	@test -s var/secret-key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret-key
	$(SERVE_ENV) $(MANAGE) migrate --noinput
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput -v0
	@echo "Film Incubator Desk (production shape) on http://$${HOST:-127.0.0.1}:$(PORT)/  (Ctrl-C stops it)"
	$(SERVE_ENV) PORT=$(PORT) $(BIN)/honcho --procfile Procfile start web worker scheduler

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-dev
	$(BIN)/python -m bench

# Re-pin every dependency from pyproject.toml, with hashes.
lock: install-dev
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --extra dev -o requirements-dev.lock pyproject.toml

# After changing user-facing strings: needs GNU gettext (Debian's gettext package).
messages: install-dev
	$(MANAGE) makemessages -l ko --ignore=.venv --ignore=var --no-obsolete
	$(MANAGE) compilemessages -l ko --ignore=.venv

clean:
	rm -rf $(VENV) var db.sqlite3
