# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export BINHAN_VAR_DIR ?= $(CURDIR)/var

.PHONY: install demo test lint lock messages bench

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## make demo: set up, migrate, load the demo province once, serve it on http://127.0.0.1:8000
demo: install
	BINHAN_DEMO=1 $(BIN)/binhan migrate --noinput
	BINHAN_DEMO=1 $(BIN)/binhan demo --if-empty --size $${BINHAN_DEMO_SIZE:-small}
	BINHAN_DEMO=1 $(BIN)/binhan demo-logins --port $${PORT:-8000}
	BINHAN_DEMO=1 $(BIN)/binhan serve --host 127.0.0.1 --port $${PORT:-8000}

## make test: the whole suite on SQLite, then on PostgreSQL when BINHAN_TEST_DATABASE_URL is set
test: install
	$(BIN)/pytest -q
	@if [ -n "$$BINHAN_TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL"; \
		DATABASE_URL="$$BINHAN_TEST_DATABASE_URL" $(BIN)/pytest -q; \
	else \
		echo "(PostgreSQL run skipped: set BINHAN_TEST_DATABASE_URL=postgres://user@host/db to run it)"; \
	fi

lint: install
	$(BIN)/ruff check .
	BINHAN_DEMO=1 $(BIN)/binhan makemigrations --check --dry-run

## make lock: refresh requirements.lock after changing dependencies in pyproject.toml
lock:
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock pyproject.toml

## make messages: refresh and compile the translation catalogues
messages: install
	cd src/binhan && ../../$(BIN)/binhan makemessages --all --no-obsolete --no-location --ignore 'static/*'
	cd src/binhan && ../../$(BIN)/binhan compilemessages

bench: install
	$(BIN)/python bench/run_all.py
