# The two commands of the README, and a few helpers. Everything runs from a local .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint check-migrations browser-deps clean

## run: install, start the product with demo data (embedded PostgreSQL and Redis unless
## DATABASE_URL / REDIS_URL are set); Ctrl-C stops everything it started
run: install
	$(BIN)/otmetka up

## test: install (dev tools; Debian's Chromium and poppler-utils for page and PDF tests), then run the suite
test: install browser-deps
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

browser-deps:
	@sh infra/scripts/ensure-test-tools.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check platform tenants services tests

clean:
	rm -rf $(VENV) .var
