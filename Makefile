# The two commands a newcomer needs:  `make run` (demo school on SQLite)  and  `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## Set up, migrate, seed the demo school and serve it at http://127.0.0.1:8000 (logins are printed).
run: install
	$(BIN)/schoolchat demo

## The whole suite: on SQLite, then again on PostgreSQL (127.0.0.1:5432; skipped with a reason when it is
## unreachable, except in CI where that is a failure).
test: install
	$(BIN)/pytest
	SCHOOLCHAT_TEST_DATABASE=postgresql $(BIN)/pytest

test-sqlite: install
	$(BIN)/pytest

test-postgres: install
	SCHOOLCHAT_TEST_DATABASE=postgresql $(BIN)/pytest

clean:
	rm -rf $(VENV) data
